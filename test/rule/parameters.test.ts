import { describe, expect, it } from 'vitest';
import { parseRule, RuleFileError } from '../../src/rule/load.js';
import { KIBANA_PARAMETERS, parameterInventory } from '../../src/rule/parameters.js';
import { warnedFindings } from '../../src/rule/parameter-check.js';

const base = {
  rule_id: 'r-1', name: 'A rule', type: 'query', language: 'kuery', query: 'process.name:lsmod',
  index: ['logs-*'], severity: 'low', risk_score: 21, description: 'd',
};
const json = (extra: Record<string, unknown>) => JSON.stringify({ ...base, ...extra });
const filter = { meta: { negate: false, disabled: false }, query: { match_phrase: { 'host.name': 'a' } } };

describe('rule parameters the tool does not apply', () => {
  it('refuses a rule whose filters would change its alerts, naming the parameter and --allow-unsupported', () => {
    const err = (() => { try { parseRule(json({ filters: [filter] }), 'r.json'); } catch (e) { return e; } })();
    expect(err).toBeInstanceOf(RuleFileError);
    expect((err as Error).message).toMatch(/r\.json: rule "A rule" has parameters .*\n  - filters: .*buildEsQuery/);
    expect((err as Error).message).toContain('--allow-unsupported');
  });

  it('loads it with --allow-unsupported, and the parameter becomes a warning', () => {
    const { parameters } = parseRule(json({ filters: [filter] }), 'r.json', { allowUnsupported: true });
    expect(warnedFindings(parameters).map((f) => [f.path, f.treatment])).toEqual([['filters', 'refused']]);
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
