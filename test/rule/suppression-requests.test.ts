/**
 * The grouping search of a custom query rule with alert_suppression (`dsl --window`), pinned to
 * Kibana's own snapshot of build_group_by_field_aggregation (query/alert_suppression/
 * __snapshots__/build_group_by_field_aggregation.test.ts.snap: host.name, max_signals 100, the
 * combined timestamp, no missing bucket).
 */
import { describe, expect, it } from 'vitest';
import { groupByFieldAggregation, suppressionGroupingRequest } from '../../src/rule/suppression-requests.js';
import { BUILTIN_RULE } from '../../src/rule/builtin.js';

describe('alert suppression grouping request', () => {
  it("builds Kibana's eventGroups aggregation (its snapshot: composite size max_signals + 1, earliest hit, min/max time)", () => {
    expect(groupByFieldAggregation({ group_by: ['host.name'], missing_fields_strategy: 'doNotSuppress' }, 100, 'kibana.combined_timestamp')).toEqual({
      eventGroups: {
        aggs: {
          max_timestamp: { max: { field: 'kibana.combined_timestamp' } },
          min_timestamp: { min: { field: 'kibana.combined_timestamp' } },
          topHits: { top_hits: { size: 1, sort: [{ 'kibana.combined_timestamp': { order: 'asc', unmapped_type: 'date' } }] } },
        },
        composite: { size: 101, sources: [{ 'host.name': { terms: { field: 'host.name' } } }] },
      },
    });
  });

  it('asks for the missing bucket, ordered last, with the default suppress strategy', () => {
    const agg = groupByFieldAggregation({ group_by: ['host.name', 'user.name'] }, 5, '@timestamp') as { eventGroups: { composite: { sources: unknown[]; size: number } } };
    expect(agg.eventGroups.composite.sources).toEqual([
      { 'host.name': { terms: { field: 'host.name', missing_bucket: true, missing_order: 'last' } } },
      { 'user.name': { terms: { field: 'user.name', missing_bucket: true, missing_order: 'last' } } },
    ]);
    expect(agg.eventGroups.composite.size).toBe(6);
  });

  it('searches the window with the rule query, no hits, the combined timestamp as a runtime field', () => {
    const rule = { ...BUILTIN_RULE, type: 'query' as const, alert_suppression: { group_by: ['host.name'] } };
    const body = suppressionGroupingRequest(rule, { from: new Date('2024-05-14T09:51:00Z'), to: new Date('2024-05-14T10:00:00Z') });
    expect(body.size).toBe(0);
    expect(body).toHaveProperty(['runtime_mappings', 'kibana.combined_timestamp']);
    expect(JSON.stringify(body.query)).toContain('"gte":"2024-05-14T09:51:00.000Z"');
    expect(() => suppressionGroupingRequest(BUILTIN_RULE, { from: new Date(0), to: new Date(1) })).toThrow(/not a query rule with alert_suppression/);
  });
});
