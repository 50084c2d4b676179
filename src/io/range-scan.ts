/**
 * The work one thread does on one piece of input: read it with 1 MiB reads, split lines, run the
 * prefilter on the raw bytes, decode and parse the candidate lines only, and keep the events the
 * predicate matches. Pure apart from the file reads, so a worker and the main thread run the same
 * code and a parallel scan gives exactly what a sequential one gives.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { compileKql } from '../kql/compile.js';
import type { KueryNode } from '../kql/ast.js';
import type { Prefilter } from '../kql/prefilter.js';
import { prefilterBatch, splitLines, type ByteLines } from '../kql/prefilter-scan.js';
import type { SourceEvent } from './types.js';

const READ_SIZE = 1 << 20;

/** A piece of input: a byte range of a file cut at newlines, or bytes already read (stdin). */
export type ScanPiece =
  | { kind: 'file'; file: string; start: number; end: number }
  | { kind: 'bytes'; file: string; bytes: Uint8Array };

export interface ScanJob {
  query: KueryNode;
  /** null: every line is parsed (no usable literal, or --no-prefilter). */
  prefilter: Prefilter | null;
}

export interface PieceResult {
  /** Lines in the piece (blank ones included), for line numbering across pieces. */
  lines: number;
  candidates: number;
  passedOver: number;
  malformed: { line: number; reason: string }[];
  /** Matching events, in input order; origin lines are relative to the piece (1-based). */
  matches: SourceEvent[];
}

export type PieceScanner = (piece: ScanPiece) => PieceResult;

/**
 * Until the reader's decodeBatch is merged, lines are unwrapped here for the two common shapes only
 * (a bare document, a search hit's `_source`); the reader's shape detection replaces this.
 */
function toSourceEvent(doc: unknown, file: string, line: number): SourceEvent | undefined {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return undefined;
  const o = doc as Record<string, unknown>;
  const src = o['_source'];
  if (typeof src === 'object' && src !== null && !Array.isArray(src)) {
    return {
      source: src as Record<string, unknown>,
      ...(typeof o['_index'] === 'string' ? { index: o['_index'] } : {}),
      ...(typeof o['_id'] === 'string' ? { id: o['_id'] } : {}),
      origin: { file, line },
    };
  }
  return { source: o, origin: { file, line } };
}

export function createPieceScanner(job: ScanJob): PieceScanner {
  const predicate = compileKql(job.query);
  const decoder = new TextDecoder('utf-8', { fatal: true });

  const scanBatch = (batch: ByteLines, file: string, firstLine: number, out: PieceResult): void => {
    const mask = job.prefilter === null ? undefined : prefilterBatch(job.prefilter, batch);
    for (let i = 0; i < batch.count; i++) {
      const line = firstLine + i;
      const s = batch.starts[i]!;
      const e = batch.ends[i]!;
      if (mask !== undefined && mask[i] === 0) {
        out.passedOver++;
        continue;
      }
      out.candidates++;
      if (e === s) continue;
      let doc: unknown;
      try {
        doc = JSON.parse(decoder.decode(batch.buf.subarray(s, e)));
      } catch (err) {
        out.malformed.push({ line, reason: err instanceof SyntaxError ? 'invalid JSON' : 'invalid UTF-8' });
        continue;
      }
      const ev = toSourceEvent(doc, file, line);
      if (ev === undefined) out.malformed.push({ line, reason: 'not a JSON object' });
      else if (predicate(ev.source)) out.matches.push(ev);
    }
  };

  return (piece) => {
    const out: PieceResult = { lines: 0, candidates: 0, passedOver: 0, malformed: [], matches: [] };
    if (piece.kind === 'bytes') {
      const batch = splitLines(piece.bytes);
      scanBatch(batch, piece.file, 1, out);
      out.lines = batch.count;
      return out;
    }
    const fd = openSync(piece.file, 'r');
    try {
      let buf = Buffer.allocUnsafe(READ_SIZE * 2);
      let carry = 0;
      let pos = piece.start;
      while (pos < piece.end || carry > 0) {
        if (buf.length - carry < READ_SIZE) {
          const bigger = Buffer.allocUnsafe(buf.length * 2);
          buf.copy(bigger, 0, 0, carry);
          buf = bigger;
        }
        const n = pos < piece.end ? readSync(fd, buf, carry, Math.min(READ_SIZE, piece.end - pos), pos) : 0;
        pos += n;
        const filled = carry + n;
        const atEnd = n === 0 || pos >= piece.end;
        const cut = atEnd ? filled : buf.lastIndexOf(10, filled - 1) + 1;
        if (cut > 0) {
          const batch = splitLines(buf.subarray(0, cut));
          scanBatch(batch, piece.file, out.lines + 1, out);
          out.lines += batch.count;
        }
        buf.copy(buf, 0, cut, filled);
        carry = filled - cut;
        if (atEnd) break;
      }
    } finally {
      closeSync(fd);
    }
    return out;
  };
}
