/**
 * Kibana filters in a rule, pinned to kbn-es-query's buildQueryFromFilters / migrateFilter /
 * fromCombinedFilter / buildEsQuery (elastic/kibana src/platform/packages/shared/kbn-es-query/src/
 * es_query/) and the reproduction of issue 17: "Unusual Web Config File Access" gives 0 alerts where
 * Kibana's filter excludes the event (1 before filters were honoured).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scanFiles } from '../../src/engine/scan-files.js';
import { ecsFieldTypes } from '../../src/ecs/field-types.js';
import { parseKql } from '../../src/kql/parse.js';
import { buildQueryFromFilters, buildRuleEsQuery, compileFilterExcluder, ruleFilterJob } from '../../src/rule/filters.js';
import { parseRuleText, RuleFileError } from '../../src/rule/load.js';
import type { Rule } from '../../src/rule/schema.js';

const RULE_FILE = 'fixtures/rules/credential_access_web_config_file_access.toml';
const EVENTS = 'fixtures/rules/web_config_access_events.ndjson';
const webConfigRule = (): Rule => parseRuleText(readFileSync(RULE_FILE, 'utf8'), RULE_FILE);
const term = (v: string) => ({ term: { 'process.name': v } });

describe('buildQueryFromFilters', () => {
  it('drops disabled filters, sends negated ones to must_not and the rest (negate false or absent, no meta) to filter, in order', () => {
    const q = buildQueryFromFilters([
      { meta: { negate: false }, query: term('a') },
      { meta: { negate: true }, query: term('b') },
      { meta: { disabled: true }, query: term('c') },
      { query: term('d') },
      { meta: {}, query: term('e') },
      { meta: { negate: true, disabled: true }, query: term('f') },
    ]);
    expect(q.filter).toEqual([term('a'), term('d'), term('e')]);
    expect(q.must_not).toEqual([term('b')]);
    expect(q.clauses.map((c) => c.path)).toEqual(['filters[0]', 'filters[1]', 'filters[3]', 'filters[4]']);
  });
  it('moves the legacy top-level forms under query (exists, range, any other key) and keeps only query when there is one', () => {
    const q = buildQueryFromFilters([
      { meta: { negate: true }, exists: { field: 'user_agent.original' }, $state: { store: 'appState' } },
      { meta: {}, range: { 'process.pid': { gte: 1, lt: 10 } } },
      { meta: {}, query: term('a'), exists: { field: 'ignored' } },
    ]);
    expect(q.must_not).toEqual([{ exists: { field: 'user_agent.original' } }]);
    expect(q.filter).toEqual([{ range: { 'process.pid': { gte: 1, lt: 10 } } }, term('a')]);
  });
  it('migrates the deprecated match phrase form to match_phrase', () => {
    const q = buildQueryFromFilters([{ meta: {}, query: { match: { 'host.name': { query: 'web-01', type: 'phrase' } } } }]);
    expect(q.filter).toEqual([{ match_phrase: { 'host.name': { query: 'web-01' } } }]);
  });
  it('builds combined filters: AND as a bool of the params, OR as a should of one-filter bools', () => {
    const params = [{ meta: {}, query: term('a') }, { meta: { negate: true }, query: term('b') }];
    const and = buildQueryFromFilters([{ meta: { type: 'combined', relation: 'AND', params } }]);
    expect(and.filter).toEqual([{ bool: { must: [], filter: [term('a')], should: [], must_not: [term('b')] } }]);
    const or = buildQueryFromFilters([{ meta: { type: 'combined', relation: 'OR', params } }]);
    expect(or.filter).toEqual([
      {
        bool: {
          should: [
            { bool: { must: [], filter: [term('a')], should: [], must_not: [] } },
            { bool: { must: [], filter: [], should: [], must_not: [term('b')] } },
          ],
          minimum_should_match: 1,
        },
      },
    ]);
  });
});

describe('buildEsQuery with filters', () => {
  it('puts the query first in bool.filter, positive filters after it, negated ones in must_not; match_all leaves filter only', () => {
    const q = buildRuleEsQuery(parseKql('process.name:kmod'), buildQueryFromFilters([
      { meta: {}, query: { match_all: {} } },
      { meta: { negate: true }, query: { match_all: {} } },
      { meta: {}, query: term('x') },
    ]));
    expect(q).toEqual({
      bool: {
        must: [],
        filter: [{ bool: { should: [{ term: { 'process.name': { value: 'kmod' } } }], minimum_should_match: 1 } }, term('x')],
        should: [],
        must_not: [{ match_all: {} }],
      },
    });
  });
});

describe('rule files with filters', () => {
  it('load from detection-rules TOML with the filter as written', () => {
    expect(webConfigRule().filters).toEqual([
      {
        meta: { negate: true },
        query: { wildcard: { 'process.executable': { case_insensitive: true, value: '?:\\\\Program Files\\\\Common Files\\\\microsoft shared\\\\Web Server Extensions\\\\*\\\\BIN\\\\*' } } },
      },
    ]);
  });
  it('are refused with the file, the path and the clause kind when a clause is outside the evaluator', () => {
    const rule = { rule_id: 'r', name: 'n', type: 'query', query: 'a:b', index: ['i'], severity: 'low', risk_score: 1, filters: [{ meta: {}, query: { bool: { must: [{ geo_shape: { loc: {} } }] } } }] };
    expect(() => parseRuleText(JSON.stringify(rule), 'custom.json')).toThrow(RuleFileError);
    expect(() => parseRuleText(JSON.stringify(rule), 'custom.json')).toThrow(/custom\.json: .*filters: at filters\[0\]\.query\.bool\.must\[0\]\.geo_shape: geo_shape: this clause kind is not supported/s);
  });
});

describe('"Unusual Web Config File Access" (issue 17 reproduction)', () => {
  const now = new Date('2026-11-30T10:05:00Z');
  it('writes no alert: the negated case-insensitive wildcard filter excludes the SharePoint timer process, as in Kibana', async () => {
    const result = await scanFiles([EVENTS], { rule: webConfigRule(), now, fieldTypes: ecsFieldTypes() });
    expect(result.alerts).toHaveLength(0);
    expect(result.events).toBe(1);
  });
  it('writes the one alert when the filter is disabled (what the tool wrote before filters were honoured)', async () => {
    const rule = webConfigRule();
    const disabled = { ...rule, filters: rule.filters!.map((f) => ({ ...f, meta: { ...f.meta, disabled: true } })) };
    const result = await scanFiles([EVENTS], { rule: disabled, now, fieldTypes: ecsFieldTypes() });
    expect(result.alerts).toHaveLength(1);
  });
  it('names the filter that excluded the event (explain)', () => {
    const job = ruleFilterJob(webConfigRule());
    const event = JSON.parse(readFileSync(EVENTS, 'utf8').trim());
    expect(compileFilterExcluder(job, undefined)(event)?.path).toBe('filters[0]');
  });
});
