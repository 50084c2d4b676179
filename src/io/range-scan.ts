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
import { decodeStream } from './decode-stream.js';
import { fileRangeChunks, openSource } from './sources.js';
import type { SourceEvent } from './types.js';

/**
 * A piece of input in line mode, starting at a line's first byte: a byte range of a plain file, or
 * bytes of a stream (stdin, an inflated gzip) cut at a newline, carried in the message itself (its
 * buffer is transferred to the worker, not copied).
 */
export type ScanPiece =
  | { kind: 'file'; file: string; start: number; end: number }
  | { kind: 'bytes'; file: string; bytes: Uint8Array[] }
  /** A whole gzip file, inflated by the worker itself: several compressed files inflate at once. */
  | { kind: 'gzip'; file: string };

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

/** Synchronous for byte ranges and stream bytes; a gzip file is inflated asynchronously. */
export type PieceScanner = (piece: ScanPiece) => PieceResult | Promise<PieceResult>;

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
  const start = (piece: ScanPiece) => {
    const acct = new Accounting({ strict: limits.strict === true, ...(limits.maxProblems !== undefined && { maxProblems: limits.maxProblems }) });
    const decoder = new SourceDecoder(piece.file, job, acct, {
      startsAt: piece.kind === 'bytes' || (piece.kind === 'file' && piece.start > 0) ? 'lines' : 'file',
      ...(limits.maxLineBytes !== undefined && { maxLineBytes: limits.maxLineBytes }),
    });
    const matches: SourceEvent[] = [];
    let events = 0;
    const take = (d: { events: number; matches: SourceEvent[] }): void => {
      events += d.events;
      for (const ev of d.matches) matches.push(ev);
    };
    let failure: PieceFailure | undefined;
    const fail = (e: unknown): void => {
      if (!(e instanceof InputError)) throw e;
      failure = failureOf(e);
    };
    const result = (): PieceResult => ({
      lines: decoder.nextLine - 1,
      events,
      matches,
      accounting: acct.snapshot(),
      ...(failure !== undefined && { failure }),
    });
    return { decoder, take, fail, result };
  };

  return (piece) => {
    const { decoder, take, fail, result } = start(piece);
    if (piece.kind === 'gzip') {
      // The same stream reader as one thread uses for this file: same reads, same inflating, the
      // same "truncated" report if it breaks off.
      return (async () => {
        try {
          for await (const d of decodeStream(decoder, openSource({ name: piece.file, kind: 'file' }), undefined)) take(d);
        } catch (e) {
          fail(e);
        }
        return result();
      })();
    }
    try {
      if (piece.kind === 'bytes') for (const b of piece.bytes) take(decoder.push(Buffer.from(b.buffer, b.byteOffset, b.byteLength)));
      else for (const chunk of fileRangeChunks(piece.file, piece.start, piece.end, job.readBuffer)) take(decoder.push(chunk));
      take(decoder.end());
    } catch (e) {
      fail(e);
    }
    return result();
  };
}
