import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildAlertDocument, type AlertContext } from '../../src/engine/alert.js';
import { parseRuleText } from '../../src/rule/load.js';
import { ruleNameFromMapping } from '../../src/engine/alert-fields/rule-name-override.js';
import { severityFromMapping, type SeverityMappingEntry } from '../../src/engine/alert-fields/severity-mapping.js';
import { riskScoreFromMapping } from '../../src/engine/alert-fields/risk-score-mapping.js';

const ruleJson = (extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ rule_id: 'r-1', name: 'Rule name', type: 'query', language: 'kuery', query: 'process.name: lsmod', index: ['logs-*'], severity: 'low', risk_score: 21, ...extra });

function alertOf(extra: Record<string, unknown>, source: Record<string, unknown>): Record<string, unknown> {
  const rule = parseRuleText(ruleJson(extra), 'r.json');
  const ctx: AlertContext = { rule, mode: 'query', ruleUuid: 'u', spaceId: 'default', ruleCreatedAt: 0, kibanaVersion: '8.16.0' };
  return buildAlertDocument(ctx, {
    source: { '@timestamp': '2024-05-14T10:00:00Z', ...source },
    identity: { index: 'i', id: 'd', derived: false },
    alertUuid: 'a',
    runTime: Date.parse('2024-05-14T10:05:00Z'),
    executionUuid: 'e',
  });
}

const sev = (field: string, value: string, severity: SeverityMappingEntry['severity']): SeverityMappingEntry => ({ field, operator: 'equals', value, severity });

describe('rule_name_override (build_rule_name_from_mapping.ts)', () => {
  it('takes the name from the field when it holds a string, even an empty one', () => {
    expect(ruleNameFromMapping({ rule: { name: 'From event' } }, 'Rule', 'rule.name')).toBe('From event');
    expect(ruleNameFromMapping({ 'rule.name': '' }, 'Rule', 'rule.name')).toBe('');
  });
  it("keeps the rule's name when the field is missing or not a string (an array, a number)", () => {
    expect(ruleNameFromMapping({}, 'Rule', 'rule.name')).toBe('Rule');
    expect(ruleNameFromMapping({ rule: { name: ['a'] } }, 'Rule', 'rule.name')).toBe('Rule');
    expect(ruleNameFromMapping({ rule: { name: 7 } }, 'Rule', 'rule.name')).toBe('Rule');
  });
});

describe('severity_mapping (build_severity_from_mapping.ts)', () => {
  it('uses the highest matching severity whatever the order of the entries', () => {
    const mapping = [sev('a', 'x', 'critical'), sev('b', 'y', 'medium'), sev('c', 'z', 'high')];
    expect(severityFromMapping({ a: 'x', b: 'y' }, 'low', mapping)).toBe('critical');
    expect(severityFromMapping({ b: 'y', c: 'z' }, 'low', mapping)).toBe('high');
    expect(severityFromMapping({ b: 'nope' }, 'low', mapping)).toBe('low');
  });
  it('compares event.severity as integers: the mapping value floored, a string in the event never matches', () => {
    const mapping = [sev('event.severity', '73.9', 'high')];
    expect(severityFromMapping({ event: { severity: 73 } }, 'low', mapping)).toBe('high');
    expect(severityFromMapping({ event: { severity: '73' } }, 'low', mapping)).toBe('low');
  });
  it('compares other fields as strings: integers in the event match their text, booleans and floats never do', () => {
    expect(severityFromMapping({ n: 5 }, 'low', [sev('n', '5', 'medium')])).toBe('medium');
    expect(severityFromMapping({ n: 5.5 }, 'low', [sev('n', '5.5', 'medium')])).toBe('low');
    expect(severityFromMapping({ n: true }, 'low', [sev('n', 'true', 'medium')])).toBe('low');
  });
  it('matches when any element of an array does', () => {
    expect(severityFromMapping({ tags: ['a', 'b'] }, 'low', [sev('tags', 'b', 'high')])).toBe('high');
  });
});

describe('risk_score_mapping (build_risk_score_from_mapping.ts)', () => {
  const map = (field: string) => [{ field, operator: 'equals' as const, value: '' }];
  it('takes the largest number 0-100 of the first entry\'s field, numeric strings included', () => {
    expect(riskScoreFromMapping({ s: [10, '90', 101, -1, 'x'] }, 21, map('s'))).toBe(90);
    expect(riskScoreFromMapping({ s: 55.5 }, 21, map('s'))).toBe(55.5);
  });
  it('counts an empty string as 0 (Number("") is 0), as Kibana does', () => {
    expect(riskScoreFromMapping({ s: '' }, 21, map('s'))).toBe(0);
  });
  it("keeps the rule's risk score when nothing counts, and reads only the first entry", () => {
    expect(riskScoreFromMapping({ s: 150 }, 21, map('s'))).toBe(21);
    expect(riskScoreFromMapping({ t: 50 }, 21, [...map('s'), ...map('t')])).toBe(21);
  });
});

describe('alert documents with fields from event values (transform_hit_to_alert.ts, build_alert.ts)', () => {
  const extra = {
    rule_name_override: 'message',
    severity_mapping: [sev('event.risk', 'bad', 'critical'), sev('event.risk', 'meh', 'medium')],
    risk_score_mapping: [{ field: 'event.score', operator: 'equals', value: '' }],
  };
  const a = alertOf(extra, { message: 'Named by the event', event: { risk: 'bad', score: '88' }, process: { name: 'lsmod' } });

  it('puts the overrides in kibana.alert.rule.name, kibana.alert.severity, kibana.alert.risk_score and the reason', () => {
    expect(a['kibana.alert.rule.name']).toBe('Named by the event');
    expect(a['kibana.alert.severity']).toBe('critical');
    expect(a['kibana.alert.risk_score']).toBe(88);
    expect(a['kibana.alert.reason']).toBe('event with process lsmod, created critical alert Named by the event.');
  });

  it("keeps the rule's own severity and risk score under kibana.alert.rule.*", () => {
    expect(a['kibana.alert.rule.severity']).toBe('low');
    expect(a['kibana.alert.rule.risk_score']).toBe(21);
    expect(a['kibana.alert.rule.rule_name_override']).toBe('message');
  });

  it('shows severity_mapping sorted low to critical, as Kibana leaves it after sorting it in place', () => {
    const sorted = [sev('event.risk', 'meh', 'medium'), sev('event.risk', 'bad', 'critical')];
    expect(a['kibana.alert.rule.severity_mapping']).toEqual(sorted);
    expect(a['kibana.alert.rule.parameters']).toMatchObject({ severity_mapping: sorted, risk_score_mapping: extra.risk_score_mapping, rule_name_override: 'message' });
  });

  it('writes building_block_type as kibana.alert.building_block_type and in the rule fields', () => {
    const b = alertOf({ building_block_type: 'default' }, {});
    expect(b['kibana.alert.building_block_type']).toBe('default');
    expect(b['kibana.alert.rule.building_block_type']).toBe('default');
    expect(b['kibana.alert.rule.parameters']).toMatchObject({ building_block_type: 'default' });
    expect(alertOf({}, {})).not.toHaveProperty('kibana.alert.building_block_type');
  });

  it('carries investigation_fields into the parameters, migrating the legacy array form', () => {
    expect(alertOf({ investigation_fields: { field_names: ['host.name'] } }, {})['kibana.alert.rule.parameters']).toMatchObject({ investigation_fields: { field_names: ['host.name'] } });
    expect(alertOf({ investigation_fields: ['user.name'] }, {})['kibana.alert.rule.parameters']).toMatchObject({ investigation_fields: { field_names: ['user.name'] } });
  });

  it('flattens meta under kibana.alert.rule.meta and carries actions, namespace and timeline', () => {
    const c = alertOf({ meta: { from: '1m', kibana_siem_app_url: 'u' }, namespace: 'ns', timeline_id: 't', timeline_title: 'T', actions: [{ group: 'default', id: 'x', action_type_id: '.email', params: {} }] }, {});
    expect(c).toMatchObject({ 'kibana.alert.rule.meta.from': '1m', 'kibana.alert.rule.meta.kibana_siem_app_url': 'u', 'kibana.alert.rule.namespace': 'ns', 'kibana.alert.rule.timeline_id': 't', 'kibana.alert.rule.timeline_title': 'T' });
    expect(c['kibana.alert.rule.actions']).toEqual([{ group: 'default', id: 'x', action_type_id: '.email', params: {} }]);
  });
});

describe('laws of the mappings', () => {
  const severity = fc.constantFrom<SeverityMappingEntry['severity']>('low', 'medium', 'high', 'critical');
  const value = fc.constantFrom('a', 'b', '1', '2');
  const entry = fc.record({ field: fc.constantFrom('x', 'y', 'event.severity'), operator: fc.constant('equals' as const), value, severity });
  const eventValue = fc.oneof(value, fc.integer({ min: 0, max: 3 }), fc.array(fc.oneof(value, fc.integer({ min: 0, max: 3 })), { maxLength: 3 }));
  const source = fc.record({ x: eventValue, y: eventValue, event: fc.record({ severity: eventValue }) });
  const RANK = { low: 0, medium: 1, high: 2, critical: 3 } as const;

  it('severity_mapping: the order of the entries never changes the result, which is the rule\'s or the highest matching one', () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 6 }), source, severity, (mapping, src, own) => {
        const result = severityFromMapping(src, own, mapping);
        expect(severityFromMapping(src, own, [...mapping].reverse())).toBe(result);
        const matching = mapping.filter((m) => severityFromMapping(src, 'low', [m]) === m.severity && severityFromMapping(src, 'critical', [m]) === m.severity);
        if (matching.length === 0) expect(result).toBe(own);
        else expect(RANK[result]).toBe(Math.max(...matching.map((m) => RANK[m.severity])));
      }),
    );
  });

  it('risk_score_mapping: the result is the rule\'s risk score or one of the field\'s values in 0-100, the largest, whatever their order', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: -10, max: 110 }), fc.integer({ min: -10, max: 110 }).map(String)), { maxLength: 5 }), (values) => {
        const mapping = [{ field: 's', operator: 'equals' as const, value: '' }];
        const result = riskScoreFromMapping({ s: values }, 21, mapping);
        expect(riskScoreFromMapping({ s: [...values].reverse() }, 21, mapping)).toBe(result);
        const valid = values.map(Number).filter((n) => n >= 0 && n <= 100);
        expect(result).toBe(valid.length > 0 ? Math.max(...valid) : 21);
      }),
    );
  });
});
