/**
 * Kibana's own alert-suppression scenarios, replayed. The API integration tests of elastic/kibana
 * (x-pack/test/security_solution_api_integration/test_suites/detections_response/detection_engine/
 * rule_execution_logic/trial_license_complete_tier/execution_logic/new_terms_alert_suppression.ts and
 * query.ts, read via the code index) preview a rule over a few documents for a number of runs and
 * assert the suppression fields of the alerts written; the same documents and runs here must give
 * the same alerts. (Scenarios on Kibana's es_archives, whose data is not at hand, are left out.)
 */
import { describe, expect, it } from 'vitest';
import { createScanner } from '../../src/engine/scan.js';
import type { AlertSuppression } from '../../src/rule/alert-suppression.js';
import type { Rule } from '../../src/rule/schema.js';
import type { AlertDocument } from '../../src/engine/alert.js';
import { RULE, RULE_UUID } from './helpers.js';

const HISTORY = '2019-10-13T05:00:04.000Z';
const FIRST = '2020-10-28T05:45:00.000Z';
const SECOND = '2020-10-28T06:15:00.000Z';
const SECOND_10 = '2020-10-28T06:10:00.000Z';
const THIRD = '2020-10-28T06:45:00.000Z';

type Doc = Record<string, unknown>;
const doc = (ts: string, host: { name?: string; ip: string }, more: Doc = {}): Doc => ({ '@timestamp': ts, host, id: 'x', ...more });

function preview(s: AlertSuppression, docs: Doc[], runs: string[], extra: Partial<Rule> = {}): AlertDocument[] {
  const { timestamp_override: _t, ...base } = RULE;
  const rule: Rule = { ...base, new_terms_fields: ['host.ip'], history_window_start: HISTORY, from: 'now-35m', interval: '30m', alert_suppression: s, ...extra };
  const scanner = createScanner(rule, { mode: 'new_terms', ruleUuid: RULE_UUID, runs: runs.map((r) => new Date(r)), now: new Date('2020-10-28T07:00:00.000Z') });
  docs.forEach((source, i) => scanner.add({ source, index: 'ecs_compliant', id: `doc-${i}`, origin: { file: 'ftr', line: i + 1 } }));
  return scanner.finish().alerts;
}

const pick = (a: AlertDocument) => ({
  terms: a['kibana.alert.suppression.terms'],
  timestamp: a['@timestamp'],
  original: a['kibana.alert.original_time'],
  start: a['kibana.alert.suppression.start'],
  end: a['kibana.alert.suppression.end'],
  docs: a['kibana.alert.suppression.docs_count'],
});

const hostA = [{ field: 'host.name', value: ['host-a'] }];
const history = [doc(HISTORY, { name: 'host-a', ip: '127.0.0.1' })];

describe("Kibana's new_terms suppression scenarios", () => {
  it('suppresses alerts in the time window that covers 3 rule executions (2h): one alert, docs_count 3, last_detected the third run', () => {
    const docs = [doc(HISTORY, { name: 'host-0', ip: '127.0.0.1' }), doc(FIRST, { name: 'host-0', ip: '127.0.0.3' }), doc(FIRST, { name: 'host-0', ip: '127.0.0.4' }), doc(SECOND, { name: 'host-0', ip: '127.0.0.5' }), doc(THIRD, { name: 'host-0', ip: '127.0.0.7' })];
    const alerts = preview({ group_by: ['host.name'], duration: { value: 2, unit: 'h' }, missing_fields_strategy: 'suppress' }, docs, ['2020-10-28T06:00:00.000Z', '2020-10-28T06:30:00.000Z', '2020-10-28T07:00:00.000Z']);
    expect(alerts).toHaveLength(1);
    expect(pick(alerts[0]!)).toEqual({ terms: [{ field: 'host.name', value: ['host-0'] }], timestamp: '2020-10-28T06:00:00.000Z', original: FIRST, start: FIRST, end: THIRD, docs: 3 });
    expect(alerts[0]!['kibana.alert.last_detected']).toBe('2020-10-28T07:00:00.000Z');
    expect(alerts[0]!['kibana.alert.start']).toBe('2020-10-28T06:00:00.000Z');
  });

  it('does not suppress when the suppression period (20m) is shorter than the rule interval: two alerts', () => {
    const docs = [doc(HISTORY, { name: 'host-0', ip: '127.0.0.1' }), doc(FIRST, { name: 'host-0', ip: '127.0.0.3' }), doc('2020-10-28T06:15:00.000Z', { name: 'host-0', ip: '127.0.0.5' })];
    const alerts = preview({ group_by: ['host.name'], duration: { value: 20, unit: 'm' }, missing_fields_strategy: 'suppress' }, docs, ['2020-10-28T06:00:00.000Z', '2020-10-28T06:30:00.000Z']);
    expect(alerts.map(pick)).toEqual([
      { terms: [{ field: 'host.name', value: ['host-0'] }], timestamp: '2020-10-28T06:00:00.000Z', original: FIRST, start: FIRST, end: FIRST, docs: 0 },
      { terms: [{ field: 'host.name', value: ['host-0'] }], timestamp: '2020-10-28T06:30:00.000Z', original: SECOND, start: SECOND, end: SECOND, docs: 0 },
    ]);
  });

  it('suppresses by multiple group_by fields (host.name, agent.version): a keyword value of 1 is the term "1"', () => {
    const docs = [
      doc(HISTORY, { name: 'host-a', ip: '127.0.0.1' }, { 'agent.version': 1 }),
      doc(FIRST, { name: 'host-a', ip: '127.0.0.3' }, { 'agent.version': 1 }),
      doc(FIRST, { name: 'host-a', ip: '127.0.0.4' }, { 'agent.version': 2 }),
      doc(FIRST, { name: 'host-b', ip: '127.0.0.1' }, { 'agent.version': 2 }),
      doc(SECOND, { name: 'host-a', ip: '127.0.0.10' }, { 'agent.version': 1 }),
    ];
    const alerts = preview({ group_by: ['host.name', 'agent.version'], duration: { value: 2, unit: 'h' }, missing_fields_strategy: 'suppress' }, docs, ['2020-10-28T06:00:00.000Z', '2020-10-28T06:30:00.000Z']);
    expect(alerts.map(pick)).toEqual([
      { terms: [...hostA, { field: 'agent.version', value: ['1'] }], timestamp: '2020-10-28T06:00:00.000Z', original: FIRST, start: FIRST, end: SECOND, docs: 1 },
      { terms: [...hostA, { field: 'agent.version', value: ['2'] }], timestamp: '2020-10-28T06:00:00.000Z', original: FIRST, start: FIRST, end: FIRST, docs: 0 },
    ]);
  });

  it('suppresses by the timestamp override (event.ingested): a late document counts by its ingest time', () => {
    const docs = [...history, doc(FIRST, { name: 'host-a', ip: '127.0.0.2' }, { event: { ingested: FIRST } }), doc('2020-10-28T03:00:00.000Z', { name: 'host-a', ip: '127.0.0.3' }, { event: { ingested: SECOND_10 } })];
    const alerts = preview({ group_by: ['host.name'], duration: { value: 2, unit: 'h' }, missing_fields_strategy: 'suppress' }, docs, ['2020-10-28T06:00:00.000Z', '2020-10-28T06:30:00.000Z'], { timestamp_override: 'event.ingested' });
    expect(alerts.map(pick)).toEqual([{ terms: hostA, timestamp: '2020-10-28T06:00:00.000Z', original: FIRST, start: FIRST, end: SECOND_10, docs: 1 }]);
  });

  it('deduplicates alerts of documents seen again (from now-1h) while suppressing new ones: docs_count 4', () => {
    const docs = [
      ...history,
      doc(FIRST, { name: 'host-a', ip: '127.0.0.3' }),
      doc(FIRST, { name: 'host-a', ip: '127.0.0.4' }),
      doc(SECOND_10, { name: 'host-a', ip: '127.0.0.5' }),
      doc(SECOND_10, { name: 'host-a', ip: '127.0.0.6' }),
      doc(SECOND_10, { name: 'host-a', ip: '127.0.0.7' }),
    ];
    const alerts = preview({ group_by: ['host.name'], duration: { value: 300, unit: 'm' }, missing_fields_strategy: 'suppress' }, docs, ['2020-10-28T06:00:00.000Z', '2020-10-28T06:30:00.000Z'], { from: 'now-1h' });
    expect(alerts.map(pick)).toEqual([{ terms: hostA, timestamp: '2020-10-28T06:00:00.000Z', original: FIRST, start: FIRST, end: SECOND_10, docs: 4 }]);
  });

  const missingDocs = [
    ...history,
    doc(FIRST, { name: 'host-a', ip: '127.0.0.3' }),
    doc(FIRST, { name: 'host-a', ip: '127.0.0.4' }),
    doc(FIRST, { ip: '127.0.0.5' }),
    doc(FIRST, { ip: '127.0.0.6' }),
    doc(SECOND_10, { name: 'host-a', ip: '127.0.0.10' }),
    doc(SECOND_10, { ip: '127.0.0.11' }),
  ];

  it('suppresses alerts with missing fields into a group whose term is null', () => {
    const alerts = preview({ group_by: ['host.name'], duration: { value: 300, unit: 'm' }, missing_fields_strategy: 'suppress' }, missingDocs, ['2020-10-28T06:00:00.000Z', '2020-10-28T06:30:00.000Z']);
    expect(alerts.map(pick)).toEqual([
      { terms: hostA, timestamp: '2020-10-28T06:00:00.000Z', original: FIRST, start: FIRST, end: SECOND_10, docs: 2 },
      { terms: [{ field: 'host.name', value: null }], timestamp: '2020-10-28T06:00:00.000Z', original: FIRST, start: FIRST, end: SECOND_10, docs: 2 },
    ]);
  });

  it('does not suppress alerts with missing fields when configured so (doNotSuppress): 4 alerts, 3 without suppression fields', () => {
    const alerts = preview({ group_by: ['host.name'], duration: { value: 300, unit: 'm' }, missing_fields_strategy: 'doNotSuppress' }, missingDocs, ['2020-10-28T06:00:00.000Z', '2020-10-28T06:30:00.000Z']);
    expect(alerts).toHaveLength(4);
    const suppressed = alerts.filter((a) => a['kibana.alert.suppression.terms'] !== undefined);
    expect(suppressed.map(pick)).toEqual([{ terms: hostA, timestamp: '2020-10-28T06:00:00.000Z', original: FIRST, start: FIRST, end: SECOND_10, docs: 2 }]);
    for (const a of alerts.filter((x) => x['kibana.alert.suppression.terms'] === undefined)) {
      expect(a).toHaveProperty('id', 'x');
      expect(a).not.toHaveProperty(['kibana.alert.suppression.docs_count']);
      expect(a).not.toHaveProperty(['kibana.alert.suppression.end']);
    }
  });
});

describe("Kibana's custom query suppression scenarios (query.ts)", () => {
  const T = '2020-10-28T06:00:00.000Z';
  const LATER = '2020-10-28T07:00:00.000Z';
  const RUNS_2 = ['2020-10-28T06:30:00.000Z', '2020-10-28T07:30:00.000Z'];

  function previewQuery(s: AlertSuppression, docs: Doc[], runs: string[], extra: Partial<Rule> = {}): AlertDocument[] {
    const { timestamp_override: _t, ...base } = RULE;
    const rule: Rule = { ...base, type: 'query', from: 'now-1h', interval: '1h', alert_suppression: s, ...extra };
    const scanner = createScanner(rule, { mode: 'query', ruleUuid: RULE_UUID, runs: runs.map((r) => new Date(r)), now: new Date(LATER) });
    docs.forEach((source, i) => scanner.add({ source, index: 'ecs_compliant', id: `doc-${i}`, origin: { file: 'ftr', line: i + 1 } }));
    return scanner.finish().alerts;
  }
  const agent = (ts: string, name?: string, more: Doc = {}): Doc => ({ id: 'x', '@timestamp': ts, ...(name !== undefined && { agent: { name } }), ...more });
  const brief = (a: AlertDocument) => ({ terms: a['kibana.alert.suppression.terms'], original: a['kibana.alert.original_time'], start: a['kibana.alert.suppression.start'], end: a['kibana.alert.suppression.end'], docs: a['kibana.alert.suppression.docs_count'] });
  // Sorted as Kibana's tests sort (agent.name, nulls and unsuppressed alerts last).
  const termsKey = (a: AlertDocument): string => {
    const t = a['kibana.alert.suppression.terms'];
    return t === undefined ? '\uffff' : JSON.stringify(t).replace('null', '"\uffff"');
  };
  const byTerms = (alerts: AlertDocument[]) => [...alerts].sort((x, y) => (termsKey(x) < termsKey(y) ? -1 : termsKey(x) > termsKey(y) ? 1 : 0));
  const plain = (alerts: AlertDocument[]) => alerts.filter((a) => a['kibana.alert.suppression.terms'] === undefined);
  const dur300 = { value: 300, unit: 'm' as const };

  it('deduplicates with a timestamp override: a late document counts by event.ingested, and the second run (2h look-back) does not count the events again', () => {
    const docs = [agent(T, 'agent-1'), agent('2020-10-28T03:00:00.000Z', 'agent-1', { event: { ingested: '2020-10-28T06:10:00.000Z' } })];
    const alerts = previewQuery({ group_by: ['agent.name'], duration: dur300 }, docs, RUNS_2, { from: 'now-2h', timestamp_override: 'event.ingested' });
    expect(alerts.map(brief)).toEqual([{ terms: [{ field: 'agent.name', value: 'agent-1' }], original: T, start: T, end: '2020-10-28T06:10:00.000Z', docs: 1 }]);
  });

  it('creates and updates alerts in the same rule run', () => {
    const docs = [agent(T, 'agent-1'), agent(LATER, 'agent-1'), agent(LATER, 'agent-2')];
    const alerts = previewQuery({ group_by: ['agent.name'], duration: dur300 }, docs, RUNS_2, { timestamp_override: 'event.ingested', max_signals: 150 });
    expect(byTerms(alerts).map(brief)).toEqual([
      { terms: [{ field: 'agent.name', value: 'agent-1' }], original: T, start: T, end: LATER, docs: 1 },
      { terms: [{ field: 'agent.name', value: 'agent-2' }], original: LATER, start: LATER, end: LATER, docs: 0 },
    ]);
  });

  it('generates and updates up to max_signals alerts (150 groups, max_signals 150), keyed in string order', () => {
    const docs = [T, LATER].flatMap((t) => Array.from({ length: 150 }, (_, i) => agent(t, `agent-${i}`)));
    const alerts = previewQuery({ group_by: ['agent.name'], duration: dur300 }, docs, RUNS_2, { timestamp_override: 'event.ingested', max_signals: 150 });
    expect(alerts).toHaveLength(150);
    expect(alerts.every((a) => a['kibana.alert.suppression.docs_count'] === 1 && a['kibana.alert.suppression.end'] === LATER)).toBe(true);
    expect(alerts.map((a) => (a['kibana.alert.suppression.terms'] as Array<{ value: string }>)[0]!.value).at(-1)).toBe('agent-99');
  });

  it('creates no more than max_signals alerts with doNotSuppress: 1 suppressed + 99 unsuppressed of 150 documents missing the field', () => {
    const docs = [...Array.from({ length: 150 }, () => agent(T)), agent(T, 'agent-0'), agent(T, 'agent-0')];
    const alerts = previewQuery({ group_by: ['agent.name'], missing_fields_strategy: 'doNotSuppress' }, docs, ['2020-10-28T06:30:00.000Z'], { max_signals: 100 });
    expect(alerts).toHaveLength(100);
    expect(alerts.filter((a) => a['kibana.alert.suppression.terms'] !== undefined).map(brief)).toEqual([{ terms: [{ field: 'agent.name', value: 'agent-0' }], original: T, start: T, end: T, docs: 1 }]);
  });

  it('creates unsuppressed alerts for multiple fields when only some documents miss values: 3 suppressed + 5 unsuppressed', () => {
    const v = (name: string | undefined, version: string | undefined): Doc => ({ id: 'x', '@timestamp': T, ...((name ?? version) !== undefined && { agent: { ...(name && { name }), ...(version && { version }) } }) });
    const docs = [v('agent-0', 'filebeat'), v('agent-0', 'auditbeat'), v('agent-0', 'auditbeat'), v('agent-1', 'filebeat'), v('agent-1', 'filebeat'), v('agent-1', 'filebeat'), v('agent-2', undefined), v(undefined, 'filebeat'), v(undefined, 'filebeat'), v(undefined, undefined), v(undefined, undefined)];
    const alerts = previewQuery({ group_by: ['agent.name', 'agent.version'], missing_fields_strategy: 'doNotSuppress' }, docs, ['2020-10-28T06:30:00.000Z']);
    expect(alerts).toHaveLength(8);
    expect(alerts.filter((a) => a['kibana.alert.suppression.terms'] !== undefined).map((a) => [a['kibana.alert.suppression.terms'], a['kibana.alert.suppression.docs_count']])).toEqual([
      [[{ field: 'agent.name', value: 'agent-0' }, { field: 'agent.version', value: 'auditbeat' }], 1],
      [[{ field: 'agent.name', value: 'agent-0' }, { field: 'agent.version', value: 'filebeat' }], 0],
      [[{ field: 'agent.name', value: 'agent-1' }, { field: 'agent.version', value: 'filebeat' }], 2],
    ]);
    expect(plain(alerts)).toHaveLength(5);
  });

  describe('with a suppression time window over two runs', () => {
    const docs = [agent(T, 'agent-1'), agent(LATER, 'agent-1'), agent(LATER, 'agent-2'), agent(LATER, 'agent-2'), agent(T), agent(T), agent(LATER)];
    const counts = (alerts: AlertDocument[]) => byTerms(alerts).map((a) => [(a['kibana.alert.suppression.terms'] as Array<{ value: unknown }> | undefined)?.[0]?.value, a['kibana.alert.suppression.docs_count']]);

    it('suppress: 3 alerts, agent-1 (1), agent-2 (1) and the missing group (2)', () => {
      const alerts = previewQuery({ group_by: ['agent.name'], duration: dur300, missing_fields_strategy: 'suppress' }, docs, RUNS_2, { timestamp_override: 'event.ingested' });
      expect(counts(alerts)).toEqual([['agent-1', 1], ['agent-2', 1], [null, 2]]);
    });

    it('doNotSuppress: 5 alerts, agent-1 (1), agent-2 (1) and 3 unsuppressed', () => {
      const alerts = previewQuery({ group_by: ['agent.name'], duration: dur300, missing_fields_strategy: 'doNotSuppress' }, docs, RUNS_2, { timestamp_override: 'event.ingested' });
      expect(counts(alerts)).toEqual([['agent-1', 1], ['agent-2', 1], [undefined, undefined], [undefined, undefined], [undefined, undefined]]);
    });
  });
});
