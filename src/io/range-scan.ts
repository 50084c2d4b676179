/**
 * The work one thread does on one piece of input: read a byte range of a line-mode file with 1 MiB
 * reads and feed it to the reader core (decoder.ts) with the job it was given. A worker and the main
 * thread run this same code, and the core is the one every other path uses, so a parallel scan gives
 * exactly what the sequential reader gives.
 *
 * Line numbers in a result are relative to the piece (its first line is 1); parallel.ts makes them
 * absolute once the lines of the earlier pieces are known.
 */
import { Accounting, type AccountingSnapshot } from './accounting.js';
import { SourceDecoder } from './decoder.js';
import { InputError, type InputErrorReason } from './errors.js';
import type { ReadJob } from './job.js';
import { fileRangeChunks } from './sources.js';
import type { SourceEvent } from './types.js';

/** A piece of input in line mode: a byte range of a plain file that starts at a line's first byte. */
export type ScanPiece = { kind: 'file'; file: string; start: number; end: number };

/** The reader's limits a piece is scanned with (plain data: posted to each worker once). */
export interface PieceLimits {
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
  /** Events decoded and in index scope (what the predicate was asked about). */
  events: number;
  /** Kept events, in input order; origin lines relative to the piece. */
  matches: SourceEvent[];
  /** The piece's line accounting; problem lines relative to the piece. */
  accounting: AccountingSnapshot;
  failure?: PieceFailure;
}

export type PieceScanner = (piece: ScanPiece) => PieceResult;

function failureOf(e: InputError): PieceFailure {
  return {
    reason: e.reason,
    path: e.path,
    detail: e.detail,
    ...(e.line !== undefined && { line: e.line }),
    ...(e.column !== undefined && { column: e.column }),
  };
}

export function createPieceScanner(job: ReadJob, limits: PieceLimits = {}): PieceScanner {
  return (piece) => {
    const acct = new Accounting({ strict: limits.strict === true, ...(limits.maxProblems !== undefined && { maxProblems: limits.maxProblems }) });
    const decoder = new SourceDecoder(piece.file, job, acct, {
      startsAt: piece.start === 0 ? 'file' : 'lines',
      ...(limits.maxLineBytes !== undefined && { maxLineBytes: limits.maxLineBytes }),
    });
    const matches: SourceEvent[] = [];
    let events = 0;
    const take = (d: { events: number; matches: SourceEvent[] }): void => {
      events += d.events;
      for (const ev of d.matches) matches.push(ev);
    };
    let failure: PieceFailure | undefined;
    try {
      for (const chunk of fileRangeChunks(piece.file, piece.start, piece.end, job.readBuffer)) take(decoder.push(chunk));
      take(decoder.end());
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      failure = failureOf(e);
    }
    return {
      lines: decoder.nextLine - 1,
      events,
      matches,
      accounting: acct.snapshot(),
      ...(failure !== undefined && { failure }),
    };
  };
}
