/**
 * The work one thread does on one piece of input: read it with 1 MiB reads, split it with the
 * reader's LineSplitter, run the prefilter on the raw bytes, decode the candidate lines with the
 * reader's decodeBatch (every shape, the structural check of passed-over lines, the index filter,
 * the malformed-line accounting), and keep the events the predicate matches. A worker and the main
 * thread run this same code, so a parallel scan gives exactly what the sequential reader gives.
 *
 * Line numbers in a result are relative to the piece (its first line is 1); parallel.ts makes them
 * absolute once the lines of the earlier pieces are known.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { compileKqlTree } from '../kql/compile-tree.js';
import type { KueryNode } from '../kql/ast.js';
import type { Prefilter } from '../kql/prefilter.js';
import { prefilterBatch } from '../kql/prefilter-scan.js';
import { compileIndexFilter } from '../rule/index-patterns.js';
import { Accounting, type AccountingSnapshot } from './accounting.js';
import { accountLongLine, decodeBatch, type DecodeOptions } from './decode.js';
import { InputError, type InputErrorReason } from './errors.js';
import { DEFAULT_MAX_LINE_BYTES, LineSplitter, type SplitItem } from './lines.js';
import { READ_CHUNK_BYTES } from './sources.js';
import type { SourceEvent } from './types.js';

/**
 * A piece of input in line mode: a byte range of a plain file cut at newlines. The piece at
 * `start === 0` starts the file (a BOM is stripped only there).
 */
export type ScanPiece = { kind: 'file'; file: string; start: number; end: number };

/** Everything a worker needs, as plain data (it is posted to the thread once, at start-up). */
export interface ScanJob {
  query: KueryNode;
  /** The prefilter already calibrated by the main thread; null: every line is parsed. */
  prefilter: Prefilter | null;
  /** The rule's index patterns (see rule/index-patterns.ts); empty: every index is in scope. */
  indexPatterns?: readonly string[];
  /** Stop the piece at its first bad line (the main thread rethrows it when its turn comes). */
  strict?: boolean;
  maxLineBytes?: number;
  /** Problems kept as text per piece; the main thread keeps the first ones over all pieces. */
  maxProblems?: number;
}

/** The first bad line of a piece under `strict`, line relative to the piece. */
export interface PieceFailure {
  reason: InputErrorReason;
  path: string;
  detail: string;
  line?: number;
  /** Within the line, so it needs no shifting. */
  column?: number;
}

export interface PieceResult {
  /** Physical lines in the piece (blank and malformed included), for numbering the next pieces. */
  lines: number;
  /** Events decoded and in index scope (what the sequential path hands to the predicate). */
  events: number;
  /** Matching events, in input order; origin lines relative to the piece. */
  matches: SourceEvent[];
  /** The piece's line accounting; problem lines relative to the piece. */
  accounting: AccountingSnapshot;
  failure?: PieceFailure;
}

export type PieceScanner = (piece: ScanPiece) => PieceResult;

function isFirst(piece: ScanPiece): boolean {
  return piece.start === 0;
}

/** The bytes of a file range, in fresh 1 MiB Buffers (the splitter keeps views of the last one). */
function* fileChunks(file: string, start: number, end: number): Generator<Buffer> {
  const fd = openSync(file, 'r');
  try {
    let pos = start;
    while (pos < end) {
      const buf = Buffer.allocUnsafe(Math.min(READ_CHUNK_BYTES, end - pos));
      const n = readSync(fd, buf, 0, buf.length, pos);
      if (n === 0) break; // the file shrank under us: what was read is what there is
      pos += n;
      yield n === buf.length ? buf : buf.subarray(0, n);
    }
  } finally {
    closeSync(fd);
  }
}

export function createPieceScanner(job: ScanJob): PieceScanner {
  // The job's tree is the one the caller compiled (and so checked) with compileKql; the tree
  // compiler alone keeps the KQL parser and zod out of each worker thread's start-up.
  const predicate = compileKqlTree(job.query);
  const decodeOpts: DecodeOptions = { indexFilter: compileIndexFilter(job.indexPatterns ?? []) };
  const maxBytes = job.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const pf = job.prefilter;

  return (piece) => {
    const acct = new Accounting({ strict: job.strict === true, ...(job.maxProblems !== undefined && { maxProblems: job.maxProblems }) });
    acct.file(piece.file);
    const splitter = new LineSplitter(piece.file, maxBytes, { bom: isFirst(piece) });
    const matches: SourceEvent[] = [];
    let events = 0;
    const handle = (items: SplitItem[]): void => {
      for (const item of items) {
        if (item.type === 'too-long') {
          accountLongLine(acct, item.long, maxBytes);
          continue;
        }
        const mask = pf === null ? undefined : prefilterBatch(pf, item.batch);
        const evs = decodeBatch(item.batch, mask, decodeOpts, acct);
        events += evs.length;
        for (const ev of evs) if (predicate(ev.source)) matches.push(ev);
      }
    };
    let failure: PieceFailure | undefined;
    try {
      for (const chunk of fileChunks(piece.file, piece.start, piece.end)) handle(splitter.push(chunk));
      handle(splitter.end());
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      failure = {
        reason: e.reason,
        path: e.path,
        detail: e.detail,
        ...(e.line !== undefined && { line: e.line }),
        ...(e.column !== undefined && { column: e.column }),
      };
    }
    return {
      lines: splitter.nextLine - 1,
      events,
      matches,
      accounting: acct.snapshot(),
      ...(failure !== undefined && { failure }),
    };
  };
}
