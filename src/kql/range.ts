/**
 * One range bound against one document value, as Elasticsearch would compare them for the field
 * type the value suggests (there is no mapping offline):
 * - a JSON number against a numeric bound: numerically;
 * - a date string that names at least a day against a bound that reads as a date: as instants, to
 *   the nanosecond. Both sides are read by the one date parser (src/ecs/es-date.ts,
 *   `strict_date_optional_time||epoch_millis`, so `2024` is the year and `1715680800000` epoch
 *   milliseconds), and a bound is rounded as Elasticsearch's range query rounds it: gt and lte fill
 *   left-out fields with January 1st 23:59:59.999999999, gte and lt with their start (the range query
 *   reference's "missing date components"; JavaDateFormatter.defaultRoundUp in elastic/elasticsearch);
 * - anything else: the keyword term against the bound text, in code-point order (Lucene compares
 *   keyword terms as UTF-8 bytes, which orders like code points).
 */
import { compareKeywords } from '../ecs/keyword-order.js';
import { parseEsDate, parseStrictDateOptionalTime } from '../ecs/es-date.js';
import type { RangeOperator } from './ast.js';
import { toKeywordTerm } from '../ecs/fields.js';

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A document string that reads as a date naming at least a day, in epoch nanoseconds. */
function documentDate(value: string): bigint | undefined {
  const d = parseStrictDateOptionalTime(value);
  return d !== undefined && d.hasDay ? d.nanos : undefined;
}

/** Whether a comparison result (`a` against the bound: <0, 0, >0) satisfies the range operator. */
export function holds(cmp: number, op: RangeOperator): boolean {
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
  const dateBound = parseEsDate(bound, roundUp)?.nanos;
  return (value) => {
    if (typeof value === 'number' && numeric !== undefined) {
      return Number.isFinite(value) && holds(value - numeric, op);
    }
    if (typeof value === 'string' && dateBound !== undefined) {
      const at = documentDate(value);
      if (at !== undefined) return holds(at > dateBound ? 1 : at < dateBound ? -1 : 0, op);
    }
    const term = toKeywordTerm(value, ignoreAbove);
    return term !== undefined && holds(compareKeywords(term, bound), op);
  };
}
