/**
 * Exception lists pinned to Kibana's buildExceptionFilter (lists plugin, server/services/
 * exception_lists/build_exception_filter.ts) and the detection engine's use of it: each entry type's
 * clause, `excluded`, os_types, expire_time, nested entries, value lists refused, the filter negated
 * after the rule's filters; and the export read with errors naming file and line.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scanFiles } from '../../src/engine/scan-files.js';
import { parseKql } from '../../src/kql/parse.js';
import { compileDslQuery } from '../../src/kql/query-dsl/compile.js';
import { buildExceptionFilter, exceptionItemClauses, ExceptionsFileError, exceptionItemSchema, parseExceptionsText, referencedItems, type ExceptionItem } from '../../src/rule/exceptions.js';
import { buildRuleEsQuery, ruleFilterJob } from '../../src/rule/filters.js';
import { parseRuleText } from '../../src/rule/load.js';

const item = (entries: unknown[], extra: Record<string, unknown> = {}): ExceptionItem => exceptionItemSchema.parse({ item_id: 'i', list_id: 'l', entries, ...extra });
const mp = (field: string, value: string) => ({ bool: { minimum_should_match: 1, should: [{ match_phrase: { [field]: value } }] } });
const NOW = new Date('2026-12-01T00:00:00Z');

describe("each entry as Kibana's clause", () => {
  it('match: a match_phrase in a should; excluded wraps it in must_not', () => {
    expect(exceptionItemClauses(item([{ field: 'host.name', operator: 'included', type: 'match', value: 'a' }]))).toEqual([mp('host.name', 'a')]);
    expect(exceptionItemClauses(item([{ field: 'host.name', operator: 'excluded', type: 'match', value: 'a' }]))).toEqual([{ bool: { must_not: mp('host.name', 'a') } }]);
  });
  it('match_any: one bool per value in a should; a single value unwrapped', () => {
    expect(exceptionItemClauses(item([{ field: 'f', operator: 'included', type: 'match_any', value: ['a'] }]))).toEqual([mp('f', 'a')]);
    expect(exceptionItemClauses(item([{ field: 'f', operator: 'included', type: 'match_any', value: ['a', 'b'] }]))).toEqual([{ bool: { minimum_should_match: 1, should: [mp('f', 'a'), mp('f', 'b')] } }]);
  });
  it('wildcard: a wildcard query without case_insensitive; exists: an exists in a should', () => {
    expect(exceptionItemClauses(item([{ field: 'f', operator: 'included', type: 'wildcard', value: '/usr/*' }]))).toEqual([{ bool: { filter: { wildcard: { f: '/usr/*' } } } }]);
    expect(exceptionItemClauses(item([{ field: 'f', operator: 'included', type: 'exists' }]))).toEqual([{ bool: { minimum_should_match: 1, should: [{ exists: { field: 'f' } }] } }]);
  });
  it('several entries are ANDed in a bool filter', () => {
    const two = item([{ field: 'a', operator: 'included', type: 'match', value: 'x' }, { field: 'b', operator: 'included', type: 'exists' }]);
    expect(exceptionItemClauses(two)).toEqual([{ bool: { filter: [mp('a', 'x'), { bool: { minimum_should_match: 1, should: [{ exists: { field: 'b' } }] } }] } }]);
  });
  it('nested: a nested query on the parent path with full field names', () => {
    const nested = item([{ field: 'process.Ext.code_signature', type: 'nested', entries: [{ field: 'trusted', operator: 'included', type: 'match', value: 'true' }, { field: 'subject_name', operator: 'included', type: 'match', value: 'Elastic' }] }]);
    expect(exceptionItemClauses(nested)).toEqual([
      { nested: { path: 'process.Ext.code_signature', query: { bool: { filter: [mp('process.Ext.code_signature.trusted', 'true'), mp('process.Ext.code_signature.subject_name', 'Elastic')] } }, score_mode: 'none' } },
    ]);
    const matches = compileDslQuery({ bool: { should: exceptionItemClauses(nested) } }, { ignoreAbove: 1024 });
    const sig = (trusted: string, subject_name: string) => ({ trusted, subject_name });
    expect(matches({ process: { Ext: { code_signature: [sig('false', 'Elastic'), sig('true', 'Other')] } } })).toBe(false); // both must hold in one object
    expect(matches({ process: { Ext: { code_signature: [sig('false', 'x'), sig('true', 'Elastic')] } } })).toBe(true);
  });
  it('os_types: one clause per OS and per OS field (host.os.type, host.os.name.caseless), ANDed with the entries', () => {
    const withOs = item([{ field: 'a', operator: 'included', type: 'match', value: 'x' }], { os_types: ['linux', 'windows'] });
    expect(exceptionItemClauses(withOs)).toEqual([
      { bool: { filter: [mp('host.os.type', 'linux'), mp('a', 'x')] } },
      { bool: { filter: [mp('host.os.type', 'windows'), mp('a', 'x')] } },
      { bool: { filter: [mp('host.os.name.caseless', 'linux'), mp('a', 'x')] } },
      { bool: { filter: [mp('host.os.name.caseless', 'windows'), mp('a', 'x')] } },
    ]);
  });
  it('refuses a value-list entry by name', () => {
    expect(() => exceptionItemClauses(item([{ field: 'source.ip', operator: 'included', type: 'list', list: { id: 'bad-ips', type: 'ip' } }]))).toThrow(/value-list entry \(list "bad-ips", type ip\)/);
  });
});

describe('the exception filter', () => {
  const live = item([{ field: 'a', operator: 'included', type: 'match', value: 'x' }]);
  const expired = item([{ field: 'b', operator: 'included', type: 'match', value: 'y' }], { item_id: 'old', expire_time: '2026-11-30T00:00:00Z' });
  it('is negated, ORs the live items, drops the expired ones, and is absent when none is left', () => {
    expect(buildExceptionFilter([live, expired], NOW)).toEqual({ meta: { alias: null, negate: true, disabled: false }, query: { bool: { should: [mp('a', 'x')] } } });
    expect(buildExceptionFilter([expired], NOW)).toBeUndefined();
  });
  it('joins must_not after the rule\'s negated filters (getAllFilters appends it)', () => {
    const rule = { filters: [{ meta: { negate: true }, query: { term: { c: 'z' } } }] };
    const q = buildRuleEsQuery(parseKql('process.name:kmod'), ruleFilterJob(rule, buildExceptionFilter([live], NOW)).queries);
    expect(q.bool.must_not).toEqual([{ term: { c: 'z' } }, { bool: { should: [mp('a', 'x')] } }]);
  });
});

describe('reading an export', () => {
  const text = readFileSync('fixtures/exceptions/kmod-enum-trusted.ndjson', 'utf8');
  it('reads the list, its items and skips the summary', () => {
    const lists = parseExceptionsText(text, 'x.ndjson');
    expect(lists.lists.map((l) => l.list_id)).toEqual(['kmod-enum-trusted']);
    expect(lists.items.map((i) => i.item_id)).toEqual(['k8s-node-agent', 'deploy-over-ssh', 'modinfo-non-root', 'db-maintenance']);
  });
  it('finds the items of the referenced lists by list_id and namespace, and names the missing references', () => {
    const lists = parseExceptionsText(text, 'x.ndjson');
    const r = referencedItems([{ id: '1', list_id: 'kmod-enum-trusted', namespace_type: 'single', type: 'detection' }, { id: '2', list_id: 'endpoint_list', namespace_type: 'agnostic', type: 'endpoint' }], lists);
    expect(r.items).toHaveLength(4);
    expect(r.missing.map((m) => m.list_id)).toEqual(['endpoint_list']);
  });
  it('names file, line and path of an invalid item', () => {
    const bad = `${text.split('\n')[0]}\n{"item_id":"x","list_id":"kmod-enum-trusted","entries":[{"field":"a","operator":"maybe","type":"match","value":"v"}]}\n`;
    expect(() => parseExceptionsText(bad, 'bad.ndjson')).toThrow(ExceptionsFileError);
    expect(() => parseExceptionsText(bad, 'bad.ndjson')).toThrow(/^bad\.ndjson:2: not a valid exception item:[\s\S]*entries\[0\]\.operator/);
    expect(() => parseExceptionsText('{"list_id":"x","type":"detection"}\nnot json\n', 'bad.ndjson')).toThrow(/^bad\.ndjson:2: not JSON/);
  });
});

describe('a rule with exception lists, end to end', () => {
  const rule = parseRuleText(readFileSync('fixtures/exceptions/kmod_rule_with_exceptions.json', 'utf8'), 'kmod_rule_with_exceptions.json');
  const lists = parseExceptionsText(readFileSync('fixtures/exceptions/kmod-enum-trusted.ndjson', 'utf8'), 'kmod-enum-trusted.ndjson');
  const scanNow = new Date('2024-05-20T00:00:00Z');
  it('writes the alerts of the events no live item matches (7 without the lists, 4 with them)', async () => {
    const without = await scanFiles(['fixtures/demo/events.ndjson'], { rule, now: scanNow });
    const filter = buildExceptionFilter(referencedItems(rule.exceptions_list!, lists).items, NOW);
    const withLists = await scanFiles(['fixtures/demo/events.ndjson'], { rule, now: scanNow, exceptionFilter: filter! });
    expect(without.alerts).toHaveLength(7);
    expect(withLists.alerts).toHaveLength(4);
    const hosts = withLists.alerts.map((a) => (a['host'] as { name: string }).name).sort();
    expect(hosts).toEqual(['db-02', 'legacy-app-1', 'web-01', 'web-02']);
  });
});

describe('rule show', () => {
  it('lists the rule\'s filters and the exception lists it references', async () => {
    const { renderRuleText } = await import('../../src/output/rule-text.js');
    const withLists = renderRuleText(parseRuleText(readFileSync('fixtures/exceptions/kmod_rule_with_exceptions.json', 'utf8'), 'r.json'));
    expect(withLists).toMatch(/exception lists: kmod-enum-trusted \(single, detection\): applied with --exceptions FILE/);
    const withFilters = renderRuleText(parseRuleText(readFileSync('fixtures/rules/credential_access_web_config_file_access.toml', 'utf8'), 'r.toml'));
    expect(withFilters).toMatch(/filters: +filters\[0\] \(negated: must_not\)/);
  });
});
