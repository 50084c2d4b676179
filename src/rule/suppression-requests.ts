/**
 * The search Kibana's query executor sends for one run window of a custom query rule with
 * `alert_suppression` (groupAndBulkCreate, security_solution rule_types/query/alert_suppression/
 * group_and_bulk_create.ts + build_group_by_field_aggregation.ts): no hits, one composite
 * aggregation `eventGroups` over the group_by fields (size max_signals + 1; with the default
 * `suppress` strategy `missing_bucket: true, missing_order: "last"`), each bucket with its earliest
 * event (`topHits`) and its min/max timestamp. Kibana adds a filter excluding the events of buckets
 * alerted by earlier runs (the rule's suppressionGroupHistory state), which only a running rule has;
 * with `doNotSuppress` it also searches the events missing a group_by field as an unsuppressed rule.
 */
import type { JsonObject } from '../ecs/fields.js';
import type { KueryNode } from '../kql/ast.js';
import type { DslOptions } from '../kql/dsl.js';
import { buildRuleEsQuery, ruleFilterJob, type RuleFilter } from './filters.js';
import { parseKql } from '../kql/parse.js';
import { suppressesMissingFields, type AlertSuppression } from './alert-suppression.js';
import { eventsSearch, timestampFields } from './new-terms-requests.js';
import type { Rule } from './schema.js';

export interface SuppressionRequestOptions extends DslOptions {
  /** The negated filter of the rule's exception lists (rule/exceptions.ts). */
  exceptionFilter?: RuleFilter;
  queryAst?: KueryNode;
}

/** build_group_by_field_aggregation.ts: the `eventGroups` aggregation. */
export function groupByFieldAggregation(s: AlertSuppression, maxSignals: number, aggregatableTimestampField: string): JsonObject {
  const missingBucket = suppressesMissingFields(s);
  return {
    eventGroups: {
      composite: {
        sources: s.group_by.map((field) => ({ [field]: { terms: { field, ...(missingBucket && { missing_bucket: true, missing_order: 'last' }) } } })),
        size: maxSignals + 1,
      },
      aggs: {
        topHits: { top_hits: { size: 1, sort: [{ [aggregatableTimestampField]: { order: 'asc', unmapped_type: 'date' } }] } },
        max_timestamp: { max: { field: aggregatableTimestampField } },
        min_timestamp: { min: { field: aggregatableTimestampField } },
      },
    },
  };
}

/** The grouping search of one window [from, to] of a query rule with alert_suppression. */
export function suppressionGroupingRequest(rule: Rule, window: { from: Date; to: Date }, opts: SuppressionRequestOptions = {}): JsonObject {
  const s = rule.alert_suppression;
  if (rule.type !== 'query' || s === undefined) throw new Error(`rule '${rule.name}' is not a query rule with alert_suppression`);
  const ts = timestampFields(rule);
  // The rule's filters and exception filter ride in the rule filter, as in every request (rule/filters.ts).
  const { exceptionFilter, ...dslOpts } = opts;
  const filter = buildRuleEsQuery(opts.queryAst ?? parseKql(rule.query), ruleFilterJob(rule, exceptionFilter).queries, dslOpts);
  return eventsSearch(rule, ts, filter, window.from.toISOString(), window.to.toISOString(), groupByFieldAggregation(s, rule.max_signals, ts.aggregatable));
}
