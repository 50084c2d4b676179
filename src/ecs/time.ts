/**
 * Event times as Elasticsearch stores them for a `date` field mapped with the default format
 * `strict_date_optional_time||epoch_millis`: millisecond resolution, extra fractional digits dropped
 * (truncated, never rounded: Defend's `…07.4417920Z` is stored as `.441`), any UTC offset, and epoch
 * milliseconds as a number or a numeric string.
 */
import { fieldVisitor } from './fields.js';

// yyyy[-MM[-dd[Thh[:mm[:ss[.f…]]]]]][Z|±hh[:mm|mm]] — the shape `strict_date_optional_time` accepts
// (four-digit year, so a 13-digit string falls through to epoch_millis as in Elasticsearch).
const ISO_RE =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[Tt](\d{2})(?::(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?)?)?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?$/;
const EPOCH_RE = /^-?\d+(?:\.\d+)?$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Parses an ISO-8601 date(-time) string to epoch milliseconds (UTC when no offset), or undefined. */
export function parseIsoTime(text: string): number | undefined {
  const m = ISO_RE.exec(text);
  if (!m) return undefined;
  // A zone needs a time part (a bare date is midnight UTC).
  const year = Number(m[1]);
  const month = m[2] === undefined ? 1 : Number(m[2]);
  const day = m[3] === undefined ? 1 : Number(m[3]);
  const hour = m[4] === undefined ? 0 : Number(m[4]);
  const minute = m[5] === undefined ? 0 : Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const millis = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  if ((m[8] !== undefined || m[9] !== undefined) && m[4] === undefined) return undefined;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMin = 0;
  if (m[9] !== undefined) {
    const oh = Number(m[10]);
    const om = m[11] === undefined ? 0 : Number(m[11]);
    if (oh > 23 || om > 59) return undefined;
    offsetMin = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, millis);
  const ms = d.getTime() - offsetMin * 60_000;
  return Number.isFinite(ms) ? ms : undefined;
}

/**
 * One date value as Elasticsearch would index it: strings by ISO-8601 first, then as epoch millis;
 * finite numbers as epoch millis (fractions truncated). Anything else: undefined.
 */
export function parseEventTime(value: unknown): number | undefined {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    const ms = Math.trunc(value);
    return Math.abs(ms) <= 8.64e15 ? ms : undefined;
  }
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  const iso = parseIsoTime(text);
  if (iso !== undefined) return iso;
  if (EPOCH_RE.test(text)) return parseEventTime(Number(text));
  return undefined;
}

/** UTC ISO-8601 with milliseconds, the form every time in the output takes. */
export function formatTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** Which fields give an event its time: the rule's timestamp_override, with `@timestamp` as fallback. */
export interface TimestampFields {
  primary: string;
  secondary?: string;
}

/** Kibana's primary/secondary timestamp choice (create_security_rule_type_wrapper). */
export function timestampFieldsOf(rule: {
  timestamp_override?: string | undefined;
  timestamp_override_fallback_disabled?: boolean | undefined;
}): TimestampFields {
  const primary = rule.timestamp_override ?? '@timestamp';
  if (primary !== '@timestamp' && rule.timestamp_override_fallback_disabled !== true) {
    return { primary, secondary: '@timestamp' };
  }
  return { primary };
}

export type EventTimeResult =
  | { ok: true; ms: number; field: string }
  | { ok: false; reason: 'missing' | 'invalid'; field: string; value?: unknown };

function firstLeaf(doc: unknown, path: string): unknown {
  let found: unknown;
  fieldVisitor(path)(doc, (v) => {
    found = v;
    return true;
  });
  return found;
}

function isEmptyValue(v: unknown): boolean {
  return v === undefined || v === null || v === '';
}

/**
 * The event's time T: the primary field's first value when present and non-empty, else (with
 * fallback) the secondary's. A present but unparsable value is `invalid` (Elasticsearch would have
 * rejected the document at index time), not a reason to fall back.
 */
export function eventTimeOf(doc: unknown, fields: TimestampFields): EventTimeResult {
  const p = firstLeaf(doc, fields.primary);
  if (!isEmptyValue(p)) {
    const ms = parseEventTime(p);
    return ms === undefined
      ? { ok: false, reason: 'invalid', field: fields.primary, value: p }
      : { ok: true, ms, field: fields.primary };
  }
  if (fields.secondary === undefined) return { ok: false, reason: 'missing', field: fields.primary };
  const s = firstLeaf(doc, fields.secondary);
  if (isEmptyValue(s)) return { ok: false, reason: 'missing', field: fields.secondary };
  const ms = parseEventTime(s);
  return ms === undefined
    ? { ok: false, reason: 'invalid', field: fields.secondary, value: s }
    : { ok: true, ms, field: fields.secondary };
}

/** A single date field's value (first leaf), e.g. `@timestamp` for `kibana.alert.original_time`. */
export function fieldTimeOf(doc: unknown, path: string): number | undefined {
  const v = firstLeaf(doc, path);
  return isEmptyValue(v) ? undefined : parseEventTime(v);
}
