/**
 * The search requests Kibana's new_terms executor sends for one rule window, so the same detection
 * can run on a cluster: phase 1 pages through the combinations seen in [from, to]; phase 2 keeps
 * those whose first appearance in [H, to] is after `from`; phase 3 fetches the earliest document for
 * each. Paraphrases elastic/kibana
 * `.../rule_types/new_terms/{build_new_terms_aggregation,multi_terms_composite,execute_new_terms_aggregation_approach}.ts`
 * and `.../rule_types/utils/{build_events_query,build_timestamp_runtime_mapping}.ts`.
 */
import type { Json, JsonObject } from '../ecs/fields.js';
import type { KueryNode } from '../kql/ast.js';
import type { DslOptions, DslQuery } from '../kql/dsl.js';
import { parseKql } from '../kql/parse.js';
import { evaluateDateMath } from '../engine/datemath.js';
import type { Rule } from './schema.js';
import { buildRuleEsQuery, ruleFilterJob, type RuleFilter } from './filters.js';

/** Kibana's page size for the phase-1 composite aggregation and single-field phase 2/3 terms. */
export const NEW_TERMS_PAGE_SIZE = 10_000;
/** Kibana's first batch size for multi-field phases 2/3 (halved on too-many-clauses errors). */
export const NEW_TERMS_BATCH_SIZE = 500;
/** The runtime field combining the timestamp override with its `@timestamp` fallback. */
export const COMBINED_TIMESTAMP_FIELD = 'kibana.combined_timestamp';

export type CompositeKey = Record<string, string | number | null>;

export interface NewTermsRequestOptions extends DslOptions {
  /** The rule's query as an AST; parsed from `rule.query` when absent. */
  queryAst?: KueryNode;
  /** Phase 1's `after` (the previous page's after_key); also where the first phase-2/3 batch starts. */
  afterKey?: CompositeKey;
  /** Term combinations from a phase-1 page, values in new_terms_fields order: one phase-2/3 pair per batch. */
  terms?: Array<Array<string | number>>;
  /** Multi-field batch size (Kibana: 500, then 250 and 125 on retry). */
  batchSize?: number;
  /** The negated filter of the rule's exception lists (rule/exceptions.ts). */
  exceptionFilter?: RuleFilter;
}

export interface TimestampFields {
  primary: string;
  secondary: string | undefined;
  /** The field aggregations sort and take min over. */
  aggregatable: string;
}

/** Primary/secondary timestamps as the rule wrapper derives them (§B.5). */
export function timestampFields(rule: Rule): TimestampFields {
  const primary = rule.timestamp_override ?? '@timestamp';
  const secondary = primary !== '@timestamp' && rule.timestamp_override_fallback_disabled !== true ? '@timestamp' : undefined;
  return { primary, secondary, aggregatable: secondary ? COMBINED_TIMESTAMP_FIELD : primary };
}

/**
 * A runtime `date` field emitting the override's value when the document has one, else `@timestamp`
 * (same behaviour as Kibana's build_timestamp_runtime_mapping.ts; the Painless text is our own).
 */
function combinedTimestampMapping(override: string): JsonObject {
  return {
    [COMBINED_TIMESTAMP_FIELD]: {
      type: 'date',
      script: {
        source:
          "if (doc.containsKey(params.timestampOverride) && doc[params.timestampOverride].size() != 0) { emit(doc[params.timestampOverride].value.millis); } else { emit(doc['@timestamp'].value.millis); }",
        params: { timestampOverride: override },
      },
    },
  };
}

/** Inclusive [from, to] on the primary timestamp, or on `@timestamp` where the primary is absent. */
export function timeRangeFilter(from: string, to: string, ts: TimestampFields): DslQuery {
  const range = (field: string): DslQuery => ({
    range: { [field]: { lte: to, gte: from, format: 'strict_date_optional_time' } },
  });
  if (!ts.secondary) return range(ts.primary);
  return {
    bool: {
      minimum_should_match: 1,
      should: [
        range(ts.primary),
        { bool: { filter: [range(ts.secondary), { bool: { must_not: { exists: { field: ts.primary } } } }] } },
      ],
    },
  };
}

/** buildEventsSearchQuery's body for an aggregation-only search (size 0) over [from, to]. */
export function eventsSearch(
  rule: Rule,
  ts: TimestampFields,
  filter: DslQuery,
  from: string,
  to: string,
  aggregations: JsonObject,
): JsonObject {
  const timestamps = ts.secondary ? [ts.primary, ts.secondary] : [ts.primary];
  const body: JsonObject = {
    index: rule.index,
    ignore_unavailable: true,
    allow_no_indices: true,
    size: 0,
    query: { bool: { filter: [filter, timeRangeFilter(from, to, ts)] } },
    fields: [
      { field: '*', include_unmapped: true },
      ...timestamps.map((field) => ({ field, format: 'strict_date_optional_time' })),
    ],
    aggregations,
    sort: timestamps.map((field) => ({ [field]: { order: 'asc', unmapped_type: 'date' } })),
  };
  if (ts.secondary) body['runtime_mappings'] = combinedTimestampMapping(ts.primary);
  return body;
}

function compositeSources(fields: string[]): Json[] {
  return fields.map((field) => ({ [field]: { terms: { field } } }));
}

function newTermsSelector(fromMs: number): JsonObject {
  return {
    bucket_selector: {
      buckets_path: { first_seen_value: 'first_seen' },
      script: { params: { start_time: fromMs }, source: 'params.first_seen_value > params.start_time' },
    },
  };
}

const withAfter = (after: CompositeKey | undefined): JsonObject => (after ? { after } : {});

export interface NewTermsBatchRequests {
  /** The combinations this batch covers, in the order given. */
  terms: Array<Array<string | number>>;
  phase2: JsonObject;
  phase3: JsonObject;
}

export interface NewTermsRequests {
  /** ISO bounds: the rule window [from, to] and the history start H (history_window_start relative to `to`). */
  window: { from: string; to: string; historyStart: string };
  phase1: JsonObject;
  /** Present when `terms` were given: one phase 2/3 pair per batch (single field: one pair for all). */
  batches?: NewTermsBatchRequests[];
}

/**
 * The §D.4 requests for one window. Throws when the rule is not new_terms. The rule filter is the
 * buildEsQuery form of the rule's query; multi-field batches add a `bool.should` of per-combination
 * `match` conjunctions as an extra filter clause, as multi_terms_composite.ts does.
 */
export function newTermsAggregationRequests(
  rule: Rule,
  window: { from: Date; to: Date },
  opts: NewTermsRequestOptions = {},
): NewTermsRequests {
  const fields = rule.new_terms_fields;
  if (rule.type !== 'new_terms' || !fields || fields.length === 0) {
    throw new Error(`rule '${rule.name}' is not a new_terms rule with new_terms_fields`);
  }
  const ts = timestampFields(rule);
  const from = window.from.toISOString();
  const to = window.to.toISOString();
  if (!rule.history_window_start) throw new Error(`new_terms rule '${rule.name}' has no history_window_start`);
  // H moves with the window: Kibana parses it with forceNow = tuple.to (§A.1).
  const historyStart = evaluateDateMath(rule.history_window_start, window.to).toISOString();
  const fromMs = window.from.getTime();
  const ast = opts.queryAst ?? parseKql(rule.query);
  // The rule's Kibana filters ride in every request's rule filter (rule/filters.ts).
  const { queries } = ruleFilterJob(rule, opts.exceptionFilter);
  const { exceptionFilter: _exceptions, ...dslOpts } = opts;
  const ruleFilter = (extra?: DslQuery[]): DslQuery => buildRuleEsQuery(ast, queries, { ...dslOpts, ...(extra ? { extra } : {}) });

  const phase1 = eventsSearch(rule, ts, ruleFilter(), from, to, {
    new_terms: {
      composite: { sources: compositeSources(fields), size: NEW_TERMS_PAGE_SIZE, ...withAfter(opts.afterKey) },
    },
  });
  const result: NewTermsRequests = { window: { from, to, historyStart }, phase1 };
  if (!opts.terms) return result;

  if (fields.length === 1) {
    const field = fields[0]!;
    const include = opts.terms.map((t) => t[0] ?? null).filter((v): v is string | number => v !== null);
    const termsAgg = { field, size: NEW_TERMS_PAGE_SIZE, include };
    const phase2 = eventsSearch(rule, ts, ruleFilter(), historyStart, to, {
      new_terms: {
        terms: termsAgg,
        aggs: { first_seen: { min: { field: ts.aggregatable } }, filtering_agg: newTermsSelector(fromMs) },
      },
    });
    // Kibana's phase 3 includes only the terms phase 2 found new and searches the rule window only.
    const phase3 = eventsSearch(rule, ts, ruleFilter(), from, to, {
      new_terms: {
        terms: termsAgg,
        aggs: { docs: { top_hits: { size: 1, sort: [{ [ts.aggregatable]: 'asc' }] } } },
      },
    });
    result.batches = [{ terms: opts.terms, phase2, phase3 }];
    return result;
  }

  const batchSize = opts.batchSize ?? NEW_TERMS_BATCH_SIZE;
  const batches: NewTermsBatchRequests[] = [];
  let after = opts.afterKey;
  for (let i = 0; i < opts.terms.length; i += batchSize) {
    const batch = opts.terms.slice(i, i + batchSize);
    const keys: CompositeKey[] = batch.map((combo) => Object.fromEntries(fields.map((f, k) => [f, combo[k] ?? null])));
    const batchFilter: DslQuery = {
      bool: { should: keys.map((key) => ({ bool: { must: fields.map((f) => ({ match: { [f]: key[f] ?? null } })) } })) },
    };
    const composite = { sources: compositeSources(fields), size: batchSize, ...withAfter(after) };
    const firstSeen = { first_seen: { min: { field: ts.aggregatable } }, filtering_agg: newTermsSelector(fromMs) };
    const filter = ruleFilter([batchFilter]);
    const phase2 = eventsSearch(rule, ts, filter, historyStart, to, { new_terms: { composite, aggs: firstSeen } });
    const phase3 = eventsSearch(rule, ts, filter, historyStart, to, {
      new_terms: {
        composite,
        aggs: { ...firstSeen, docs: { top_hits: { size: 1, sort: [{ [ts.aggregatable]: 'asc' }] } } },
      },
    });
    batches.push({ terms: batch, phase2, phase3 });
    after = keys[keys.length - 1];
  }
  result.batches = batches;
  return result;
}
