/**
 * `range`: some ONE value of the field lies within all the bounds given (gt, gte, lt, lte), each
 * bound compared as KQL's range compares it for the field's type (kql/range.ts for keywords and
 * unmapped fields: numbers, dates, else keyword order; kql/typed-clauses.ts for the other types).
 * A null bound is no bound (Elasticsearch's reading). `format` is accepted for the date formats the
 * date parser reads (strict_date_optional_time, epoch_millis) and `time_zone` for UTC only, which
 * is what a zone-less date means here; anything else is refused by name.
 * Body: `{field: {gte, lt, …}}`.
 */
import { compileFieldVisitor, isPlainObject } from '../../ecs/fields.js';
import type { RangeOperator } from '../ast.js';
import { compileRangeBound } from '../range.js';
import { isPlainKeyword, KqlTypeError, typedRangeTest } from '../typed-clauses.js';
import { isScalar, mappingOf, options, singleField } from './body.js';
import { literal } from './kql-leaf.js';
import { DslQueryError, type ClauseCompiler, type DslContext, type ValueTest } from './types.js';

const OPERATORS: readonly RangeOperator[] = ['gt', 'gte', 'lt', 'lte'];
const DATE_FORMATS = new Set(['strict_date_optional_time', 'date_optional_time', 'epoch_millis', 'strict_date_optional_time||epoch_millis', 'date_optional_time||epoch_millis', 'strict_date_optional_time_nanos']);
const UTC_ZONES = new Set(['UTC', 'Z', 'Zulu', 'GMT', 'Etc/UTC', '+00:00', '-00:00', '+0000', '+00']);

/** The per-value test of one bound, by the field's type, as the KQL compiler reads a range clause. */
export function rangeBoundTest(field: string, op: RangeOperator, bound: string, ctx: DslContext, path: string): ValueTest {
  const m = mappingOf(field, ctx);
  if (m === undefined) return compileRangeBound(op, bound, ctx.ignoreAbove);
  if (isPlainKeyword(m)) return compileRangeBound(op, bound, m.ignore_above ?? Number.MAX_SAFE_INTEGER);
  try {
    return typedRangeTest(field, m, op, literal(bound, false));
  } catch (e) {
    if (e instanceof KqlTypeError) throw new DslQueryError(path, 'range', e.message);
    throw e;
  }
}

export const compileRange: ClauseCompiler = (body, path, ctx) => {
  const [field, spec] = singleField(body, path, 'range');
  if (!isPlainObject(spec)) throw new DslQueryError(path, 'range', `"${field}": expected {gte: …, lt: …}`);
  const opts = options(spec, path, 'range', [...OPERATORS, 'format', 'time_zone']);
  const format = opts['format'];
  if (format !== undefined && !DATE_FORMATS.has(String(format))) throw new DslQueryError(path, 'range', `format "${String(format)}" is not supported (supported: ${[...DATE_FORMATS].join(', ')})`);
  const zone = opts['time_zone'];
  if (zone !== undefined && !UTC_ZONES.has(String(zone))) throw new DslQueryError(path, 'range', `time_zone "${String(zone)}" is not supported (only UTC)`);
  const tests: ValueTest[] = [];
  for (const op of OPERATORS) {
    const b = opts[op];
    if (b === undefined || b === null) continue;
    if (!isScalar(b)) throw new DslQueryError(path, 'range', `"${field}": ${op} must be a string or number`);
    tests.push(rangeBoundTest(field, op, String(b), ctx, path));
  }
  const visit = compileFieldVisitor(field);
  // One value must satisfy every bound: [1, 10] is not within gte 4 and lte 6.
  const within: ValueTest = (v) => tests.every((t) => t(v));
  return (e) => visit(e, within);
};
