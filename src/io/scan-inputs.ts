/**
 * The scan's input stage: every input, in order, → the events that match the query, with every line
 * accounted for in one Accounting. A plain (uncompressed, line-per-event) regular file is cut into
 * byte ranges at newlines and scanned by the range scanner (range-scan.ts): by worker threads when it
 * is large enough to pay for their start-up (parallel.ts), else on this thread, where its synchronous
 * 1 MiB reads take about half the CPU of the stream reader (measured: 1.3 s vs 2.5–2.8 s user on the
 * 1.74 GB corpus). Everything else is read on this thread by the stream reader (readSource):
 *
 * - gzip: a deflate stream cannot be entered in the middle, and inflating is itself serial;
 * - pretty-printed files (es_archiver "values" mode): a value spans lines, so a cut at a newline can
 *   fall inside one; such exports are small;
 * - stdin: its size is unknown and it must be sniffed for gzip and mode first; piping a big file is
 *   better done by naming it.
 *
 * Either way the matches come out in input order and the accounting, problem lines and prefilter
 * choice are the sequential reader's: the prefilter is calibrated once, on the batch the sequential
 * reader would calibrate on (the first line-mode batch of the first 1 MiB read).
 */
import { openSync, readSync, closeSync } from 'node:fs';
import type { KueryNode } from '../kql/ast.js';
import type { Prefilter } from '../kql/prefilter.js';
import { calibratePrefilter, prefilterBatch } from '../kql/prefilter-scan.js';
import { compileIndexFilter } from '../rule/index-patterns.js';
import type { Accounting } from './accounting.js';
import { InputError } from './errors.js';
import { DEFAULT_MAX_LINE_BYTES, LineSplitter, type LineBatch } from './lines.js';
import { cutFileRanges, scanPieces } from './parallel.js';
import type { ScanJob } from './range-scan.js';
import { decideMode, readSource, type FileMode, type ReadProgress } from './read-events.js';
import { READ_CHUNK_BYTES, resolveInputs, type InputSource } from './sources.js';
import type { SourceEvent } from './types.js';

/**
 * Smallest file split across workers by default. Measured on 2 cores: two workers cost about 0.25 s
 * more (start-up, each isolate loading and warming up the scanner) and ~0.25 s more CPU; on a 400 MB
 * file they were slower than one thread (1.06–1.12 s vs 0.82–0.86 s), on 1.74 GB faster
 * (1.40 s vs 2.70 s with the second core free; 2.2–2.4 s vs 2.6–3.1 s with it shared).
 */
export const DEFAULT_PARALLEL_MIN_BYTES = 512 << 20;
/** Piece size for large files: one message per 16 MiB is noise, and 2×threads in flight bound memory. */
const MAX_PIECE_BYTES = 16 << 20;
const MIN_PIECE_BYTES = 1 << 20;
/** How far the main thread reads to decide a file's mode before giving up and reading it serially. */
const PROBE_LIMIT_BYTES = 8 << 20;

export interface InputScanOptions {
  query: KueryNode;
  /** The compiled query, for the inputs read on this thread. */
  predicate: (source: Record<string, unknown>) => boolean;
  /** The rule's index patterns; empty: every index is in scope. */
  indexPatterns: readonly string[];
  /** The prefilter derived from the query, not yet calibrated; null: parse every line. */
  prefilter: Prefilter | null;
  strict: boolean;
  /**
   * Worker threads; 1 reads everything on this thread. A function is asked once, when the first
   * file large enough to split comes up (e.g. to look at how busy the cores are at that moment).
   */
  threads: number | (() => number | Promise<number>);
  /** Files smaller than this are read on this thread (0: split every plain file). */
  parallelMinBytes: number;
  maxLineBytes?: number;
  onProgress?: (p: ReadProgress) => void;
}

/** What one batch (a 1 MiB read, or a worker's piece) yielded. */
export interface MatchBatch {
  /** Events decoded and in index scope. */
  events: number;
  /** The events the query matches, in input order. */
  matches: SourceEvent[];
}

export interface InputScan {
  batches: AsyncGenerator<MatchBatch>;
  /** The prefilter as calibrated on the data (null when none); final once `batches` is done. */
  prefilter(): Prefilter | null;
  /** Inputs scanned by worker threads so far (the rest were read on this thread). */
  splitFiles(): number;
}

type Probe = { mode: FileMode; sample?: LineBatch };

/**
 * Reads the start of a plain file the way the sequential reader does (1 MiB reads from offset 0)
 * until its mode is known and, if `wantSample`, the first line-mode batch is in hand, which is the
 * batch the sequential reader calibrates the prefilter on. Gzip files report 'undecided'.
 */
function probeFile(path: string, maxLineBytes: number, wantSample: boolean): Probe {
  const fd = openSync(path, 'r');
  try {
    const splitter = new LineSplitter(path, maxLineBytes);
    let mode: FileMode = 'undecided';
    let pos = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(READ_CHUNK_BYTES);
      const n = pos < PROBE_LIMIT_BYTES ? readSync(fd, chunk, 0, chunk.length, pos) : 0;
      if (pos === 0 && n >= 2 && chunk[0] === 0x1f && chunk[1] === 0x8b) return { mode: 'undecided' };
      const items = n > 0 ? splitter.push(chunk.subarray(0, n)) : pos < PROBE_LIMIT_BYTES ? splitter.end() : [];
      pos += n;
      // The same steps as readSource's handler: a long line decides 'lines' without a batch.
      for (const item of items) {
        if (item.type === 'too-long') {
          if (mode === 'undecided') mode = 'lines';
          continue;
        }
        if (mode === 'undecided') mode = decideMode(item.batch);
        if (mode === 'values') return { mode };
        if (mode === 'lines') return wantSample ? { mode, sample: item.batch } : { mode };
      }
      if (n === 0) return { mode: mode === 'lines' && !wantSample ? 'lines' : 'undecided' };
    }
  } finally {
    closeSync(fd);
  }
}

/** On one thread a piece is only a progress step; across workers, at least 4 pieces per worker. */
function pieceBytesFor(size: number, threads: number): number {
  if (threads <= 1) return MAX_PIECE_BYTES;
  return Math.max(MIN_PIECE_BYTES, Math.min(MAX_PIECE_BYTES, Math.ceil(size / (threads * 4))));
}

export function scanInputs(inputs: readonly string[], opts: InputScanOptions, acct: Accounting): InputScan {
  let pf = opts.prefilter;
  let calibrated = false;
  let split = 0;
  let decided: number | undefined;
  const threadCount = async (): Promise<number> => (decided ??= typeof opts.threads === 'number' ? opts.threads : await opts.threads());
  const maxLineBytes = opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const indexFilter = compileIndexFilter(opts.indexPatterns);
  // The sequential reader's hook: the choice among AND children is redone once, on the first batch.
  const prefilterHook = (batch: LineBatch): Uint8Array | undefined => {
    if (pf === null) return undefined;
    if (!calibrated) {
      pf = calibratePrefilter(pf, batch);
      calibrated = true;
    }
    return prefilterBatch(pf, batch);
  };

  async function* serial(src: InputSource, progress: (raw: number) => void): AsyncGenerator<MatchBatch> {
    const readOpts = { strict: opts.strict, maxLineBytes, indexFilter, prefilter: prefilterHook };
    for await (const evs of readSource(src, readOpts, acct, progress)) {
      const matches: SourceEvent[] = [];
      for (const ev of evs) if (opts.predicate(ev.source)) matches.push(ev);
      yield { events: evs.length, matches };
    }
  }

  async function* ranges(src: InputSource & { size: number }, progress: (raw: number) => void): AsyncGenerator<MatchBatch> {
    const threads = src.size >= opts.parallelMinBytes ? await threadCount() : 1;
    const job: ScanJob = {
      query: opts.query,
      prefilter: pf,
      indexPatterns: opts.indexPatterns,
      strict: opts.strict,
      maxLineBytes,
      maxProblems: acct.maxProblems,
    };
    acct.file(src.name);
    if (threads > 1) split++;
    const pieces = cutFileRanges(src.name, pieceBytesFor(src.size, threads));
    for await (const r of scanPieces(pieces, job, { threads })) {
      const f = r.failure;
      if (f !== undefined) throw new InputError(f.reason, f.path, f.detail, f.line, f.column);
      acct.merge(r.accounting);
      if (r.piece.kind === 'file') progress(r.piece.end);
      yield { events: r.events, matches: r.matches };
    }
  }

  /**
   * Whether `src` is read in byte ranges (by workers, or on this thread when it is small or threads
   * is 1); calibrates the prefilter first if this file holds its sample.
   */
  const rangeable = (src: InputSource): src is InputSource & { size: number } => {
    if (src.kind !== 'file' || src.size === undefined || src.size === 0) return false;
    const wantSample = pf !== null && !calibrated;
    let probe: Probe;
    try {
      probe = probeFile(src.name, maxLineBytes, wantSample);
    } catch {
      return false; // unreadable: the sequential reader reports it exactly as usual
    }
    if (probe.mode !== 'lines') return false;
    if (wantSample) {
      if (probe.sample === undefined) return false;
      prefilterHook(probe.sample);
    }
    return true;
  };

  async function* all(): AsyncGenerator<MatchBatch> {
    const sources = await resolveInputs(inputs);
    const bytesTotal = sources.every((s) => s.size !== undefined) ? sources.reduce((a, s) => a + (s.size ?? 0), 0) : undefined;
    let before = 0;
    for (const src of sources) {
      let last = 0;
      const progress = (raw: number): void => {
        last = raw;
        opts.onProgress?.(bytesTotal === undefined ? { bytesDone: before + raw } : { bytesDone: before + raw, bytesTotal });
      };
      yield* rangeable(src) ? ranges(src, progress) : serial(src, progress);
      before += last;
    }
  }

  return { batches: all(), prefilter: () => pf, splitFiles: () => split };
}
