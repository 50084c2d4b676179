/**
 * One range bound against one document value, as Elasticsearch would compare them for the field
 * type the value suggests (there is no mapping offline):
 * - a JSON number against a numeric bound: numerically;
 * - an ISO-8601 date string (at least YYYY-MM-DD) against a date bound or an all-digit bound
 *   (epoch milliseconds): as instants, to the nanosecond, with Elasticsearch's rounding of a bound
 *   that leaves out time parts (gt/lte round up to the end of the period, gte/lt down to its start);
 *   no time zone means UTC;
 * - anything else: the keyword term against the bound text, in code-point order (Lucene compares
 *   keyword terms as UTF-8 bytes, which orders like code points).
 */
import { compareKeywords } from '../ecs/keyword-order.js';
import type { RangeOperator } from './ast.js';
import { toKeywordTerm } from '../ecs/fields.js';

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2})(?::(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;
const EPOCH_MILLIS = /^\d+$/;

/** Epoch nanoseconds of an ISO date; `roundUp` fills left-out parts with their maximum. */
export function parseIsoDateNanos(text: string, roundUp: boolean): bigint | undefined {
  const m = DATE.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  const hour = h === undefined ? (roundUp ? 23 : 0) : Number(h);
  const minute = mi === undefined ? (roundUp ? 59 : 0) : Number(mi);
  const second = s === undefined ? (roundUp ? 59 : 0) : Number(s);
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const nanos = frac === undefined ? (roundUp && s === undefined ? 999_999_999 : 0) : Number(frac.padEnd(9, '0'));
  let offsetMinutes = 0;
  if (zone && zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0'));
  }
  const ms = Date.UTC(year, month - 1, day, hour, minute, second) - offsetMinutes * 60_000;
  if (!Number.isFinite(ms)) return undefined;
  return BigInt(ms) * 1_000_000n + BigInt(nanos);
}

function holds(cmp: number, op: RangeOperator): boolean {
  switch (op) {
    case 'gt':
      return cmp > 0;
    case 'gte':
      return cmp >= 0;
    case 'lt':
      return cmp < 0;
    case 'lte':
      return cmp <= 0;
  }
}

/** A prepared bound: `test(value)` says whether `value <op> bound` holds. */
export function compileRangeBound(op: RangeOperator, bound: string, ignoreAbove: number): (value: unknown) => boolean {
  const numeric = NUMBER.test(bound) ? Number(bound) : undefined;
  const roundUp = op === 'gt' || op === 'lte';
  const dateBound = EPOCH_MILLIS.test(bound) ? BigInt(bound) * 1_000_000n : parseIsoDateNanos(bound, roundUp);
  return (value) => {
    if (typeof value === 'number' && numeric !== undefined) {
      return Number.isFinite(value) && holds(value - numeric, op);
    }
    if (typeof value === 'string' && dateBound !== undefined) {
      const at = parseIsoDateNanos(value, false);
      if (at !== undefined) return holds(at > dateBound ? 1 : at < dateBound ? -1 : 0, op);
    }
    const term = toKeywordTerm(value, ignoreAbove);
    return term !== undefined && holds(compareKeywords(term, bound), op);
  };
}
