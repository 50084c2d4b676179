import { randomBytes } from 'node:crypto';
import { close, createWriteStream, fchmod, fsync, unlinkSync } from 'node:fs';
import { rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { nameFault, STDOUT_DOING, STDOUT_NAME } from '../io/faults.js';

/**
 * Where formatted output goes. Writes honour backpressure; once the reader has gone away (`| head`)
 * writes are dropped and `signal` is aborted so the scan can stop early.
 */
export interface OutputSink {
  /** Settles when the destination can take more; rejects on a real write error. */
  write(chunk: string | Uint8Array): Promise<void>;
  /** Aborted when the reader went away (EPIPE): nothing more will be read, stop producing. */
  readonly signal: AbortSignal;
  /** True once the reader went away. */
  readonly closed: boolean;
  /** Settles once everything written so far has been handed to the destination (a live reader sees it). */
  flush(): Promise<void>;
  /** Success: flush; for a file, make it appear under its name (replacing any old one). */
  close(): Promise<void>;
  /**
   * The first half of `close()`: flush everything and, for a file, make it durable under its
   * temporary name, without replacing the target yet. Lets a caller write several outputs and
   * replace them together (`commit()` each) only once all were written.
   */
  finish(): Promise<void>;
  /** The second half of `close()`: for a file, rename it over the target. After `finish()`. */
  commit(): Promise<void>;
  /** Failure or interruption: for a file, drop what was written and leave any old file untouched. */
  abort(): Promise<void>;
}

function isEpipe(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  // ERR_STREAM_DESTROYED follows an EPIPE when something writes again after the stream died.
  return code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED';
}

/**
 * Keeps a stream whose reader may vanish from crashing the process: EPIPE (and writes after it) are
 * swallowed, other errors are handed to `onError`. Use it for stderr too, whose reader can also be
 * `| head` when diagnostics are piped.
 */
export function guardStream(stream: Writable, onEpipe: () => void = () => {}, onError: (err: Error) => void = () => {}): void {
  stream.on('error', (err: Error) => (isEpipe(err) ? onEpipe() : onError(err)));
}

/** Waits for `drain`, or for the stream to die (then the caller sees `closed` or the error). */
function drained(stream: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      stream.off('error', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
    stream.on('error', done);
  });
}

function ended(stream: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.once('error', reject);
    stream.end(() => resolve());
  });
}

class StreamSink implements OutputSink {
  private readonly controller = new AbortController();
  private failure: Error | undefined;
  private gone = false;

  constructor(
    protected readonly stream: Writable,
    private readonly onAbort: () => Promise<void> = async () => {},
    private readonly onFinish: () => Promise<void> = async () => {},
    private readonly onCommit: () => Promise<void> = async () => {},
    /** Where the bytes go and what is being done, to name a write failure (ENOSPC, EIO, …). */
    private readonly where: { path: string; doing: string } = { path: STDOUT_NAME, doing: STDOUT_DOING },
  ) {
    guardStream(
      stream,
      () => this.readerGone(),
      (err) => {
        this.failure ??= this.named(err);
      },
    );
  }

  private named(err: unknown): Error {
    const e = nameFault(err, this.where.path, this.where.doing);
    return e instanceof Error ? e : new Error(String(e));
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get closed(): boolean {
    return this.gone;
  }

  private readerGone(): void {
    if (this.gone) return;
    this.gone = true;
    this.controller.abort();
  }

  async write(chunk: string | Uint8Array): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.gone || this.stream.destroyed) return;
    if (this.stream.write(chunk)) return;
    await drained(this.stream);
    if (this.failure) throw this.failure;
  }

  async flush(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.gone || this.stream.destroyed) return;
    // An empty write's callback runs once every earlier chunk has been written.
    await new Promise<void>((resolve) => this.stream.write('', () => resolve()));
    if (this.failure) throw this.failure;
  }

  async close(): Promise<void> {
    await this.finish();
    await this.commit();
  }

  async finish(): Promise<void> {
    if (this.failure) {
      await this.abort();
      throw this.failure;
    }
    if (!this.gone && this.stream.writableNeedDrain) await drained(this.stream);
    if (this.failure) {
      await this.abort();
      throw this.failure;
    }
    try {
      await this.onFinish();
    } catch (err) {
      await this.abort();
      throw this.named(err);
    }
  }

  async commit(): Promise<void> {
    try {
      await this.onCommit();
    } catch (err) {
      await this.abort();
      throw this.named(err);
    }
  }

  async abort(): Promise<void> {
    await this.onAbort();
  }
}

/** Standard output (or any writable standing for it). It is never ended: the process owns it. */
export function stdoutSink(stream: Writable = process.stdout): OutputSink {
  return new StreamSink(stream);
}

/**
 * `--output FILE`, written atomically: into a temporary file beside it, fsynced and renamed over the
 * target on `close()`. On `abort()` or a failed write the temporary file is removed and an existing
 * target stays as it was; if the process exits without either, an exit hook removes it.
 *
 * A target that exists but is not a regular file (`/dev/null`, a FIFO) cannot be renamed over and
 * has no old content to protect, so it is written directly.
 */
export async function fileSink(path: string, doing = 'write the alerts', label = path): Promise<OutputSink> {
  try {
    return await openFileSink(path, { path: label, doing });
  } catch (e) {
    throw nameFault(e, label, doing);
  }
}

/** `where` names the file in messages (`--output alerts.ndjson`) and says what is being done. */
async function openFileSink(path: string, where: { path: string; doing: string }): Promise<OutputSink> {
  const existing = await stat(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (existing?.isDirectory()) throw Object.assign(new Error(`${path}: is a directory`), { code: 'EISDIR' });
  if (existing && !existing.isFile()) {
    const direct = createWriteStream(path, { flags: 'w', encoding: 'utf8' });
    await new Promise((resolve, reject) => {
      direct.once('open', resolve);
      direct.once('error', reject);
    });
    return new StreamSink(
      direct,
      async () => {
        direct.destroy();
      },
      () => ended(direct),
      async () => {},
      where,
    );
  }

  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  // A path-based stream with autoClose off leaves the fd to us, so it can be fsynced before the
  // rename (a FileHandle-based stream would keep its handle referenced and make close() wait forever).
  const stream = createWriteStream(tmp, { flags: 'wx', mode: 0o666, encoding: 'utf8', autoClose: false });
  const fd = await new Promise<number>((resolve, reject) => {
    stream.once('open', resolve);
    stream.once('error', reject);
  });
  // Keep the permissions a user gave the file they are replacing.
  if (existing) await promisify(fchmod)(fd, existing.mode & 0o7777).catch(() => {});

  let settled = false;
  let finished = false;
  const removeOnExit = () => {
    try {
      unlinkSync(tmp);
    } catch {
      // Already gone.
    }
  };
  process.on('exit', removeOnExit);
  const settle = () => {
    settled = true;
    process.off('exit', removeOnExit);
  };

  return new StreamSink(
    stream,
    async () => {
      if (settled) return;
      settle();
      stream.destroy();
      if (!finished) await promisify(close)(fd).catch(() => {});
      await unlink(tmp).catch(() => {});
    },
    async () => {
      if (settled || finished) return;
      await ended(stream);
      await promisify(fsync)(fd);
      await promisify(close)(fd);
      finished = true;
    },
    async () => {
      if (settled) return;
      await rename(tmp, path);
      settle();
    },
    where,
  );
}

/**
 * `--follow --output FILE`: alerts are appended as their runs become final, so a reader tailing the
 * file sees them, and a follower restarted with the same --state continues the same file. Nothing
 * written is ever taken back: there is no temporary file to commit.
 */
export async function appendFileSink(path: string): Promise<OutputSink> {
  const existing = await stat(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (existing?.isDirectory()) throw Object.assign(new Error(`${path}: is a directory`), { code: 'EISDIR' });
  const stream = createWriteStream(path, { flags: 'a', encoding: 'utf8' });
  await new Promise((resolve, reject) => {
    stream.once('open', resolve);
    stream.once('error', reject);
  });
  return new StreamSink(
    stream,
    async () => {
      await ended(stream).catch(() => {});
    },
    () => ended(stream),
  );
}

/**
 * stdout, or `output` written atomically when given (`-` also means stdout). `label` names the file
 * in fault messages (default: the path).
 */
export async function openSink(output?: string, label?: string): Promise<OutputSink> {
  return output === undefined || output === '-' ? stdoutSink() : fileSink(output, 'write the alerts', label ?? output);
}
