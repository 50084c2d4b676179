/**
 * Bytes of one record → SourceEvents: UTF-8 check, JSON.parse, shape recognition, index filter,
 * and the accounting of each step. Pure apart from the `Accounting` it writes to, so a worker thread
 * can run `decodeBatch` on a batch it was sent, with its own Accounting merged back afterwards.
 */
import { isUtf8 } from 'node:buffer';
import type { Accounting, MalformedKind } from './accounting.js';
import type { LineBatch } from './lines.js';
import { recognizeShape } from './shapes.js';
import { hasObjectBraces, isBlank, structurallyPlausible } from './structural.js';
import type { SourceEvent } from './types.js';

export interface DecodeOptions {
  /** Whether an event with this `_index` is in scope; events without an index get `undefined`. */
  indexFilter?: (index: string | undefined) => boolean;
}

/** Parser messages can quote the whole input; keep problem lines readable. */
const MAX_MESSAGE_CHARS = 160;

function clip(s: string): string {
  return s.length > MAX_MESSAGE_CHARS ? `${s.slice(0, MAX_MESSAGE_CHARS)}…` : s;
}

/**
 * Whether the parser failed because the text ended inside a value (a cut-off export line) rather
 * than on a wrong character: V8 then says "end of JSON input", "Unterminated string", or reports
 * the error at the position just past the last non-blank character.
 */
function stopsInsideValue(msg: string, text: string): boolean {
  if (/end of JSON input|Unterminated string/i.test(msg)) return true;
  const m = /at position (\d+)/.exec(msg);
  return m !== null && Number(m[1]) >= text.trimEnd().length;
}

/**
 * Line and 1-based column of V8's "at position N" inside a record that starts on `firstLine` (a
 * pretty-printed value spans several lines), so errors point at the character, not just the line.
 */
function errorPlace(msg: string, text: string, firstLine: number): { line: number; column: number } | undefined {
  const m = /at position (\d+)/.exec(msg);
  if (m === null) return undefined;
  const pos = Math.min(Number(m[1]), text.length);
  const before = text.slice(0, pos);
  const nl = before.lastIndexOf('\n');
  let lines = 0;
  for (let i = before.indexOf('\n'); i !== -1; i = before.indexOf('\n', i + 1)) lines++;
  return { line: firstLine + lines, column: pos - nl };
}

/** Where a record sits: file, its first line, and how many physical lines it spans. */
export interface RecordPlace {
  file: string;
  line: number;
  lines?: number;
}

/**
 * Decodes the record in `buf[start, end)` (a line, or a pretty-printed value spanning `place.lines`
 * lines) and accounts for it. Returns the events that passed the index filter.
 */
export function decodeRecord(
  buf: Buffer,
  start: number,
  end: number,
  place: RecordPlace,
  opts: DecodeOptions,
  acct: Accounting,
): SourceEvent[] {
  const { file, line } = place;
  const n = place.lines ?? 1;
  if (isBlank(buf, start, end)) {
    acct.lines(file, 'blank', n);
    return [];
  }
  const bad = (kind: MalformedKind, what: string, at?: { line: number; column: number }): SourceEvent[] => {
    acct.malformed(file, at?.line ?? line, kind, what, n, at?.column);
    return [];
  };
  if (!isUtf8(buf.subarray(start, end))) return bad('invalid-utf8', 'invalid UTF-8');
  let value: unknown;
  const text = buf.toString('utf8', start, end);
  try {
    value = JSON.parse(text);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const at = errorPlace(msg, text, line);
    if (stopsInsideValue(msg, text)) return bad('truncated', `truncated JSON: ${clip(msg)}`, at);
    return bad('invalid-json', `invalid JSON: ${clip(msg)}`, at);
  }
  const shape = recognizeShape(value);
  if (!shape.ok) return bad('not-an-object', shape.what);

  const out: SourceEvent[] = [];
  let skipped = 0;
  for (const ev of shape.events) {
    if (opts.indexFilter && !opts.indexFilter(ev.index)) {
      skipped++;
      continue;
    }
    const se: SourceEvent = { source: ev.source, origin: { file, line } };
    if (ev.index !== undefined) se.index = ev.index;
    if (ev.id !== undefined) se.id = ev.id;
    out.push(se);
  }
  acct.events(file, shape.shape, out.length, skipped);
  acct.lines(file, out.length === 0 && skipped > 0 ? 'skippedByIndex' : 'evaluated', n);
  return out;
}

/** Receives the events of each decoded line of a batch (`i`: the line's index in the batch). */
export type RecordVisitor = (events: SourceEvent[], i: number) => void;

/**
 * Decodes a batch of lines, handing each decoded line's events to `visit`. Where `mask[i] === 0` a
 * prefilter has passed over line `i`: it gets only the structural check and is counted as
 * prefiltered, unless that check fails, in which case it is decoded in full so the problem is
 * reported exactly as for an unmasked line.
 */
export function decodeLines(
  batch: LineBatch,
  mask: Uint8Array | undefined,
  opts: DecodeOptions,
  acct: Accounting,
  visit: RecordVisitor,
): void {
  const { buf, starts, ends, file, firstLine, count } = batch;
  // One UTF-8 check over the batch stands for the per-line ones: lines are cut at "\n" (and "\r"),
  // ASCII bytes that never occur inside a multi-byte sequence, so the lines of a valid batch are
  // valid. Only a batch with a bad byte somewhere is checked line by line.
  const batchUtf8 = mask !== undefined && count > 0 && isUtf8(buf.subarray(starts[0]!, Math.max(starts[0]!, ends[count - 1]!)));
  // Passed-over lines are counted once per batch (counts commute; problems keep their order).
  let blank = 0;
  let passedOver = 0;
  for (let i = 0; i < count; i++) {
    const s = starts[i]!;
    const e = ends[i]!;
    if (mask !== undefined && mask[i] === 0) {
      if (isBlank(buf, s, e)) {
        blank++;
        continue;
      }
      if (batchUtf8 ? hasObjectBraces(buf, s, e) : structurallyPlausible(buf, s, e)) {
        passedOver++;
        continue;
      }
    }
    const evs = decodeRecord(buf, s, e, { file, line: firstLine + i }, opts, acct);
    if (evs.length > 0) visit(evs, i);
  }
  if (blank > 0) acct.lines(file, 'blank', blank);
  if (passedOver > 0) acct.lines(file, 'prefiltered', passedOver);
}

/** `decodeLines`, collecting the events of the whole batch in input order. */
export function decodeBatch(
  batch: LineBatch,
  mask: Uint8Array | undefined,
  opts: DecodeOptions,
  acct: Accounting,
): SourceEvent[] {
  const out: SourceEvent[] = [];
  decodeLines(batch, mask, opts, acct, (evs) => {
    for (const ev of evs) out.push(ev);
  });
  return out;
}
