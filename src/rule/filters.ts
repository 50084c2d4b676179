/**
 * Kibana filters in a rule (`filters: [{meta: {negate, disabled, …}, query: {…}}]`): the model, its
 * zod schema, and how the detection engine turns them into the query it sends.
 *
 * Read (elastic/kibana, src/platform/packages/shared/kbn-es-query/src/es_query/):
 * - from_filters.ts `buildQueryFromFilters`: filters with `meta.disabled` are dropped; a filter
 *   whose `meta.negate` is true goes to `must_not`, every other one (no meta, no negate, negate
 *   false) to `filter`, each in order; each goes through `filterToQueryDsl`:
 * - migrate_filter.ts `migrateFilter`: a deprecated `match: {f: {query, type: "phrase"}}` becomes
 *   `match_phrase: {f: {query}}`; a filter without `query` has its top-level clause (`exists`,
 *   `range`, `match_all`, any other key but meta/$state) moved under `query`; a filter with `query`
 *   keeps only `query` (other top-level keys are dropped);
 * - from_combined_filter.ts: `meta.type: "combined"` with `meta.relation` AND is
 *   `{bool: buildQueryFromFilters(meta.params)}`, OR is `{bool: {should: [each param as
 *   {bool: buildQueryFromFilters([param])}], minimum_should_match: 1}}`;
 * - cleanFilter + translateToQuery: the clause is `filter.query`.
 * - from_nested_filter.ts wraps a filter on a field the data view marks nested; the detection engine
 *   loads no nested subtypes for ECS fields, so nothing is wrapped here.
 * build_es_query.ts `buildEsQuery` then sends `bool: {must: [], filter: [query, …filters],
 * should: [], must_not: [negated filters]}`, match_all removed from filter (not from must_not);
 * the security solution's rule_types/utils/get_query_filter.ts calls it with the rule's filters
 * (plus the exception filter, see rule/exceptions.ts) and `ignoreFilterIfFieldNotInIndex: false`.
 */
import { z } from 'zod';
import { isPlainObject, type Json, type JsonObject } from '../ecs/fields.js';
import { compileDslQuery } from '../kql/query-dsl/compile.js';
import { DslQueryError, type DslContext } from '../kql/query-dsl/types.js';
import { dslQueryFields } from '../kql/query-dsl/fields.js';
import type { KueryNode } from '../kql/ast.js';
import { buildEsQuery, type BoolQueryBody, type DslOptions, type DslQuery } from '../kql/dsl.js';
import { ECS_KEYWORD_IGNORE_ABOVE } from '../ecs/fields.js';

const filterMetaSchema = z
  .object({
    negate: z.boolean().optional(),
    disabled: z.boolean().optional(),
    type: z.string().optional(),
    relation: z.enum(['AND', 'OR']).optional(),
    alias: z.string().nullable().optional(),
  })
  .passthrough();

/** One Kibana filter as rule files and the rules API write it (Kibana keeps unknown keys). */
export const ruleFilterSchema = z
  .object({
    meta: filterMetaSchema.optional(),
    query: z.record(z.string(), z.unknown()).optional(),
    $state: z.unknown().optional(),
  })
  .passthrough();

export type RuleFilter = z.infer<typeof ruleFilterSchema>;

/** One filter as the engine applies it: its clause, negated or not, and where it sits in the rule. */
export interface FilterClause {
  /** Where it sits in the rule's `filters` (`filters[2]`, `filters[0].meta.params[1]`). */
  path: string;
  negate: boolean;
  /** The Query DSL clause Kibana sends for it. */
  query: JsonObject;
  /** Where the clause sits, for errors (`filters[2].query`, `filters[0].exists` for the legacy form). */
  queryPath: string;
}

/** What the filters add to the rule's query: Kibana's buildQueryFromFilters result. */
export interface FilterQueries {
  filter: JsonObject[];
  must_not: JsonObject[];
  /** The enabled filters, in order, as applied (for explain). */
  clauses: FilterClause[];
}

const asJson = (v: unknown): JsonObject => v as JsonObject;

/** migrateFilter + fromCombinedFilter + translateToQuery: the clause one enabled filter stands for. */
function filterClause(f: Record<string, unknown>, path: string): { query: JsonObject; queryPath: string } {
  const meta = isPlainObject(f['meta']) ? f['meta'] : undefined;
  if (meta?.['type'] === 'combined') {
    const params = meta['params'];
    if (!Array.isArray(params)) throw new DslQueryError(`${path}.meta.params`, 'combined', 'a combined filter needs meta.params (an array of filters)');
    const paramsPath = `${path}.meta.params`;
    if (meta['relation'] === 'AND') {
      const inner = buildQueryFromFilters(params, paramsPath);
      return { query: { bool: { must: [], filter: inner.filter, should: [], must_not: inner.must_not } }, queryPath: paramsPath };
    }
    const should = params.map((p, i) => {
      const inner = buildQueryFromFilters([p], paramsPath, i);
      return { bool: { must: [], filter: inner.filter, should: [], must_not: inner.must_not } };
    });
    return { query: { bool: { should, minimum_should_match: 1 } }, queryPath: paramsPath };
  }
  const query = f['query'];
  if (isPlainObject(query)) {
    const match = query['match'];
    if (isPlainObject(match)) {
      const field = Object.keys(match)[0];
      const params = field === undefined ? undefined : match[field];
      if (field !== undefined && isPlainObject(params) && params['type'] === 'phrase') {
        const { type: _type, ...rest } = params;
        return { query: { match_phrase: { [field]: asJson(rest) } }, queryPath: `${path}.query.match` };
      }
    }
    return { query: asJson(query), queryPath: `${path}.query` };
  }
  // The legacy top-level forms ({meta, exists: {…}}, {meta, range: {…}}, …): every key but meta and
  // $state moves under query.
  const moved: JsonObject = {};
  for (const [k, v] of Object.entries(f)) if (k !== 'meta' && k !== '$state' && k !== 'query') moved[k] = v as Json;
  const keys = Object.keys(moved);
  const legacyMatch = moved['match'];
  if (keys.length === 1 && isPlainObject(legacyMatch)) {
    const field = Object.keys(legacyMatch)[0];
    const params = field === undefined ? undefined : legacyMatch[field];
    if (field !== undefined && isPlainObject(params) && params['type'] === 'phrase') {
      const { type: _type, ...rest } = params;
      return { query: { match_phrase: { [field]: asJson(rest) } }, queryPath: `${path}.match` };
    }
  }
  return { query: moved, queryPath: keys.length === 1 ? `${path}.${keys[0]}` : path };
}

/**
 * Kibana's buildQueryFromFilters over the rule's filters (see the module comment). Throws
 * DslQueryError for a combined filter without params; the clauses themselves are checked by
 * `checkFilterQueries`.
 */
export function buildQueryFromFilters(filters: readonly unknown[], path = 'filters', firstIndex = 0): FilterQueries {
  const clauses: FilterClause[] = [];
  filters.forEach((f, i) => {
    if (!isPlainObject(f)) return;
    const meta = isPlainObject(f['meta']) ? f['meta'] : undefined;
    if (meta?.['disabled'] === true) return;
    const at = `${path}[${firstIndex + i}]`;
    clauses.push({ path: at, negate: meta?.['negate'] === true, ...filterClause(f, at) });
  });
  return {
    filter: clauses.filter((c) => !c.negate).map((c) => c.query),
    must_not: clauses.filter((c) => c.negate).map((c) => c.query),
    clauses,
  };
}

/** The filters as one clause: `{bool: {filter, must_not}}` (what a job carries to worker threads). */
export function filtersClause(q: FilterQueries): JsonObject | undefined {
  if (q.clauses.length === 0) return undefined;
  return { bool: { filter: q.filter, must_not: q.must_not } };
}

const UNTYPED: DslContext = { ignoreAbove: ECS_KEYWORD_IGNORE_ABOVE };

/** Compiles every enabled filter's clause once: a clause outside the evaluator's set throws DslQueryError naming where. */
export function checkFilterQueries(q: FilterQueries, ctx: DslContext = UNTYPED): void {
  for (const c of q.clauses) compileDslQuery(c.query, ctx, c.queryPath);
}

/** For the rule schema: a filter list whose clauses the evaluator cannot take is refused with the path and kind. */
export const ruleFiltersSchema = z.array(ruleFilterSchema).superRefine((filters, ctx) => {
  try {
    checkFilterQueries(buildQueryFromFilters(filters));
  } catch (e) {
    if (!(e instanceof DslQueryError)) throw e;
    ctx.addIssue({ code: 'custom', message: `at ${e.path}: ${e.clause}: ${e.reason}` });
  }
});

/** The rule schema's `filters` key (one spread line in rule/schema.ts). */
export const filtersShape = { filters: ruleFiltersSchema.optional() };

/** What a read job needs of a rule's filters: the clause to AND with the query, and the fields it names. */
export interface RuleFilterJob {
  queries: FilterQueries;
  /** `{bool: {filter, must_not}}`; undefined when no filter is enabled. */
  clause: JsonObject | undefined;
  /** The fields the enabled filters name (for the field-type table). */
  fields: string[];
}

/**
 * The rule's enabled filters as a job clause (see ReadJobSpec.filters), with the exception filter of
 * its exception lists appended as get_query_filter.ts appends it (rule/exceptions.ts), named
 * `exception lists` in explain.
 */
export function ruleFilterJob(rule: { filters?: readonly unknown[] | undefined }, exceptionFilter?: RuleFilter): RuleFilterJob {
  const queries = buildQueryFromFilters(rule.filters ?? []);
  if (exceptionFilter !== undefined) {
    const [c] = buildQueryFromFilters([exceptionFilter], 'exception lists').clauses;
    if (c !== undefined) {
      const clause = { ...c, path: 'exception lists' };
      queries.clauses.push(clause);
      (clause.negate ? queries.must_not : queries.filter).push(clause.query);
    }
  }
  const clause = filtersClause(queries);
  return { queries, clause, fields: clause === undefined ? [] : dslQueryFields(clause) };
}

/**
 * Checks the filters against the field types the run uses: a clause Elasticsearch would refuse for
 * its field's type (a wildcard on a long) fails the rule run in Kibana, so it is an error here.
 */
export function checkFiltersTyped(job: RuleFilterJob, fieldTypes: DslContext['fieldTypes']): void {
  checkFilterQueries(job.queries, { ignoreAbove: ECS_KEYWORD_IGNORE_ABOVE, ...(fieldTypes !== undefined && { fieldTypes }) });
}

/**
 * The query the detection engine sends: Kibana's buildEsQuery over the rule's KQL and its filters
 * (get_query_filter.ts): the query's clause first in `filter`, then the filters' positive clauses,
 * then `extra` (a new_terms batch filter comes after the rule's filters); the negated ones in
 * `must_not`. match_all is removed from `filter` only, as build_es_query.ts removes it.
 */
export function buildRuleEsQuery(ast: KueryNode, filters: Pick<FilterQueries, 'filter' | 'must_not'>, opts: DslOptions & { extra?: DslQuery[] } = {}): { bool: BoolQueryBody } {
  const { extra, ...dslOpts } = opts;
  const q = buildEsQuery(ast, { ...dslOpts, filters: [...filters.filter, ...(extra ?? [])] });
  return { bool: { ...q.bool, must_not: [...q.bool.must_not, ...filters.must_not] } };
}

/** Why an event the query matched is not searched: the first enabled filter that excludes it. */
export type FilterExcluder = (event: unknown) => FilterClause | undefined;

/**
 * For explain: each enabled filter compiled on its own, in order; an event is excluded by a positive
 * filter it does not match or a negated one it matches.
 */
export function compileFilterExcluder(job: RuleFilterJob, fieldTypes: DslContext['fieldTypes']): FilterExcluder {
  const ctx: DslContext = { ignoreAbove: ECS_KEYWORD_IGNORE_ABOVE, ...(fieldTypes !== undefined && { fieldTypes }) };
  const tests = job.queries.clauses.map((c) => ({ c, matches: compileDslQuery(c.query, ctx, c.queryPath) }));
  return (e) => tests.find((t) => t.matches(e) === t.c.negate)?.c;
}

/** One line naming a filter: where it sits, whether negated, its clause. */
export function describeFilter(c: FilterClause): string {
  return `${c.path}${c.negate ? ' (negated: must_not)' : ' (filter)'} ${JSON.stringify(c.query)}`;
}
