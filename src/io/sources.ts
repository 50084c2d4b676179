/**
 * Where bytes come from: named files, directories walked for event files, or stdin. Each source is
 * opened as a stream of raw Buffers; gzip is recognised by its magic bytes (never by name) and
 * inflated transparently, including multi-member files (`cat a.gz b.gz > c.gz`).
 */
import { closeSync, createReadStream, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { InputError } from './errors.js';

export { InputError } from './errors.js';

/** 1 MiB reads: measured at half the raw read time of Node's 64 KiB default. */
export const READ_CHUNK_BYTES = 1 << 20;

/** Names a directory walk picks up; explicitly named files are read whatever their name. */
const EVENT_FILE = /\.(?:ndjson|jsonl|json)(?:\.gz)?$/i;

export interface InputSource {
  /** The path as the user gave it (or as found under a directory); `-` for stdin. */
  name: string;
  kind: 'file' | 'stdin';
  /** Size on disk in bytes (compressed size for gzip), when known. */
  size?: number;
}

/** An open source: its bytes (inflated if gzipped) and how many raw bytes were consumed so far. */
export interface OpenedSource {
  chunks: AsyncIterable<Buffer>;
  rawBytesRead(): number;
}

/** An fs error as the reader reports it: `missing` for ENOENT/ENOTDIR, else `unreadable`. */
export function fsError(path: string, err: unknown): InputError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const msg = err instanceof Error ? err.message : String(err);
  return new InputError(code === 'ENOENT' || code === 'ENOTDIR' ? 'missing' : 'unreadable', path, msg);
}

async function walkDirectory(dir: string, seen: Set<string>, out: InputSource[]): Promise<void> {
  // Symlink loops would otherwise recurse forever.
  const real = await realpath(dir).catch((e: unknown) => {
    throw fsError(dir, e);
  });
  if (seen.has(real)) return;
  seen.add(real);
  const names = await readdir(dir).catch((e: unknown) => {
    throw fsError(dir, e);
  });
  // Code-unit order, not locale order, so the event order is the same on every machine.
  names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const name of names) {
    const path = join(dir, name);
    let st: Stats;
    try {
      st = await stat(path);
    } catch {
      continue; // a dangling symlink inside a directory is not something the user named
    }
    if (st.isDirectory()) await walkDirectory(path, seen, out);
    else if (st.isFile() && EVENT_FILE.test(name)) out.push({ name: path, kind: 'file', size: st.size });
  }
}

/**
 * Turns command-line inputs into sources in reading order. No input, or `-`, is stdin. Missing or
 * unreadable paths throw an `InputError` naming the path before anything is read.
 */
export async function resolveInputs(inputs: readonly string[]): Promise<InputSource[]> {
  if (inputs.length === 0) return [await stdinSource()];
  const out: InputSource[] = [];
  for (const input of inputs) {
    if (input === '-') {
      out.push(await stdinSource());
      continue;
    }
    let st: Stats;
    try {
      st = await stat(input);
    } catch (e) {
      throw fsError(input, e);
    }
    if (st.isDirectory()) {
      const before = out.length;
      await walkDirectory(input, new Set(), out);
      // A CI job pointed at the wrong folder must not pass as "no alerts".
      if (out.length === before) {
        throw new InputError('missing', input, 'the directory holds no event files (*.ndjson, *.jsonl, *.json or their .gz)');
      }
    } else out.push({ name: input, kind: 'file', size: st.isFile() ? st.size : undefined });
  }
  return out;
}

async function stdinSource(): Promise<InputSource> {
  // `< file` redirection gives stdin a size; a pipe or terminal does not.
  let size: number | undefined;
  try {
    const st = fstatSync(0);
    if (st.isFile()) size = st.size;
  } catch {
    size = undefined;
  }
  return { name: '-', kind: 'stdin', size };
}

export function isGzipMagic(head: Buffer): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

async function* countBytes(raw: AsyncIterable<Buffer>, counter: { n: number }): AsyncGenerator<Buffer> {
  for await (const chunk of raw) {
    counter.n += chunk.length;
    yield chunk;
  }
}

async function* sniffAndInflate(raw: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const it = raw[Symbol.asyncIterator]();
  // Gather at least two bytes: stdin may deliver a single byte first.
  const head: Buffer[] = [];
  let headLen = 0;
  while (headLen < 2) {
    const r = await it.next();
    if (r.done) break;
    head.push(r.value);
    headLen += r.value.length;
  }
  const first = head.length === 1 ? head[0]! : Buffer.concat(head);
  async function* rest(): AsyncGenerator<Buffer> {
    try {
      if (first.length > 0) yield first;
      for (;;) {
        const r = await it.next();
        if (r.done) return;
        yield r.value;
      }
    } finally {
      // A consumer that stops early must still close the file.
      await it.return?.();
    }
  }
  if (!isGzipMagic(first)) {
    yield* rest();
    return;
  }
  // Node's gunzip reads concatenated members by default; errors (truncated or corrupt data)
  // surface from the iteration below, where the reader turns them into a "truncated" line.
  const gunzip = pipeline(Readable.from(rest(), { objectMode: false }), createGunzip({ chunkSize: READ_CHUNK_BYTES }), () => {});
  for await (const chunk of gunzip as AsyncIterable<Buffer>) yield chunk;
}

/**
 * Opens a source for reading. Opening errors (EACCES, a path that vanished) throw an `InputError`
 * on the first read; errors later in the stream are rethrown as they are.
 */
export function openSource(src: InputSource): OpenedSource {
  async function* raw(): AsyncGenerator<Buffer> {
    const stream =
      src.kind === 'stdin' ? process.stdin : createReadStream(src.name, { highWaterMark: READ_CHUNK_BYTES });
    let started = false;
    try {
      for await (const chunk of stream as AsyncIterable<Buffer | string>) {
        started = true;
        yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      }
    } catch (e) {
      if (!started) throw fsError(src.name, e);
      throw e;
    }
  }
  return openChunks(raw());
}

/** Any byte stream as a source: gzip sniffed and inflated, raw bytes counted (see openSource). */
export function openChunks(raw: AsyncIterable<Buffer>): OpenedSource {
  const counter = { n: 0 };
  return {
    chunks: sniffAndInflate(countBytes(raw, counter)),
    rawBytesRead: () => counter.n,
  };
}

/**
 * The bytes of `file` in [start, end), as fresh Buffers of up to 1 MiB (a consumer may keep views of
 * the last one), read synchronously: for plain files this costs about half the CPU of the stream
 * reader (measured: 1.3 s vs 2.5–2.8 s user on a 1.74 GB corpus). Stops early if the file shrank.
 */
export function* fileRangeChunks(file: string, start: number, end: number = Number.POSITIVE_INFINITY): Generator<Buffer> {
  const fd = openSync(file, 'r');
  try {
    yield* fdChunks(fd, start, end);
  } finally {
    closeSync(fd);
  }
}

/** `fileRangeChunks` over an open descriptor (left open). */
export function* fdChunks(fd: number, start: number, end: number = Number.POSITIVE_INFINITY): Generator<Buffer> {
  let pos = start;
  while (pos < end) {
    const buf = Buffer.allocUnsafe(Math.min(READ_CHUNK_BYTES, end - pos));
    const n = readSync(fd, buf, 0, buf.length, pos);
    if (n === 0) return;
    pos += n;
    yield n === buf.length ? buf : buf.subarray(0, n);
  }
}
