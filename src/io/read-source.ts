/**
 * One source's bytes into the reader core (decoder.ts). Only how bytes arrive differs by source:
 *
 * - a regular file: synchronous 1 MiB reads (about half the CPU of the stream reader). When worker
 *   threads are wanted for it, its head is decoded here (deciding the mode and calibrating the
 *   prefilter on the same first batch as one thread would), and the rest, from the first line
 *   boundary after that, is cut into byte ranges for the workers (parallel.ts);
 * - gzip (recognised by its magic bytes), stdin, anything else: the stream reader (sources.ts), whose
 *   chunks feed the same core; a stream that breaks off is reported as a truncated last line;
 *   `readChunks` reads any other byte stream the same way.
 *
 * Pretty-printed (es_archiver) files never go to workers: a value spans lines, so a cut at a newline
 * can fall inside one; such exports are small.
 */
import { closeSync, openSync } from 'node:fs';
import type { Accounting } from './accounting.js';
import { SourceDecoder, type Decoded } from './decoder.js';
import { decodeStream, nonEmpty } from './decode-stream.js';
import { InputError } from './errors.js';
import type { ReadJob } from './job.js';
import { DEFAULT_MAX_LINE_BYTES } from './lines.js';
import { cutFileRanges, scanPieces } from './parallel.js';
import { streamPieces, type StreamEnd } from './stream-pieces.js';
import { GZIP_SIZE_FACTOR } from './gzip-files.js';
import { fdChunks, fsError, isGzipMagic, openChunks, openSource, type InputSource, type OpenedSource } from './sources.js';
import { isSystemError } from './faults.js';

/** Piece size for large files: one message per 16 MiB is noise, and 2×threads in flight bound memory. */
const MAX_PIECE_BYTES = 16 << 20;
const MIN_PIECE_BYTES = 1 << 20;
const LF = 0x0a;

/** When a file is worth worker threads, and how many. */
export interface WorkerPlan {
  /** Files smaller than this are read on this thread. */
  minBytes: number;
  /** Asked when a file of `minBytes` or more is ready to be handed off; 1 keeps it on this thread. */
  threads(): Promise<number>;
  /** Told each time a file is handed to workers. */
  onSplit?(): void;
}

export interface SourceReadOptions {
  maxLineBytes?: number;
  /** See DecoderOptions.headBytes: 0 for a live stream whose first events must not wait for 1 MiB. */
  headBytes?: number;
  /** Raw bytes of this source consumed so far (compressed bytes for gzip), after each read. */
  progress?: (rawBytes: number) => void;
  /** Worker threads for large plain files (only for jobs that can travel: `job.portable`). */
  workers?: WorkerPlan;
  /**
   * A live stream (`--follow`): each chunk is decoded as it arrives (no 1 MiB head gathered first)
   * and every read yields, even one without events, so the consumer gets a turn after each read.
   */
  live?: boolean;
  /** Size of the pieces a stream is cut into for workers (default STREAM_PIECE_BYTES; tests cut smaller). */
  streamPieceBytes?: number;
}

/** At least 4 pieces per worker, each between 1 and 16 MiB. */
function pieceBytesFor(size: number, threads: number): number {
  return Math.max(MIN_PIECE_BYTES, Math.min(MAX_PIECE_BYTES, Math.ceil(size / (threads * 4))));
}


/**
 * Reads one source through the core and yields what each read gave (only non-empty results).
 * Missing or unreadable sources throw an `InputError`; bad lines are counted in `acct` (or thrown
 * under `acct.strict`).
 */
export async function* readSource(src: InputSource, job: ReadJob, acct: Accounting, opts: SourceReadOptions = {}): AsyncGenerator<Decoded> {
  const maxLineBytes = opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const decoder = new SourceDecoder(src.name, job, acct, { maxLineBytes, ...(opts.live === true ? { headBytes: 0 } : opts.headBytes !== undefined && { headBytes: opts.headBytes }) });
  const worth = opts.live === true ? () => true : nonEmpty;
  if (src.kind === 'file' && src.size !== undefined) {
    let fd: number | undefined;
    try {
      fd = openSync(src.name, 'r');
    } catch {
      fd = undefined; // the stream reader reports it exactly as for any other source
    }
    if (fd !== undefined) {
      try {
        const done = yield* readPlainFile(fd, src as InputSource & { size: number }, decoder, job, acct, opts, worth);
        if (done) return;
      } catch (e) {
        // A read that fails (EIO from a failing disk) is the world's fault, named with the file.
        throw isSystemError(e) ? fsError(src.name, e) : e;
      } finally {
        closeSync(fd);
      }
    }
  }
  const plan = opts.workers !== undefined && opts.live !== true && job.portable !== undefined && job.emit !== 'records' ? opts.workers : undefined;
  if (plan === undefined) {
    yield* readStream(src, decoder, opts.progress, worth);
    return;
  }
  // A named file that gets here is gzip: its events take several times its size.
  const size = src.kind === 'file' && src.size !== undefined ? src.size * GZIP_SIZE_FACTOR : src.size;
  yield* readStreamToWorkers(src.name, size, openSource(src), decoder, job, acct, opts, plan);
}

/**
 * Bytes a stream of unknown size (a pipe) is read on this thread before the rest goes to workers,
 * when the thread plan waits for large inputs: a short pipe never pays for starting them.
 */
export const STREAM_HANDOFF_BYTES = 64 << 20;

/**
 * A stream (stdin, gzip) whose head is decoded here (deciding the mode and calibrating the prefilter
 * on the same first batch as one thread would) and whose rest, from the first line boundary after
 * that, is cut into pieces at newlines for the workers (stream-pieces.ts): a pipe is scanned on every
 * core, and inflating a large gzip (on this side) overlaps with scanning it (on the workers).
 */
async function* readStreamToWorkers(
  name: string,
  size: number | undefined,
  opened: OpenedSource,
  decoder: SourceDecoder,
  job: ReadJob,
  acct: Accounting,
  opts: SourceReadOptions,
  plan: WorkerPlan,
): AsyncGenerator<Decoded> {
  const progress = (): void => opts.progress?.(opened.rawBytesRead());
  const handAt = size !== undefined ? (size >= plan.minBytes ? 0 : Number.POSITIVE_INFINITY) : Math.min(plan.minBytes, STREAM_HANDOFF_BYTES);
  const it = opened.chunks[Symbol.asyncIterator]();
  let threads: number | undefined;
  let read = 0;
  try {
    for (;;) {
      let r: IteratorResult<Buffer>;
      try {
        r = await it.next();
      } catch (e) {
        if (e instanceof InputError) throw e;
        const d = decoder.breakOff(e instanceof Error ? e.message : String(e));
        progress();
        if (nonEmpty(d)) yield d;
        return;
      }
      if (r.done) break;
      let chunk = r.value;
      read += chunk.length;
      if (decoder.mode === 'lines' && read >= handAt && (threads ??= await plan.threads()) > 1) {
        // Finish the line the head broke off in, then hand the rest over from the next line's first byte.
        const nl = decoder.handOffReady ? -1 : chunk.indexOf(LF);
        if (nl >= 0) {
          const d = decoder.push(chunk.subarray(0, nl + 1));
          chunk = chunk.subarray(nl + 1);
          if (nonEmpty(d)) yield d;
        }
        if (decoder.handOffReady) {
          plan.onSplit?.();
          yield* streamToWorkers(name, chunk, it, decoder.nextLine - 1, threads, job, acct, opts, progress);
          return;
        }
      }
      const d = decoder.push(chunk);
      progress();
      if (nonEmpty(d)) yield d;
    }
    const d = decoder.end();
    if (nonEmpty(d)) yield d;
  } finally {
    await it.return?.();
  }
}

async function* streamToWorkers(
  name: string,
  first: Buffer,
  rest: AsyncIterator<Buffer>,
  linesBefore: number,
  threads: number,
  job: ReadJob,
  acct: Accounting,
  opts: SourceReadOptions,
  progress: () => void,
): AsyncGenerator<Decoded> {
  const end: StreamEnd = {};
  const limits = { strict: acct.strict, maxProblems: acct.maxProblems, ...(opts.maxLineBytes !== undefined && { maxLineBytes: opts.maxLineBytes }) };
  let lines = linesBefore;
  for await (const r of scanPieces(streamPieces(name, first, rest, end, opts.streamPieceBytes), job, { threads, limits, linesBefore: new Map([[name, linesBefore]]) })) {
    const f = r.failure;
    if (f !== undefined) throw new InputError(f.reason, f.path, f.detail, f.line, f.column);
    acct.merge(r.accounting);
    lines = r.lineOffset + r.lines;
    progress();
    if (r.events > 0) yield { events: r.events, matches: r.matches, records: [] };
  }
  // As the one-thread reader does when the bytes break off: the unfinished line is truncated.
  if (end.brokeOff !== undefined) acct.malformed(name, lines + 1, 'truncated', `truncated input: ${end.brokeOff}`);
}

/** Returns false, having consumed nothing, when the file turns out to be gzip. */
async function* readPlainFile(
  fd: number,
  src: InputSource & { size: number },
  decoder: SourceDecoder,
  job: ReadJob,
  acct: Accounting,
  opts: SourceReadOptions,
  worth: (d: Decoded) => boolean = nonEmpty,
): AsyncGenerator<Decoded, boolean> {
  const plan = opts.workers !== undefined && job.portable !== undefined && job.emit !== 'records' && src.size >= opts.workers.minBytes ? opts.workers : undefined;
  let threads: number | undefined;
  let pos = 0;
  for (const chunk of fdChunks(fd, 0)) {
    if (pos === 0 && isGzipMagic(chunk)) return false;
    let rest = chunk;
    if (plan !== undefined && decoder.mode === 'lines' && (threads ??= await plan.threads()) > 1) {
      // Finish the line the head broke off in, then hand the rest over from the next line's first byte.
      const nl = decoder.handOffReady ? -1 : chunk.indexOf(LF);
      if (nl >= 0) {
        const d = decoder.push(chunk.subarray(0, nl + 1));
        pos += nl + 1;
        rest = chunk.subarray(nl + 1);
        if (worth(d)) yield d;
      }
      if (decoder.handOffReady) {
        plan.onSplit?.();
        yield* readPieces(src, pos, decoder.nextLine - 1, threads, job, acct, opts);
        return true;
      }
    }
    const d = decoder.push(rest);
    pos += rest.length;
    opts.progress?.(pos);
    if (worth(d)) yield d;
  }
  const d = decoder.end();
  if (worth(d)) yield d;
  return true;
}

/** The rest of a line-mode file, from byte `from` (a line's first byte, after `linesBefore` lines), on worker threads. */
async function* readPieces(
  src: InputSource & { size: number },
  from: number,
  linesBefore: number,
  threads: number,
  job: ReadJob,
  acct: Accounting,
  opts: SourceReadOptions,
): AsyncGenerator<Decoded> {
  const pieces = cutFileRanges(src.name, pieceBytesFor(src.size - from, threads), from);
  const limits = { strict: acct.strict, maxProblems: acct.maxProblems, ...(opts.maxLineBytes !== undefined && { maxLineBytes: opts.maxLineBytes }) };
  for await (const r of scanPieces(pieces, job, { threads, limits, linesBefore: new Map([[src.name, linesBefore]]) })) {
    const f = r.failure;
    if (f !== undefined) throw new InputError(f.reason, f.path, f.detail, f.line, f.column);
    acct.merge(r.accounting);
    if (r.piece.kind === 'file') opts.progress?.(r.piece.end);
    if (r.events > 0) yield { events: r.events, matches: r.matches, records: [] };
  }
}

async function* readStream(
  src: InputSource,
  decoder: SourceDecoder,
  progress: ((raw: number) => void) | undefined,
  worth: (d: Decoded) => boolean = nonEmpty,
): AsyncGenerator<Decoded> {
  yield* decodeStream(decoder, openSource(src), progress, worth);
}

/**
 * Reads any byte stream (a pipe, a socket, a test's chunks) through the core under the name `name`,
 * exactly as stdin is read: gzip sniffed and inflated, a stream that breaks off reported as truncated.
 */
export async function* readChunks(
  name: string,
  raw: AsyncIterable<Buffer>,
  job: ReadJob,
  acct: Accounting,
  opts: SourceReadOptions = {},
): AsyncGenerator<Decoded> {
  const decoder = new SourceDecoder(name, job, acct, { ...(opts.maxLineBytes !== undefined && { maxLineBytes: opts.maxLineBytes }), ...(opts.live === true ? { headBytes: 0 } : opts.headBytes !== undefined && { headBytes: opts.headBytes }) });
  const plan = opts.workers !== undefined && opts.live !== true && job.portable !== undefined && job.emit !== 'records' ? opts.workers : undefined;
  if (plan !== undefined) yield* readStreamToWorkers(name, undefined, openChunks(raw), decoder, job, acct, opts, plan);
  else yield* decodeStream(decoder, openChunks(raw), opts.progress, opts.live === true ? () => true : nonEmpty);
}

