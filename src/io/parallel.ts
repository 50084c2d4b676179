/**
 * Parallel scanning: the rest of a line-mode file is cut into byte ranges at newlines, worker threads
 * run the same piece scanner (and so the same reader core) as the main thread, and results are put
 * back in input order with line numbers made absolute, so the output equals a sequential scan's,
 * whatever order the workers finish in.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { PortableJob, ReadJob } from './job.js';
import { createPieceScanner, type PieceLimits, type PieceResult, type ScanPiece } from './range-scan.js';
import type { WorkerStart } from './worker-loop.js';

/** Big enough that a worker's start-up and one message per piece are noise, small enough to stream. */
export const DEFAULT_PIECE_BYTES = 16 << 20;

/**
 * Cuts [from, size) of `file` into ranges of about `pieceBytes`, each ending just after a "\n" (or at
 * EOF). `from` must be the first byte of a line.
 */
export function cutFileRanges(file: string, pieceBytes: number = DEFAULT_PIECE_BYTES, from = 0): ScanPiece[] {
  const size = statSync(file).size;
  const pieces: ScanPiece[] = [];
  const fd = openSync(file, 'r');
  const probe = Buffer.allocUnsafe(64 * 1024);
  try {
    let start = from;
    while (start < size) {
      let end = Math.min(size, start + pieceBytes);
      // Move the cut forward to just after the next newline, so no line is split between pieces.
      while (end < size) {
        const n = readSync(fd, probe, 0, probe.length, end);
        const nl = probe.subarray(0, n).indexOf(10);
        if (nl !== -1) {
          end += nl + 1;
          break;
        }
        end += n;
        if (n === 0) end = size;
      }
      pieces.push({ kind: 'file', file, start, end: Math.min(end, size) });
      start = Math.min(end, size);
    }
  } finally {
    closeSync(fd);
  }
  return pieces;
}

/** A piece's result with absolute line numbers, in input order. */
export interface OrderedResult extends PieceResult {
  piece: ScanPiece;
  /** Lines of this file before the piece. */
  lineOffset: number;
}

export interface ParallelOptions {
  /** Worker threads; 0 or 1 runs everything on the calling thread. */
  threads: number;
  /** Pieces dispatched ahead of the one being emitted (bounds memory). */
  window?: number;
  limits?: PieceLimits;
  /** Lines of a file read before its first piece (its head, read by the caller). */
  linesBefore?: ReadonlyMap<string, number>;
}

interface WorkerReply {
  id: number;
  result?: PieceResult;
  error?: string;
}

/**
 * V8's young generation per worker. With a prefilter a worker parses a few lines per MiB and 2 MB is
 * enough (peak RSS on the 1.74 GB corpus with 2 workers: 177 MB at 2, 222 MB at V8's default, same
 * time). Parsing every line makes garbage at full speed, and 2 MB then costs 40% more CPU (promotion
 * to the old generation); 16 MB runs as fast as the default.
 */
function workerLimits(job: PortableJob): { maxYoungGenerationSizeMb: number } {
  return { maxYoungGenerationSizeMb: job.parsesEveryLine ? 16 : 2 };
}

function spawnWorker(job: PortableJob, limits: PieceLimits): Worker {
  const url = job.worker;
  const workerData: WorkerStart = { data: job.data, limits };
  if (url.pathname.endsWith('.ts')) {
    // Running from sources (tests): load the TypeScript worker through tsx.
    const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })`;
    return new Worker(boot, { eval: true, workerData, resourceLimits: workerLimits(job) });
  }
  return new Worker(url, { workerData, resourceLimits: workerLimits(job) });
}

function absolute(result: PieceResult, lineOffset: number): PieceResult {
  if (lineOffset === 0) return result;
  const acct = result.accounting;
  const shifted: PieceResult = {
    ...result,
    matches: result.matches.map((ev) => ({ ...ev, origin: { file: ev.origin.file, line: ev.origin.line + lineOffset } })),
    accounting: { ...acct, problems: acct.problems.map((p) => ({ ...p, line: p.line + lineOffset })) },
  };
  const f = result.failure;
  if (f?.line !== undefined) shifted.failure = { ...f, line: f.line + lineOffset };
  return shifted;
}

/**
 * Scans `pieces` (in input order) and yields their results in that same order. Line offsets run
 * per file: a piece's lines follow the lines of the earlier pieces of the same file.
 */
export async function* scanPieces(pieces: AsyncIterable<ScanPiece> | Iterable<ScanPiece>, job: ReadJob, opts: ParallelOptions): AsyncGenerator<OrderedResult> {
  const offsets = new Map<string, number>(opts.linesBefore);
  const limits = opts.limits ?? {};
  const place = (piece: ScanPiece, result: PieceResult): OrderedResult => {
    const lineOffset = offsets.get(piece.file) ?? 0;
    offsets.set(piece.file, lineOffset + result.lines);
    return { ...absolute(result, lineOffset), piece, lineOffset };
  };

  if (opts.threads <= 1) {
    const scan = createPieceScanner(job, limits);
    for await (const piece of pieces) yield place(piece, await scan(piece));
    return;
  }

  if (job.portable === undefined) throw new Error('scanPieces: a job without `portable` cannot run on worker threads');
  const pool = new WorkerPool(job.portable(), limits, opts.threads);
  const window = Math.max(1, opts.window ?? opts.threads * 2);
  const inFlight: { piece: ScanPiece; result: Promise<PieceResult> }[] = [];
  const iterator = (Symbol.asyncIterator in pieces ? pieces[Symbol.asyncIterator]() : (pieces as Iterable<ScanPiece>)[Symbol.iterator]()) as
    | AsyncIterator<ScanPiece>
    | Iterator<ScanPiece>;
  let done = false;
  try {
    for (;;) {
      while (!done && inFlight.length < window) {
        const step = await iterator.next();
        if (step.done === true) done = true;
        else {
          const result = pool.run(step.value);
          // Awaited when its turn comes; this keeps an early failure from counting as unhandled.
          result.catch(() => {});
          inFlight.push({ piece: step.value, result });
        }
      }
      const head = inFlight.shift();
      if (head === undefined) return;
      yield place(head.piece, await head.result);
    }
  } finally {
    await pool.close();
  }
}

interface Task {
  id: number;
  piece: ScanPiece;
  resolve: (r: PieceResult) => void;
  reject: (e: Error) => void;
}

/** Worker threads taking pieces from one queue, each answering one piece at a time. */
class WorkerPool {
  private readonly idle: Worker[] = [];
  private readonly all: Worker[] = [];
  private readonly queue: Task[] = [];
  private readonly busy = new Map<Worker, Task>();
  private nextId = 0;
  private failure: Error | undefined;

  constructor(job: PortableJob, limits: PieceLimits, threads: number) {
    for (let i = 0; i < threads; i++) {
      const w = spawnWorker(job, limits);
      w.on('message', (reply: WorkerReply) => this.onReply(w, reply));
      w.on('error', (err) => this.fail(err));
      this.all.push(w);
      this.idle.push(w);
    }
  }

  run(piece: ScanPiece): Promise<PieceResult> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise<PieceResult>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, piece, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const w = this.idle.pop()!;
      const task = this.queue.shift()!;
      this.busy.set(w, task);
      // A stream's bytes move to the worker (transferred: no copy, and gone from this thread).
      w.postMessage({ id: task.id, piece: task.piece }, task.piece.kind === 'bytes' ? task.piece.bytes.map((b) => b.buffer as ArrayBuffer) : []);
    }
  }

  private onReply(w: Worker, reply: WorkerReply): void {
    const task = this.busy.get(w);
    if (task === undefined || task.id !== reply.id) return;
    this.busy.delete(w);
    this.idle.push(w);
    if (reply.error !== undefined) task.reject(new Error(reply.error));
    else task.resolve(reply.result!);
    this.pump();
  }

  private fail(err: Error): void {
    this.failure = err;
    for (const t of [...this.busy.values(), ...this.queue]) t.reject(err);
    this.busy.clear();
    this.queue.length = 0;
  }

  async close(): Promise<void> {
    await Promise.all(this.all.map((w) => w.terminate()));
  }
}
