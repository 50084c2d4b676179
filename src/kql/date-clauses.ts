/**
 * KQL clauses on `date` / `date_nanos` fields, as Elasticsearch answers what Kibana's detection
 * engine sends.
 *
 * What Kibana sends: the query and new_terms executors call getFilter with `loadFields: true`
 * (elastic/kibana x-pack/solutions/security/plugins/security_solution/server/lib/detection_engine/
 * rule_types/query/query.ts, utils/get_filter.ts), so buildEsQuery resolves fields against a data
 * view built from field caps (utils/get_query_filter_load_fields.ts, `dateFormatTZ: 'Zulu'`), and
 * kbn-es-query's own date handling applies (src/platform/packages/shared/kbn-es-query/src/kuery/
 * functions/is.ts, range.ts):
 * - `f: v` → `range: {f: {gte: v, lte: v, time_zone: Zulu}}` (no time_zone for an epoch value);
 * - `f > v` … → `range: {f: {gt: v, time_zone: Zulu}}`;
 * - `f: 2024*` → `query_string: {fields: [f], query: "2024*"}`;
 * - `f: *` / `f:*` → `exists`.
 *
 * How Elasticsearch answers (elastic/elasticsearch server/src/main/java/org/elasticsearch/index/
 * mapper/DateFieldMapper.java, DateFieldType.rangeQuery / dateRangeQuery / parseToLong):
 * - each bound is date math (ecs/es-date-math.ts) over the field's format (ecs/date-field.ts); a
 *   JSON number bound forces `epoch_millis`; the lower bound of gte is read as is, of gt rounded up
 *   then +1 unit; the upper bound of lte is rounded up (`2024-05-14` ends at 23:59:59.999), of lt
 *   read as is then −1 unit; units are the field's resolution (ms for date, ns for date_nanos). So
 *   `f: 2024-05-14` matches that whole day, `f: now/d` today, `f: 2024-05-14T10:00:00Z` one millisecond.
 * - a bound the format cannot read, or bad math, fails the search (ElasticsearchParseException
 *   `failed to parse date field [...] with format [...]`): KqlTypeError, like a non-number on a
 *   numeric field.
 * - a wildcard is a prefix or wildcard query, which a date field refuses (MappedFieldType:
 *   `Can only use wildcard queries on keyword, text and wildcard fields`): KqlTypeError.
 * - exists: the field has a value its format reads (others are malformed and not indexed).
 *
 * `now` is the evaluation time handed to the compiler (CompileKqlOptions.now); Elasticsearch reads
 * it when the search runs, to the millisecond.
 */
import type { RangeOperator, ValueNode } from './ast.js';
import { wildcardAsText } from './wildcard.js';
import { dateFieldReader, UnsupportedDateFormatError, type DateFieldReader } from '../ecs/date-field.js';
import { EsDateError, evalEsDateMath } from '../ecs/es-date-math.js';
import { parseEpochMillis } from '../ecs/es-date.js';
import type { FieldMapping } from '../ecs/field-types.js';
import { isPlainObject, visitLeafValues } from '../ecs/fields.js';
import { KqlTypeError, type ValueTest } from './typed-clauses.js';

function readerOf(field: string, m: FieldMapping): DateFieldReader {
  try {
    return dateFieldReader(m);
  } catch (e) {
    if (e instanceof UnsupportedDateFormatError) throw new KqlTypeError(`field "${field}" is mapped as ${m.type}: ${e.message}`);
    throw e;
  }
}

/** A bound in the field's units; `roundUp` as Elasticsearch reads gt/lte bounds. */
function boundOf(field: string, m: FieldMapping, reader: DateFieldReader, value: string | number | boolean, roundUp: boolean, now: number): bigint {
  const text = String(value);
  // DateFieldType.rangeQuery: a Number bound forces epoch_millis.
  const epochOnly = typeof value === 'number';
  const parse = epochOnly ? (t: string, up: boolean) => parseEpochMillis(t, up) : reader.parse;
  try {
    return reader.toUnits(evalEsDateMath(text, parse, now, roundUp, epochOnly ? 'epoch_millis' : reader.format));
  } catch (e) {
    if (e instanceof EsDateError) throw new KqlTypeError(`field "${field}" is mapped as ${m.type}: ${e.message}`);
    throw e;
  }
}

const MAX = 9_223_372_036_854_775_807n;
const MIN = -MAX - 1n;

function between(reader: DateFieldReader, lo: bigint, hi: bigint): ValueTest {
  return (v) => {
    const dv = reader.docValue(v);
    return dv !== undefined && dv >= lo && dv <= hi;
  };
}

/** An instant in the field's units as UTC ISO-8601 (nanoseconds for date_nanos). */
function unitsText(reader: DateFieldReader, u: bigint): string {
  if (reader.resolution === 'milliseconds') return new Date(Number(u)).toISOString();
  const ms = u / 1_000_000n;
  return new Date(Number(ms)).toISOString().replace(/\.(\d{3})Z$/, (_, f: string) => `.${f}${(u % 1_000_000n).toString().padStart(6, '0')}Z`);
}

/**
 * The instants a date clause accepts, for explain: `[2024-05-14T00:00:00.000Z, 2024-05-14T23:59:59.999Z]`
 * for `t: 2024-05-14`, `[2024-05-15T00:00:00.000Z, …)` for `t > 2024-05-14`. Undefined for exists.
 */
export function dateClauseSpan(field: string, m: FieldMapping, op: 'is' | RangeOperator, value: ValueNode, now: number): string | undefined {
  if (value.type === 'wildcard' || value.value === null) return undefined;
  const reader = readerOf(field, m);
  const lo = op === 'is' || op === 'gte' ? boundOf(field, m, reader, value.value, false, now) : op === 'gt' ? boundOf(field, m, reader, value.value, true, now) + 1n : undefined;
  const hi = op === 'is' || op === 'lte' ? boundOf(field, m, reader, value.value, true, now) : op === 'lt' ? boundOf(field, m, reader, value.value, false, now) - 1n : undefined;
  return `${lo === undefined ? '(…' : `[${unitsText(reader, lo)}`}, ${hi === undefined ? '…)' : `${unitsText(reader, hi)}]`}`;
}

export function dateIsTest(field: string, m: FieldMapping, value: ValueNode, now: number): ValueTest {
  if (value.type === 'wildcard') {
    throw new KqlTypeError(`field "${field}" is mapped as ${m.type}: ${wildcardAsText(value.value)} is a wildcard query, refused on this type (Can only use wildcard queries on keyword, text and wildcard fields)`);
  }
  if (value.value === null) return () => false;
  const reader = readerOf(field, m);
  // is.ts: gte and lte the same value, so a date without time spans its whole day.
  const lo = boundOf(field, m, reader, value.value, false, now);
  const hi = boundOf(field, m, reader, value.value, true, now);
  return between(reader, lo, hi);
}

export function dateRangeTest(field: string, m: FieldMapping, op: RangeOperator, bound: ValueNode, now: number): ValueTest {
  const raw = bound.type === 'wildcard' ? wildcardAsText(bound.value) : bound.value;
  if (raw === null) return () => false;
  const reader = readerOf(field, m);
  switch (op) {
    case 'gte':
      return between(reader, boundOf(field, m, reader, raw, false, now), MAX);
    case 'gt':
      return between(reader, boundOf(field, m, reader, raw, true, now) + 1n, MAX);
    case 'lte':
      return between(reader, MIN, boundOf(field, m, reader, raw, true, now));
    case 'lt':
      return between(reader, MIN, boundOf(field, m, reader, raw, false, now) - 1n);
  }
}

export function dateExistsTest(field: string, m: FieldMapping): ValueTest {
  const reader = readerOf(field, m);
  const test: ValueTest = (v) => reader.docValue(v) !== undefined;
  return (v) => (isPlainObject(v) ? visitLeafValues(v, test) : test(v));
}
