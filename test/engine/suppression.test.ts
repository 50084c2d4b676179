/**
 * Alert suppression (rule parameter `alert_suppression`) pinned to Kibana's implementation: query
 * rules per execution and over a duration (rule_types/query/alert_suppression/group_and_bulk_create.ts
 * + rule_registry alertWithSuppression), both missing-field strategies, new_terms rules
 * (wrap_suppressed_new_terms_alerts.ts), the ids, and the state that carries a duration across
 * invocations. The S3 reproduction of issue 17 runs the whole pipeline on the published rule.
 */
import { join } from 'node:path';
import objectHash from 'object-hash';
import { describe, expect, it } from 'vitest';
import type { AlertSuppression } from '../../src/rule/alert-suppression.js';
import type { Rule } from '../../src/rule/schema.js';
import { loadRuleFile } from '../../src/rule/load.js';
import { createScanner, type ScanOptions, type ScanResult } from '../../src/engine/scan.js';
import type { SourceEvent } from '../../src/io/types.js';
import { ROOT } from '../cli/run-cli.js';
import { scanInProcess } from '../support/scan-in-process.js';
import { at, ev, MIN, RULE, RULE_UUID } from './helpers.js';

const S3_RULE = join(ROOT, 'fixtures/rules/credential_access_credentials_in_s3_bucket.toml');
const S3_EVENTS = join(ROOT, 'fixtures/suppression/s3-credential-files.ndjson');

function queryRule(s: AlertSuppression): Rule {
  return { ...RULE, type: 'query', alert_suppression: s };
}

/** A matching event at `t` (event.ingested and @timestamp) with the given host.name / user.name. */
function hit(t: number, host: string | string[] | undefined, opts: { user?: string; id?: string; exe?: string } = {}): SourceEvent {
  const extra: Record<string, unknown> = {};
  if (host !== undefined) extra.host = { name: host };
  if (opts.user !== undefined) extra.user = { name: opts.user };
  return ev({ ts: t, ingested: t, exe: opts.exe ?? '/usr/bin/lsmod', parent: '/bin/bash', id: opts.id ?? `e-${t}-${JSON.stringify(host)}-${opts.user ?? ''}`, index: 'logs-endpoint.events.process-default', extra });
}

function run(rule: Rule, events: SourceEvent[], opts: Partial<ScanOptions> = {}): ScanResult {
  const s = createScanner(rule, { mode: rule.type, ruleUuid: RULE_UUID, now: new Date('2024-06-01T00:00:00Z'), ...opts });
  for (const e of events) s.add(e);
  return s.finish();
}

const T0 = at('2024-05-20T10:00:00.000Z');
const docsCount = (r: ScanResult): unknown[] => r.alerts.map((a) => a['kibana.alert.suppression.docs_count']);

describe('issue 17 reproduction: AWS S3 Credential File Retrieved from Bucket', () => {
  it('writes one alert with docs_count 2 for three retrievals from one source and account, where the unsuppressed rule writes three', async () => {
    const rule = await loadRuleFile(S3_RULE);
    expect(rule.alert_suppression).toEqual({ group_by: ['source.ip', 'cloud.account.id'], duration: { value: 5, unit: 'm' }, missing_fields_strategy: 'suppress' });
    const r = await scanInProcess([S3_EVENTS], { rule });
    expect(r.matched).toBe(3);
    expect(r.alerts).toHaveLength(1);
    const a = r.alerts[0]!;
    const terms = [
      { field: 'source.ip', value: '198.51.100.7' },
      { field: 'cloud.account.id', value: '123456789012' },
    ];
    expect(a['kibana.alert.suppression.docs_count']).toBe(2);
    expect(a['kibana.alert.suppression.terms']).toEqual(terms);
    expect(a['kibana.alert.suppression.start']).toBe('2026-06-01T10:01:03.000Z');
    expect(a['kibana.alert.suppression.end']).toBe('2026-06-01T10:02:16.000Z');
    expect(a['kibana.alert.instance.id']).toBe(objectHash([terms, rule.rule_id, 'default']));
    expect(r.summary.suppressed).toBe(2);

    const { alert_suppression: _dropped, ...unsuppressed } = rule;
    const plain = await scanInProcess([S3_EVENTS], { rule: unsuppressed });
    expect(plain.alerts).toHaveLength(3);
    expect(plain.summary).not.toHaveProperty('suppressed');
  });
});

describe('query rule, suppression per rule execution (no duration)', () => {
  const rule = queryRule({ group_by: ['host.name'] });

  it('writes one alert per group per run, docs_count the other events of the group in that run', () => {
    // One run (the schedule starts at the last event): three events of host a, one of host b.
    const r = run(rule, [hit(T0 - 3 * MIN, 'a'), hit(T0 - 2 * MIN, 'b'), hit(T0 - MIN, 'a'), hit(T0, 'a')], { start: new Date(T0), end: new Date(T0) });
    expect(r.alerts.map((a) => a['kibana.alert.suppression.terms'])).toEqual([[{ field: 'host.name', value: 'a' }], [{ field: 'host.name', value: 'b' }]]);
    expect(docsCount(r)).toEqual([2, 0]);
    // The alert is the group's earliest event.
    expect(r.alerts[0]!['kibana.alert.original_time']).toBe(new Date(T0 - 3 * MIN).toISOString());
  });

  it('counts an event once although overlapping windows search it twice (bucket history), and alerts again in a later run', () => {
    // Runs every 5m over now-9m: the event at T0-1m is in the windows of runs T0 and T0+5m.
    const r = run(rule, [hit(T0 - MIN, 'a'), hit(T0 + 3 * MIN, 'a')], { start: new Date(T0), end: new Date(T0 + 5 * MIN) });
    expect(r.alerts.map((a) => a['@timestamp'])).toEqual([new Date(T0).toISOString(), new Date(T0 + 5 * MIN).toISOString()]);
    expect(docsCount(r)).toEqual([0, 0]);
  });

  it('derives the alert id from the first event, rule, terms and the bucket bounds (wrapSuppressedAlerts)', () => {
    const r = run(rule, [hit(T0 - 2 * MIN, 'a', { id: 'first' }), hit(T0, 'a', { id: 'second' })], { start: new Date(T0), end: new Date(T0) });
    const terms = [{ field: 'host.name', value: 'a' }];
    const expected = objectHash(['logs-endpoint.events.process-default', 'first', 'undefined', `default:${RULE_UUID}`, terms, new Date(T0 - 2 * MIN), new Date(T0)]);
    expect(r.alerts[0]!['kibana.alert.uuid']).toBe(expected);
    expect(r.alerts[0]!['kibana.alert.instance.id']).toBe(objectHash([terms, RULE_UUID, 'default']));
  });

  it('puts an event with two values of a group_by field in both groups (composite terms source)', () => {
    const r = run(rule, [hit(T0, ['a', 'b'])], { start: new Date(T0), end: new Date(T0) });
    expect(r.alerts.map((a) => a['kibana.alert.suppression.terms'])).toEqual([[{ field: 'host.name', value: 'a' }], [{ field: 'host.name', value: 'b' }]]);
  });
});

describe('query rule, suppression over a duration', () => {
  const rule = queryRule({ group_by: ['host.name'], duration: { value: 30, unit: 'm' } });

  it('updates the alert of the first run: docs_count counts every later event of the group, end moves to the latest', () => {
    const events = [hit(T0, 'a'), hit(T0 + 4 * MIN, 'a'), hit(T0 + 9 * MIN, 'a'), hit(T0 + 14 * MIN, 'a')];
    const r = run(rule, events, { start: new Date(T0), end: new Date(T0 + 15 * MIN) });
    expect(r.alerts).toHaveLength(1);
    const a = r.alerts[0]!;
    expect(a['kibana.alert.suppression.docs_count']).toBe(3);
    expect(a['kibana.alert.suppression.start']).toBe(new Date(T0).toISOString());
    expect(a['kibana.alert.suppression.end']).toBe(new Date(T0 + 14 * MIN).toISOString());
    expect(a['kibana.alert.last_detected']).toBe(new Date(T0 + 15 * MIN).toISOString());
    expect(a['kibana.alert.start']).toBe(new Date(T0).toISOString());
  });

  it('writes a new alert once the duration since the alert was created has passed', () => {
    const events = [hit(T0, 'a'), hit(T0 + 40 * MIN, 'a')];
    const r = run(rule, events, { start: new Date(T0), end: new Date(T0 + 40 * MIN) });
    expect(r.alerts).toHaveLength(2);
    expect(docsCount(r)).toEqual([0, 0]);
  });

  it('continues the duration across invocations through the state: the later invocation updates the earlier alert', () => {
    const first = run(rule, [hit(T0, 'a')], { start: new Date(T0), end: new Date(T0) });
    expect(first.alerts).toHaveLength(1);
    expect(first.state.suppression?.alerts).toHaveLength(1);
    const second = run(rule, [hit(T0 + 4 * MIN, 'a'), hit(T0 + 9 * MIN, 'a')], { end: new Date(T0 + 10 * MIN), state: { file: 'mem', state: first.state } });
    expect(second.alerts).toHaveLength(0);
    expect(second.updates).toEqual([
      {
        'kibana.alert.uuid': first.alerts[0]!['kibana.alert.uuid'],
        'kibana.alert.suppression.docs_count': 2,
        'kibana.alert.suppression.start': new Date(T0).toISOString(),
        'kibana.alert.suppression.end': new Date(T0 + 9 * MIN).toISOString(),
        'kibana.alert.last_detected': new Date(T0 + 10 * MIN).toISOString(),
      },
    ]);
    expect(second.summary.suppressed).toBe(2);
    // One invocation over all the events agrees.
    const whole = run(rule, [hit(T0, 'a'), hit(T0 + 4 * MIN, 'a'), hit(T0 + 9 * MIN, 'a')], { start: new Date(T0), end: new Date(T0 + 10 * MIN) });
    expect(docsCount(whole)).toEqual([2]);
  });

  it('refuses a state written for the rule without suppression', () => {
    const plain = run({ ...RULE, type: 'query' }, [hit(T0, 'a')], { start: new Date(T0), end: new Date(T0) });
    expect(() => run(rule, [hit(T0 + 5 * MIN, 'a')], { state: { file: 'mem', state: plain.state } })).toThrow(/alert_suppression/);
  });
});

describe('missing_fields_strategy', () => {
  const events = () => [hit(T0 - 2 * MIN, undefined, { id: 'm1' }), hit(T0 - MIN, undefined, { id: 'm2' }), hit(T0, 'a', { id: 'x' })];

  it('suppress (the default): events without the field form one group whose term is null, ordered last', () => {
    const r = run(queryRule({ group_by: ['host.name'] }), events(), { start: new Date(T0), end: new Date(T0) });
    expect(r.alerts.map((a) => a['kibana.alert.suppression.terms'])).toEqual([[{ field: 'host.name', value: 'a' }], [{ field: 'host.name', value: null }]]);
    expect(docsCount(r)).toEqual([0, 1]);
  });

  it('doNotSuppress: each event without the field is a plain alert (no suppression fields, the query alert id), written first', () => {
    const r = run(queryRule({ group_by: ['host.name'], missing_fields_strategy: 'doNotSuppress' }), events(), { start: new Date(T0), end: new Date(T0) });
    expect(r.alerts).toHaveLength(3);
    expect(r.alerts.slice(0, 2).map((a) => a['kibana.alert.suppression.docs_count'])).toEqual([undefined, undefined]);
    expect(r.alerts.slice(0, 2).map((a) => a['kibana.alert.ancestors'])).toEqual(['m1', 'm2'].map((id) => [{ id, type: 'event', index: 'logs-endpoint.events.process-default', depth: 0 }]));
    expect(r.alerts[2]!['kibana.alert.suppression.terms']).toEqual([{ field: 'host.name', value: 'a' }]);
  });
});

describe('max_signals with suppression (query)', () => {
  it('writes max_signals + 1 groups when there are more, and warns (groupAndBulkCreate wraps every bucket of the size max_signals + 1 page)', () => {
    const rule = { ...queryRule({ group_by: ['host.name'] }), max_signals: 2 };
    const r = run(rule, ['a', 'b', 'c', 'd'].map((h, i) => hit(T0 - i * 1000, h)), { start: new Date(T0), end: new Date(T0) });
    expect(r.alerts.map((a) => (a['kibana.alert.suppression.terms'] as Array<{ value: unknown }>)[0]!.value)).toEqual(['a', 'b', 'c']);
    expect(r.warnings.map((w) => w.message)).toEqual(['This rule reached the maximum alert limit for the rule execution. Some alerts were not created.']);
  });
});

describe('new_terms rule with suppression', () => {
  // The built-in rule: new terms of process.executable × process.parent.executable, 14 days of history.
  const rule = (s: AlertSuppression): Rule => ({ ...RULE, alert_suppression: s });

  it('suppresses the new-terms alerts of one group into the first, its terms the sorted field values', () => {
    const events = [hit(T0 - 3 * MIN, 'h1', { exe: '/usr/bin/lsmod' }), hit(T0 - 2 * MIN, 'h1', { exe: '/usr/bin/kmod' }), hit(T0 - MIN, 'h2', { exe: '/usr/bin/modinfo' })];
    const r = run(rule({ group_by: ['host.name'] }), events, { start: new Date(T0), end: new Date(T0) });
    expect(r.alerts.map((a) => a['kibana.alert.suppression.terms'])).toEqual([[{ field: 'host.name', value: ['h1'] }], [{ field: 'host.name', value: ['h2'] }]]);
    expect(docsCount(r)).toEqual([1, 0]);
    const h1 = r.alerts[0]!;
    // The alert keeps its new_terms id; it is the group's earliest event.
    expect(h1['kibana.alert.new_terms']).toEqual(['/usr/bin/lsmod', '/bin/bash']);
    expect(h1['kibana.alert.suppression.start']).toBe(new Date(T0 - 3 * MIN).toISOString());
    expect(h1['kibana.alert.suppression.end']).toBe(new Date(T0 - 2 * MIN).toISOString());
    expect(h1['kibana.alert.instance.id']).toBe(objectHash([[{ field: 'host.name', value: ['h1'] }], RULE_UUID, 'default']));
  });

  it('per execution: a later run writes a new alert for the same group; with a duration it updates the first', () => {
    const events = [hit(T0, 'h1', { exe: '/usr/bin/lsmod' }), hit(T0 + 4 * MIN, 'h1', { exe: '/usr/bin/kmod' })];
    const opts = { start: new Date(T0), end: new Date(T0 + 5 * MIN) };
    const perRun = run(rule({ group_by: ['host.name'] }), events, opts);
    expect(docsCount(perRun)).toEqual([0, 0]);
    const windowed = run(rule({ group_by: ['host.name'], duration: { value: 1, unit: 'h' } }), events, opts);
    expect(docsCount(windowed)).toEqual([1]);
  });

  it('stops a run once max_signals alerts are created, with the suppression variant of the warning (even at exactly max_signals)', () => {
    const events = ['h1', 'h2', 'h3'].map((h, i) => hit(T0 - (3 - i) * MIN, h, { exe: `/usr/bin/tool-${i}` }));
    const two = run({ ...rule({ group_by: ['host.name'] }), max_signals: 2 }, events, { start: new Date(T0), end: new Date(T0) });
    expect(two.alerts.map((a) => a['kibana.alert.suppression.terms'])).toEqual([[{ field: 'host.name', value: ['h1'] }], [{ field: 'host.name', value: ['h2'] }]]);
    const warning = 'This rule reached the maximum alert limit for the rule execution. Some alerts were not created or suppressed.';
    expect(two.warnings.map((w) => w.message)).toEqual([warning]);
    const three = run({ ...rule({ group_by: ['host.name'] }), max_signals: 3 }, events, { start: new Date(T0), end: new Date(T0) });
    expect(three.alerts).toHaveLength(3);
    expect(three.warnings.map((w) => w.message)).toEqual([warning]);
    const four = run({ ...rule({ group_by: ['host.name'] }), max_signals: 4 }, events, { start: new Date(T0), end: new Date(T0) });
    expect(four.warnings).toEqual([]);
  });

  it('doNotSuppress: a new term without the group_by field is a plain new_terms alert', () => {
    const events = [hit(T0 - 2 * MIN, undefined, { exe: '/usr/bin/lsmod' }), hit(T0 - MIN, undefined, { exe: '/usr/bin/kmod' })];
    const suppress = run(rule({ group_by: ['host.name'] }), events, { start: new Date(T0), end: new Date(T0) });
    expect(docsCount(suppress)).toEqual([1]);
    expect(suppress.alerts[0]!['kibana.alert.suppression.terms']).toEqual([{ field: 'host.name', value: null }]);
    const plain = run(rule({ group_by: ['host.name'], missing_fields_strategy: 'doNotSuppress' }), events, { start: new Date(T0), end: new Date(T0) });
    expect(docsCount(plain)).toEqual([undefined, undefined]);
  });
});
