import { describe, expect, it } from 'vitest';
import { buildAlertDocument, ruleParameters, type AlertContext } from '../../src/engine/alert.js';
import { BUILTIN_RULE } from '../../src/rule/builtin.js';
import { parseRuleText } from '../../src/rule/load.js';
import { loadRuleVersion } from '../../src/rule/versions.js';

const customJson = (extra: Record<string, unknown> = {}): string =>
  JSON.stringify({
    rule_id: 'custom-1',
    name: 'Custom',
    type: 'query',
    language: 'kuery',
    query: 'process.name: lsmod',
    index: ['logs-*'],
    severity: 'low',
    risk_score: 21,
    ...extra,
  });

function alertOf(ruleText: string): Record<string, unknown> {
  const rule = parseRuleText(ruleText, 'custom.json');
  const ctx: AlertContext = { rule, mode: 'query', ruleUuid: 'u', spaceId: 'default', ruleCreatedAt: 0, kibanaVersion: '8.16.0' };
  return buildAlertDocument(ctx, {
    source: { '@timestamp': '2024-05-14T10:00:00Z', process: { name: 'lsmod' } },
    identity: { index: 'i', id: 'd', derived: false },
    alertUuid: 'a',
    runTime: Date.parse('2024-05-14T10:05:00Z'),
    executionUuid: 'e',
  });
}

describe('alert documents of a custom rule (Kibana build_alert.ts / common_params_camel_to_snake.ts)', () => {
  it('say immutable false and rule_source internal for a rule file that does not say it is prebuilt', () => {
    const a = alertOf(customJson());
    expect(a['kibana.alert.rule.immutable']).toBe(false);
    expect(a['kibana.alert.rule.parameters']).toMatchObject({ immutable: false, rule_source: { type: 'internal' } });
  });

  it('keep the rule file\'s own immutable and rule_source (a Kibana export of an installed prebuilt rule)', () => {
    const a = alertOf(customJson({ immutable: true, rule_source: { type: 'external', is_customized: true } }));
    expect(a['kibana.alert.rule.immutable']).toBe(true);
    expect(a['kibana.alert.rule.parameters']).toMatchObject({ immutable: true, rule_source: { type: 'external', is_customized: true } });
  });

  it('derive rule_source from immutable when the file gives only immutable, as Kibana normalises on read', () => {
    expect(alertOf(customJson({ immutable: true }))['kibana.alert.rule.parameters']).toMatchObject({ rule_source: { type: 'external', is_customized: false } });
  });

  it('refuse a rule_source that is neither internal nor external', () => {
    expect(() => parseRuleText(customJson({ rule_source: { type: 'elsewhere' } }), 'custom.json')).toThrow(/rule_source/);
  });

  it('write setup "" when the rule has none, and no filters key', () => {
    const a = alertOf(customJson());
    const params = a['kibana.alert.rule.parameters'] as Record<string, unknown>;
    expect(params['setup']).toBe('');
    expect('filters' in params).toBe(false);
    expect(JSON.parse(JSON.stringify(a))['kibana.alert.rule.parameters']).not.toHaveProperty('filters');
  });

  it('carry no kibana.alert.instance.id (only suppressed alerts have one in Kibana)', () => {
    expect(alertOf(customJson())).not.toHaveProperty('kibana.alert.instance.id');
  });
});

describe('alert documents of the built-in rule', () => {
  it('say immutable true and rule_source external, not customized, for every released version', () => {
    for (const rule of [BUILTIN_RULE, loadRuleVersion(213), loadRuleVersion(1)]) {
      const p = ruleParameters(rule, 'new_terms');
      expect(p).toMatchObject({ immutable: true, rule_source: { type: 'external', is_customized: false } });
    }
  });

  it('keep the package\'s setup text', () => {
    expect(ruleParameters(BUILTIN_RULE, 'new_terms')['setup']).toBe(BUILTIN_RULE.setup);
    expect(BUILTIN_RULE.setup).toBeTruthy();
  });
});

describe('rule origin on load', () => {
  it('reads a prebuilt-rules package asset (attributes wrapper) as prebuilt, a plain rule JSON as custom', () => {
    const attributes = JSON.parse(customJson()) as Record<string, unknown>;
    expect(parseRuleText(JSON.stringify({ attributes, id: 'x', type: 'security-rule' }), 'asset.json')).toMatchObject({ immutable: true });
    expect(parseRuleText(customJson(), 'plain.json').immutable).toBeUndefined();
  });
});
