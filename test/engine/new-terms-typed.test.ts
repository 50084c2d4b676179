import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createScanner } from '../../src/engine/scan.js';
import { newTermsAlertId } from '../../src/engine/alert-id.js';
import { parseMappingText } from '../../src/ecs/mapping-file.js';
import { parseRuleText } from '../../src/rule/load.js';
import type { SourceEvent } from '../../src/io/types.js';

const mapping = parseMappingText(readFileSync(new URL('../ecs/fixtures/new-terms-mapping.json', import.meta.url), 'utf8'), 'new-terms-mapping.json');

const ruleOn = (fields: string[]) =>
  parseRuleText(
    JSON.stringify({
      rule_id: 'nt', name: 'New terms', type: 'new_terms', language: 'kuery', query: '*', index: ['new_terms'],
      severity: 'low', risk_score: 21, from: 'now-6m', new_terms_fields: fields, history_window_start: 'now-7d',
    }),
    'rule.json',
  );

let line = 0;
const ev = (ts: string, source: Record<string, unknown>): SourceEvent => ({
  source: { '@timestamp': ts, ...source }, index: 'new_terms', id: `doc-${++line}`, origin: { file: 'e.ndjson', line },
});

function alertsOf(fields: string[], events: SourceEvent[], withTypes = true) {
  const s = createScanner(ruleOn(fields), {
    mode: 'new_terms', ruleUuid: 'r', start: new Date('2024-05-14T10:05:00Z'), end: new Date('2024-05-14T10:05:00Z'), now: new Date('2024-05-15T00:00:00Z'),
    ...(withTypes && { fieldTypes: mapping }),
  });
  for (const e of events) s.add(e);
  return s.finish().alerts;
}

describe('new_terms over typed fields (Kibana new_terms test index mapping)', () => {
  it('writes integer and boolean values as JSON numbers and booleans in kibana.alert.new_terms', () => {
    const events = [ev('2024-05-14T10:01:00Z', { user: { name: 'user-0', id: '1', enabled: 'false' } })];
    expect(alertsOf(['user.name', 'user.id'], events).map((a) => a['kibana.alert.new_terms'])).toEqual([['user-0', 1]]);
    expect(alertsOf(['user.name', 'user.enabled'], events).map((a) => a['kibana.alert.new_terms'])).toEqual([['user-0', false]]);
    // Without field types every field is a keyword, as before.
    expect(alertsOf(['user.name', 'user.id'], events, false).map((a) => a['kibana.alert.new_terms'])).toEqual([['user-0', '1']]);
  });

  it('hashes the alert id over the typed values, as Kibana hashes the bucket key', () => {
    const [a] = alertsOf(['user.name', 'user.id'], [ev('2024-05-14T10:01:00Z', { user: { name: 'user-0', id: 1 } })]);
    expect(a!['kibana.alert.uuid']).toBe(newTermsAlertId('new_terms', `doc-${line}`, 'default', 'r', ['user-0', 1]));
  });

  it('one term per doc value: 1, "1" and 1.5 on an integer field are one combination', () => {
    const events = [
      ev('2024-05-14T10:01:00Z', { user: { id: 1 } }),
      ev('2024-05-14T10:01:01Z', { user: { id: '1' } }),
      ev('2024-05-14T10:01:02Z', { user: { id: 1.5 } }),
    ];
    expect(alertsOf(['user.id'], events).map((a) => a['kibana.alert.new_terms'])).toEqual([[1]]);
  });

  it('writes ip values in Elasticsearch\'s text form and orders them by address', () => {
    const events = [
      ev('2024-05-14T10:01:00Z', { host: { ip: '2001:DB8::1' } }),
      ev('2024-05-14T10:01:01Z', { host: { ip: '10.0.0.2' } }),
      ev('2024-05-14T10:01:02Z', { host: { ip: '9.0.0.1' } }),
    ];
    expect(alertsOf(['host.ip'], events).map((a) => a['kibana.alert.new_terms'])).toEqual([['9.0.0.1'], ['10.0.0.2'], ['2001:db8::1']]);
  });

  it('orders integer terms numerically when max_signals cuts a run', () => {
    const events = [10, 9, 100].map((id, i) => ev(`2024-05-14T10:01:0${i}Z`, { user: { id } }));
    const s = createScanner(ruleOn(['user.id']), {
      mode: 'new_terms', ruleUuid: 'r', start: new Date('2024-05-14T10:05:00Z'), end: new Date('2024-05-14T10:05:00Z'), now: new Date('2024-05-15T00:00:00Z'),
      fieldTypes: mapping, maxSignals: 2,
    });
    for (const e of events) s.add(e);
    expect(s.finish().alerts.map((a) => a['kibana.alert.new_terms'])).toEqual([[9], [10]]);
  });
});
