import { describe, expect, it } from 'vitest';
import { parseRule, RuleFileError } from '../../src/rule/load.js';
import { KIBANA_PARAMETERS, parameterInventory, TOML_PARAMETERS } from '../../src/rule/parameters.js';
import { warnedFindings } from '../../src/rule/parameter-check.js';

const base = {
  rule_id: 'r-1', name: 'A rule', type: 'query', language: 'kuery', query: 'process.name:lsmod',
  index: ['logs-*'], severity: 'low', risk_score: 21, description: 'd',
};
const json = (extra: Record<string, unknown>) => JSON.stringify({ ...base, ...extra });
const filter = { meta: { negate: false, disabled: false }, query: { match_phrase: { 'host.name': 'a' } } };

describe('rule parameters the tool does not apply', () => {
  it('refuses a rule whose data view would change its alerts, naming the parameter and --allow-unsupported', () => {
    const err = (() => { try { parseRule(json({ data_view_id: 'dv-1' }), 'r.json'); } catch (e) { return e; } })();
    expect(err).toBeInstanceOf(RuleFileError);
    expect((err as Error).message).toMatch(/r\.json: rule "A rule" has parameters .*\n  - data_view_id: .*data view/);
    expect((err as Error).message).toContain('--allow-unsupported');
  });

  it('loads it with --allow-unsupported, and the parameter becomes a warning', () => {
    const { parameters } = parseRule(json({ data_view_id: 'dv-1' }), 'r.json', { allowUnsupported: true });
    expect(warnedFindings(parameters).map((f) => [f.path, f.treatment])).toEqual([['data_view_id', 'refused']]);
  });

  it('applies filters and exception lists: no warning, no refusal', () => {
    const { rule, parameters } = parseRule(json({ filters: [filter], exceptions_list: [{ id: 'l', list_id: 'l', namespace_type: 'single', type: 'detection' }] }), 'r.json');
    expect(warnedFindings(parameters)).toEqual([]);
    expect(rule.filters).toHaveLength(1);
    expect(rule.exceptions_list).toHaveLength(1);
  });

  it('does not refuse an empty filters, exceptions_list or alert_suppression (nothing to apply)', () => {
    const { parameters } = parseRule(json({ filters: [], exceptions_list: [] }), 'r.json');
    expect(warnedFindings(parameters)).toEqual([]);
  });

  it('warns about an unknown key by name instead of dropping it silently', () => {
    const { parameters } = parseRule(json({ colour: 'blue' }), 'r.json');
    expect(warnedFindings(parameters).map((f) => [f.path, f.treatment])).toEqual([['colour', 'unknown']]);
  });

  it('warns about enabled only when it is false (a disabled rule writes no alerts in Kibana)', () => {
    expect(warnedFindings(parseRule(json({ enabled: true }), 'r.json').parameters)).toEqual([]);
    expect(warnedFindings(parseRule(json({ enabled: false }), 'r.json').parameters).map((f) => f.path)).toEqual(['enabled']);
  });

  it('names TOML keys by their path in the file: [metadata] keys are not sent to Kibana, unknown tables are warned', () => {
    const toml = `[metadata]\ncreation_date = "2020/01/01"\nmaturity = "production"\n\n[extra]\nx = 1\n\n[rule]\nrule_id = "r"\nname = "T"\ntype = "query"\nquery = "a:b"\nindex = ["x"]\nseverity = "low"\nrisk_score = 1\ndescription = "d"\nauthor = ["E"]\n`;
    const { parameters } = parseRule(toml, 'r.toml');
    const byPath = Object.fromEntries(parameters.map((f) => [f.path, f.treatment]));
    expect(byPath).toMatchObject({ 'metadata.creation_date': 'not-sent', 'metadata.maturity': 'not-sent', extra: 'unknown', 'rule.author': 'carried', 'rule.query': 'honoured' });
  });

  it('has one row per parameter, each saying what Kibana does with it', () => {
    const rows = parameterInventory();
    expect(new Set(rows.map((r) => r.name)).size).toBe(rows.length);
    for (const r of rows) expect(r.kibana.length, r.name).toBeGreaterThan(10);
    expect(KIBANA_PARAMETERS.filters.treatment).toBeDefined();
  });
});

/** A value of the right shape for every Kibana parameter the inventory knows (keep in step with it). */
const EVERY_PARAMETER: Record<string, unknown> = {
  type: 'new_terms', language: 'kuery', query: 'process.name: lsmod', index: ['logs-*'], data_view_id: 'dv-1',
  filters: [filter], saved_id: 'sq-1', interval: '5m', from: 'now-9m', to: 'now', max_signals: 100,
  timestamp_override: 'event.ingested', timestamp_override_fallback_disabled: true,
  new_terms_fields: ['host.id'], history_window_start: 'now-7d', enabled: false,
  exceptions_list: [{ id: 'l-1', list_id: 'l-1', type: 'detection', namespace_type: 'single' }],
  alert_suppression: { group_by: ['host.name'], missing_fields_strategy: 'suppress' },
  name: 'Every parameter', severity: 'low', risk_score: 21, rule_name_override: 'message',
  severity_mapping: [{ field: 'event.severity', operator: 'equals', value: '73', severity: 'high' }],
  risk_score_mapping: [{ field: 'event.risk_score', operator: 'equals', value: '' }],
  building_block_type: 'default', description: 'd', version: 3, tags: ['t'], author: ['a'], license: 'Elastic License v2',
  false_positives: ['f'], references: ['https://example.com'],
  threat: [{ framework: 'MITRE ATT&CK', tactic: { id: 'TA0007', name: 'Discovery', reference: 'https://attack.mitre.org/tactics/TA0007/' } }],
  note: 'guide', setup: 'setup', related_integrations: [{ package: 'endpoint', version: '^8.2.0' }],
  required_fields: [{ name: 'process.name', type: 'keyword', ecs: true }], investigation_fields: { field_names: ['host.name'] },
  meta: { from: '1m' }, namespace: 'ns', timeline_id: 'tl-1', timeline_title: 'Timeline', throttle: 'no_actions',
  actions: [{ group: 'default', id: 'c-1', action_type_id: '.email', params: {} }],
  response_actions: [{ action_type_id: '.osquery', params: { query: 'select 1' } }],
  id: '0b8e9d3a-7c4f-4e21-8d5b-3a9f6c2e1d40', rule_id: 'every-1', immutable: false, rule_source: { type: 'internal' },
  output_index: '.siem-signals-default', created_at: '2024-01-01T00:00:00.000Z', created_by: 'elastic',
  updated_at: '2024-01-02T00:00:00.000Z', updated_by: 'elastic', revision: 4, execution_summary: { last_execution: {} },
  outcome: 'exactMatch', alias_target_id: 'x', alias_purpose: 'savedObjectConversion',
  event_category_override: 'event.category', tiebreaker_field: 'event.sequence', timestamp_field: '@timestamp',
  threshold: { field: ['host.name'], value: 5 }, threat_query: '*:*', threat_mapping: [{ entries: [] }], threat_index: ['ti-*'],
  threat_filters: [filter], threat_indicator_path: 'threat.indicator', threat_language: 'kuery', concurrent_searches: 1,
  items_per_search: 100, anomaly_threshold: 50, machine_learning_job_id: 'job-1',
};

describe('a rule with every known parameter', () => {
  it('names every parameter of the inventory (this test holds one value per row)', () => {
    expect(Object.keys(EVERY_PARAMETER).sort()).toEqual(Object.keys(KIBANA_PARAMETERS).sort());
  });

  const { rule, parameters } = parseRule(JSON.stringify(EVERY_PARAMETER), 'every.json', { allowUnsupported: true });
  const byName = new Map(parameters.map((f) => [f.name, f]));

  it('gives each key the treatment of its row, and none is unknown', () => {
    for (const [name, row] of Object.entries(KIBANA_PARAMETERS)) expect(byName.get(name)?.treatment, name).toBe(row.treatment);
  });

  it('keeps every parameter it applies or carries in the loaded rule', () => {
    const kept = rule as unknown as Record<string, unknown>;
    for (const [name, row] of Object.entries(KIBANA_PARAMETERS)) {
      if (row.treatment === 'honoured' || row.treatment === 'carried') expect(kept[name], name).toBeDefined();
    }
  });

  it('warns about every parameter it does not apply, and refuses the rule without --allow-unsupported', () => {
    const warned = warnedFindings(parameters).map((f) => f.name).sort();
    const expected = Object.entries(KIBANA_PARAMETERS).filter(([, r]) => r.treatment === 'warned' || r.treatment === 'refused').map(([n]) => n).sort();
    expect(warned).toEqual(expected);
    expect(() => parseRule(JSON.stringify(EVERY_PARAMETER), 'every.json')).toThrow(RuleFileError);
  });

  it('in TOML, names every [metadata] key, [transform], [rule.new_terms] and the TOML-only rule keys', () => {
    const metadata = Object.keys(TOML_PARAMETERS).filter((k) => k.startsWith('metadata.')).map((k) => `${k.slice(9)} = "x"`).join('\n');
    const toml = `[metadata]\n${metadata}\n\n[transform]\n[[transform.osquery]]\nlabel = "L"\nquery = "select 1"\n\n[rule]\nrule_id = "r"\nname = "T"\ntype = "new_terms"\nquery = "a:b"\nindex = ["x"]\nseverity = "low"\nrisk_score = 1\ndescription = "d"\nnote = "$osquery_0"\nrevision = 2\nthreat_mappings = []\n\n[rule.new_terms]\nfield = "new_terms_fields"\nvalue = ["host.id"]\n[[rule.new_terms.history_window_start]]\nfield = "history_window_start"\nvalue = "now-7d"\n`;
    const loaded = parseRule(toml, 'every.toml');
    const names = new Set(loaded.parameters.map((f) => f.name));
    for (const key of Object.keys(TOML_PARAMETERS)) expect(names.has(key), key).toBe(true);
    expect(loaded.parameters.filter((f) => f.treatment === 'unknown')).toEqual([]);
    expect(loaded.rule.new_terms_fields).toEqual(['host.id']);
    expect(loaded.rule.note).toBe('!{osquery{"label":"L","query":"select 1"}}');
  });
});
