/**
 * Event times as Elasticsearch stores them for a `date` field mapped with the default format
 * `strict_date_optional_time||epoch_millis` (read by src/ecs/es-date.ts, the one date parser):
 * millisecond resolution, extra fractional digits dropped (Instant.toEpochMilli floors: Defend's
 * `…07.4417920Z` is stored as `.441`), any UTC offset, and epoch milliseconds as a number or a string.
 */
import { parseEsDateMillis, parseStrictDateOptionalTimeMillis } from './es-date.js';
import { fieldVisitor } from './fields.js';

/** Parses a `strict_date_optional_time` string to epoch milliseconds (UTC when no offset), or undefined. */
export function parseIsoTime(text: string): number | undefined {
  return parseStrictDateOptionalTimeMillis(text);
}

/**
 * One date value as Elasticsearch would index it: strings as `strict_date_optional_time` first, then
 * as `epoch_millis`; finite numbers as epoch millis (fractions truncated). Anything else: undefined.
 */
export function parseEventTime(value: unknown): number | undefined {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    const ms = Math.trunc(value);
    return Math.abs(ms) <= 8.64e15 ? ms : undefined;
  }
  if (typeof value !== 'string') return undefined;
  return parseEsDateMillis(value);
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
