/**
 * KQL → Elasticsearch Query DSL, the way current Kibana translates a detection rule's query.
 * Mirrors kbn-es-query `kuery/functions/{is,and,or,not,range,exists,nested}.ts`
 * and `es_query/{from_kuery,build_es_query}.ts` (elastic/kibana, src/platform/packages/shared/kbn-es-query);
 * the code here is written from their described behaviour, not copied.
 *
 * The data view Kibana resolves fields against: the detection engine loads field caps for the fields
 * the query names (get_query_filter_load_fields.ts), so each field has its real Elasticsearch type,
 * and only a field whose type is exactly `keyword` gets a `term` / `wildcard` query. Here the data
 * view is drawn from the one field-type model (ecs/field-types.ts: ECS, Elastic Defend, or a
 * `--mapping` file), the same types the compiled predicate evaluates with.
 */
import type { Json, JsonObject } from '../ecs/fields.js';
import type { KueryNode, ValueNode } from './ast.js';
import { compileWildcardMatcher, isLoneWildcard, toQueryStringPattern, wildcardAsText } from './wildcard.js';
import { queryFields } from './query-fields.js';
import { dataViewTypes, ecsFieldTypes, kibanaFieldType, type FieldTypes as FieldTypeModel } from '../ecs/field-types.js';

export { toQueryStringPattern };

/** Field name → Elasticsearch type: the data view's field list. */
export type FieldTypes = Readonly<Record<string, string>>;

/** How KQL becomes DSL: field types standing in for the data view, and the date-range time zone. */
export interface DslOptions {
  /**
   * The data view as field → Elasticsearch type (wildcard field names expand over its names).
   * Default: the query's fields looked up in `types`.
   */
  fieldTypes?: Record<string, string>;
  /** The field-type model the default data view is drawn from; default ECS's types (ecsFieldTypes). */
  types?: FieldTypeModel;
  /**
   * Kibana's `dateFormatTZ`, added as `time_zone` to date range queries. The detection engine sets
   * `Zulu` (SEC/utils/get_query_filter_load_fields.ts), hence the default.
   */
  dateFormatTZ?: string;
}

/** An Elasticsearch query clause (plain JSON). */
export type DslQuery = JsonObject;

interface Context {
  fieldTypes: FieldTypes;
  dateFormatTZ: string | undefined;
  /** Path of the enclosing `nested` query, which prefixes every field name inside it. */
  nestedPath: string | undefined;
}

interface ResolvedField {
  name: string;
  /** undefined: not in the data view (Kibana then sends the name as-is with no type). */
  type: string | undefined;
}

/**
 * Fields a field argument stands for: a literal names one field (typed if the data view has it); a
 * wildcard name expands to every matching data-view field, or is sent as-is when nothing matches
 * (`getFields` + the "no fields found" fallback in is.ts/range.ts).
 */
function resolveFields(fieldArg: ValueNode, ctx: Context): ResolvedField[] {
  const raw = fieldArg.type === 'wildcard' ? fieldArg.value : String(fieldArg.value);
  const full = ctx.nestedPath ? `${ctx.nestedPath}.${raw}` : raw;
  if (fieldArg.type === 'wildcard') {
    const names = Object.keys(ctx.fieldTypes).filter(compileWildcardMatcher(full));
    if (names.length > 0) return names.map((name) => ({ name, type: ctx.fieldTypes[name] }));
    return [{ name: wildcardAsText(full), type: undefined }];
  }
  return [{ name: full, type: Object.prototype.hasOwnProperty.call(ctx.fieldTypes, full) ? ctx.fieldTypes[full] : undefined }];
}

function literalValue(node: ValueNode): Json {
  return node.type === 'wildcard' ? wildcardAsText(node.value) : node.value;
}

/** Kibana's `field.type === 'date'` is the family: `date` and `date_nanos` (kbn-field-types). */
const isDateField = (esType: string | undefined): boolean => esType !== undefined && kibanaFieldType(esType) === 'date';

/** Epoch values are absolute and get no time zone (is.ts / range.ts). */
function isEpoch(v: Json): boolean {
  return typeof v === 'number' || (typeof v === 'string' && /^\d+$/.test(v));
}

function timeZone(ctx: Context, value: Json): JsonObject {
  return ctx.dateFormatTZ && !isEpoch(value) ? { time_zone: ctx.dateFormatTZ } : {};
}

function shouldOf(clauses: DslQuery[]): DslQuery {
  return { bool: { should: clauses, minimum_should_match: 1 } };
}

function isToDsl(fieldArg: ValueNode, valueArg: ValueNode, ctx: Context): DslQuery {
  const exists = isLoneWildcard(valueArg);
  if (exists && isLoneWildcard(fieldArg)) return { match_all: {} };

  if (fieldArg.type === 'literal' && fieldArg.value === null) {
    if (valueArg.type === 'wildcard') return { query_string: { query: toQueryStringPattern(valueArg) } };
    return {
      multi_match: { type: valueArg.isQuoted ? 'phrase' : 'best_fields', query: valueArg.value, lenient: true },
    };
  }

  const value = literalValue(valueArg);
  const clauses = resolveFields(fieldArg, ctx).map((field): DslQuery => {
    const isKeyword = field.type === 'keyword';
    if (exists) return { exists: { field: field.name } };
    if (valueArg.type === 'wildcard') {
      const pattern = toQueryStringPattern(valueArg);
      return isKeyword
        ? { wildcard: { [field.name]: { value: pattern } } }
        : { query_string: { fields: [field.name], query: pattern } };
    }
    if (isDateField(field.type)) {
      return { range: { [field.name]: { gte: value, lte: value, ...timeZone(ctx, value) } } };
    }
    if (isKeyword) return { term: { [field.name]: { value } } };
    return { [valueArg.isQuoted ? 'match_phrase' : 'match']: { [field.name]: value } };
  });
  return shouldOf(clauses);
}

function rangeToDsl(fieldArg: ValueNode, op: string, valueArg: ValueNode, ctx: Context): DslQuery {
  const value = literalValue(valueArg);
  const clauses = resolveFields(fieldArg, ctx).map((field): DslQuery => {
    if (isDateField(field.type)) {
      return { range: { [field.name]: { [op]: value, ...timeZone(ctx, value) } } };
    }
    return { range: { [field.name]: { [op]: value } } };
  });
  return shouldOf(clauses);
}

function nodeToDsl(node: KueryNode, ctx: Context): DslQuery {
  switch (node.function) {
    case 'is':
      return isToDsl(node.arguments[0], node.arguments[1], ctx);
    case 'and':
      return { bool: { filter: node.arguments.map((child) => nodeToDsl(child, ctx)) } };
    case 'or':
      return shouldOf(node.arguments.map((child) => nodeToDsl(child, ctx)));
    case 'not':
      return { bool: { must_not: nodeToDsl(node.arguments[0], ctx) } };
    case 'range':
      return rangeToDsl(node.arguments[0], node.arguments[1], node.arguments[2], ctx);
    case 'exists': {
      const name = String(node.arguments[0].value);
      return { exists: { field: ctx.nestedPath ? `${ctx.nestedPath}.${name}` : name } };
    }
    case 'nested': {
      const pathArg = node.arguments[0];
      const rel = pathArg.type === 'wildcard' ? wildcardAsText(pathArg.value) : String(pathArg.value);
      const path = ctx.nestedPath ? `${ctx.nestedPath}.${rel}` : rel;
      return {
        nested: { path, query: nodeToDsl(node.arguments[1], { ...ctx, nestedPath: path }), score_mode: 'none' },
      };
    }
  }
}

function contextOf(ast: KueryNode, opts: DslOptions | undefined): Context {
  return {
    fieldTypes: opts?.fieldTypes ?? dataViewTypes(opts?.types ?? ecsFieldTypes(), queryFields(ast)),
    dateFormatTZ: opts && 'dateFormatTZ' in opts ? opts.dateFormatTZ : 'Zulu',
    nestedPath: undefined,
  };
}

/** One KQL node as a query clause: Kibana's `toElasticsearchQuery(node, dataView, config)`. */
export function toElasticsearchQuery(ast: KueryNode, opts?: DslOptions): DslQuery {
  return nodeToDsl(ast, contextOf(ast, opts));
}

export type BoolQueryBody = {
  must: DslQuery[];
  filter: DslQuery[];
  should: DslQuery[];
  must_not: DslQuery[];
};

const isMatchAll = (q: DslQuery): boolean => {
  const m = q['match_all'];
  return Object.keys(q).length === 1 && typeof m === 'object' && m !== null && !Array.isArray(m) && Object.keys(m).length === 0;
};

/**
 * The rule's filter as the detection engine builds it with `buildEsQuery`: the query wrapped in an
 * `and` (so its clause lands in `bool.filter`), spread into a bool with all four clause lists, plus
 * any extra filter clauses (they go to `filter` after the query's), with `match_all` removed.
 */
export function buildEsQuery(ast: KueryNode, opts?: DslOptions & { filters?: DslQuery[] }): { bool: BoolQueryBody } {
  const wrapped = toElasticsearchQuery({ type: 'function', function: 'and', arguments: [ast] }, opts);
  const inner = (wrapped['bool'] ?? {}) as { filter?: DslQuery[] };
  const filter = [...(inner.filter ?? []), ...(opts?.filters ?? [])];
  return {
    bool: {
      must: [],
      filter: filter.filter((q) => !isMatchAll(q)),
      should: [],
      must_not: [],
    },
  };
}
