import { describe, expect, it } from 'vitest';
import { BUILTIN_RULE } from '../../src/rule/builtin.js';
import { buildEsQuery } from '../../src/kql/dsl.js';
import { COMBINED_TIMESTAMP_FIELD, newTermsAggregationRequests, timestampFields } from '../../src/rule/new-terms-requests.js';
import { V210_AST } from '../kql/helpers/ast.js';

const window = { from: new Date('2024-05-14T09:21:00.000Z'), to: new Date('2024-05-14T09:30:00.000Z') };
type Obj = Record<string, any>;

describe('newTermsAggregationRequests for the v210 rule', () => {
  const reqs = newTermsAggregationRequests(BUILTIN_RULE, window, { queryAst: V210_AST });
  const p1 = reqs.phase1 as Obj;

  it('places H at history_window_start (now-14d) relative to the window end', () => {
    expect(reqs.window).toEqual({ from: '2024-05-14T09:21:00.000Z', to: '2024-05-14T09:30:00.000Z', historyStart: '2024-04-30T09:30:00.000Z' });
  });

  it('filters phase 1 by the rule filter and an event.ingested range falling back to @timestamp', () => {
    expect(p1.size).toBe(0);
    expect(p1.index).toEqual(['logs-endpoint.events.*', 'endgame-*']);
    expect(p1.query.bool.filter[0]).toEqual(buildEsQuery(V210_AST));
    const range = (f: string) => ({ range: { [f]: { lte: reqs.window.to, gte: reqs.window.from, format: 'strict_date_optional_time' } } });
    expect(p1.query.bool.filter[1]).toEqual({
      bool: {
        minimum_should_match: 1,
        should: [range('event.ingested'), { bool: { filter: [range('@timestamp'), { bool: { must_not: { exists: { field: 'event.ingested' } } } }] } }],
      },
    });
    expect(p1.sort).toEqual([
      { 'event.ingested': { order: 'asc', unmapped_type: 'date' } },
      { '@timestamp': { order: 'asc', unmapped_type: 'date' } },
    ]);
  });

  it('aggregates phase 1 with a composite of the new_terms fields in rule order, after only when given', () => {
    expect(p1.aggregations.new_terms.composite).toEqual({
      sources: [
        { 'process.executable': { terms: { field: 'process.executable' } } },
        { 'process.parent.executable': { terms: { field: 'process.parent.executable' } } },
      ],
      size: 10000,
    });
    const after = { 'process.executable': '/usr/bin/kmod', 'process.parent.executable': '/usr/bin/bash' };
    const paged = newTermsAggregationRequests(BUILTIN_RULE, window, { queryAst: V210_AST, afterKey: after }).phase1 as Obj;
    expect(paged.aggregations.new_terms.composite.after).toEqual(after);
  });

  it('defines the combined timestamp runtime field for event.ingested with @timestamp fallback', () => {
    const rt = p1.runtime_mappings[COMBINED_TIMESTAMP_FIELD];
    expect(rt.type).toBe('date');
    expect(rt.script.params).toEqual({ timestampOverride: 'event.ingested' });
    expect(timestampFields(BUILTIN_RULE)).toEqual({ primary: 'event.ingested', secondary: '@timestamp', aggregatable: COMBINED_TIMESTAMP_FIELD });
    expect(timestampFields({ ...BUILTIN_RULE, timestamp_override_fallback_disabled: true })).toEqual({
      primary: 'event.ingested', secondary: undefined, aggregatable: 'event.ingested',
    });
  });

  it('builds phase 2 and 3 per batch over [H, to] with a per-combination match filter and first_seen > from', () => {
    const terms = [['/usr/bin/kmod', '/usr/bin/bash'], ['/usr/sbin/depmod', '/usr/sbin/dkms'], ['/usr/bin/kmod', '/usr/bin/sudo']];
    const r = newTermsAggregationRequests(BUILTIN_RULE, window, { queryAst: V210_AST, terms, batchSize: 2 });
    expect(r.batches).toHaveLength(2);
    const [b1, b2] = r.batches! as Array<{ terms: string[][]; phase2: Obj; phase3: Obj }>;
    expect(b1!.terms).toEqual(terms.slice(0, 2));
    const p2 = b1!.phase2;
    expect(p2.query.bool.filter[1].bool.should[0].range['event.ingested'].gte).toBe(r.window.historyStart);
    const ruleFilter = p2.query.bool.filter[0].bool.filter;
    expect(ruleFilter[0]).toEqual(buildEsQuery(V210_AST).bool.filter[0]);
    expect(ruleFilter[1]).toEqual({
      bool: {
        should: [
          { bool: { must: [{ match: { 'process.executable': '/usr/bin/kmod' } }, { match: { 'process.parent.executable': '/usr/bin/bash' } }] } },
          { bool: { must: [{ match: { 'process.executable': '/usr/sbin/depmod' } }, { match: { 'process.parent.executable': '/usr/sbin/dkms' } }] } },
        ],
      },
    });
    const agg = p2.aggregations.new_terms;
    expect(agg.composite.size).toBe(2);
    expect(agg.composite.after).toBeUndefined();
    expect(agg.aggs.first_seen).toEqual({ min: { field: COMBINED_TIMESTAMP_FIELD } });
    expect(agg.aggs.filtering_agg.bucket_selector.script).toEqual({
      params: { start_time: window.from.getTime() },
      source: 'params.first_seen_value > params.start_time',
    });
    // The second batch resumes after the first batch's last key.
    expect(b2!.phase2.aggregations.new_terms.composite.after).toEqual({ 'process.executable': '/usr/sbin/depmod', 'process.parent.executable': '/usr/sbin/dkms' });
    // Phase 3 = phase 2 plus the earliest document per bucket, same range.
    const p3agg = b1!.phase3.aggregations.new_terms;
    expect(p3agg.aggs.docs).toEqual({ top_hits: { size: 1, sort: [{ [COMBINED_TIMESTAMP_FIELD]: 'asc' }] } });
    expect(b1!.phase3.query).toEqual(p2.query);
  });

  it('uses terms aggregations with include for a single new_terms field, phase 3 over the rule window', () => {
    const rule = { ...BUILTIN_RULE, new_terms_fields: ['host.id'] };
    const r = newTermsAggregationRequests(rule, window, { queryAst: V210_AST, terms: [['h1'], ['h2']] });
    const b = r.batches![0]! as { phase2: Obj; phase3: Obj };
    expect(b.phase2.aggregations.new_terms.terms).toEqual({ field: 'host.id', size: 10000, include: ['h1', 'h2'] });
    expect(b.phase3.query.bool.filter[1].bool.should[0].range['event.ingested'].gte).toBe(r.window.from);
  });

  it('parses the rule query itself when no AST is given', () => {
    expect(newTermsAggregationRequests(BUILTIN_RULE, window)).toEqual(reqs);
  });

  it('refuses a rule that is not new_terms', () => {
    expect(() => newTermsAggregationRequests({ ...BUILTIN_RULE, type: 'query' }, window, { queryAst: V210_AST })).toThrow(/not a new_terms rule/);
  });
});
