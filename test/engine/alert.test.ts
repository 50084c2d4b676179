import { describe, expect, it } from 'vitest';
import { buildReason } from '../../src/engine/alert.js';
import { queryAlertId } from '../../src/engine/alert-id.js';
import { ev, RULE_UUID, scan } from './helpers.js';

const D = '2024-05-14T';

describe('alert documents', () => {
  it('wrap the source event with event.kind signal and flat kibana.alert keys', () => {
    const e = ev({
      ts: `${D}10:02:00.1234567Z`,
      exe: '/usr/bin/kmod',
      parent: '/usr/bin/bash',
      id: 'doc-1',
      index: '.ds-logs-endpoint.events.process-default-2024.05.14-000001',
      extra: { user: { name: 'ubuntu' }, host: { name: 'web-01' }, data_stream: { dataset: 'endpoint.events.process' } },
    });
    const [a] = scan([e], { start: new Date(`${D}10:05:00Z`) }).alerts;
    expect(a).toMatchObject({
      '@timestamp': '2024-05-14T10:05:00.000Z',
      'event.kind': 'signal',
      event: { category: ['process'] },
      'kibana.alert.original_time': '2024-05-14T10:02:00.123Z',
      'kibana.alert.original_event.kind': 'event',
      'kibana.alert.original_event.category': ['process'],
      'kibana.alert.original_data_stream.dataset': 'endpoint.events.process',
      'kibana.alert.new_terms': ['/usr/bin/kmod', '/usr/bin/bash'],
      'kibana.alert.ancestors': [{ id: 'doc-1', type: 'event', index: '.ds-logs-endpoint.events.process-default-2024.05.14-000001', depth: 0 }],
      'kibana.alert.depth': 1,
      'kibana.alert.severity': 'medium',
      'kibana.alert.risk_score': 47,
      'kibana.alert.status': 'active',
      'kibana.alert.workflow_status': 'open',
      'kibana.alert.rule.uuid': RULE_UUID,
      'kibana.alert.rule.rule_id': '2d8043ed-5bda-4caf-801c-c1feb7410504',
      'kibana.alert.rule.type': 'new_terms',
      'kibana.alert.rule.rule_type_id': 'siem.newTermsRule',
      'kibana.alert.rule.version': 210,
      'kibana.alert.rule.interval': '5m',
      'kibana.alert.rule.from': 'now-9m',
      'kibana.alert.rule.max_signals': 100,
      'kibana.space_ids': ['default'],
      'kibana.alert.reason':
        'process event with process lsmod, parent process bash, by ubuntu on web-01 created medium alert Enumeration of Kernel Modules.',
    });
    expect((a!.event as Record<string, unknown>).kind).toBeUndefined();
    expect(a!['kibana.alert.rule.parameters']).toMatchObject({
      type: 'new_terms',
      new_terms_fields: ['process.executable', 'process.parent.executable'],
      history_window_start: 'now-14d',
      timestamp_override: 'event.ingested',
    });
  });

  it('reason skips absent, "-" and numeric values and joins arrays', () => {
    expect(buildReason({ event: { category: ['process', 'start'] }, source: { port: 22 }, host: { name: '-' } }, 'low', 'R')).toBe(
      'process, start event created low alert R.',
    );
    expect(buildReason({ 'process.name': 'x', 'user.name': ['a', 'b'] }, 'high', 'R')).toBe('event with process x, by a, b created high alert R.');
  });
});

describe('query mode', () => {
  it('alerts on every matching event once, in the first run whose window holds it', () => {
    const events = [
      ev({ ts: `${D}10:07:00Z`, exe: '/a', parent: '/p', id: 'x2', index: 'i' }),
      ev({ ts: `${D}10:02:00Z`, exe: '/a', parent: '/p', id: 'x1', index: 'i' }),
      ev({ ts: `${D}10:03:00Z`, id: 'x3', index: 'i' }),
    ];
    const r = scan(events, { mode: 'query', start: new Date(`${D}10:00:00Z`) });
    expect(r.alerts.map((a) => [a['@timestamp'], (a['kibana.alert.ancestors'] as Array<{ id: string }>)[0]!.id])).toEqual([
      ['2024-05-14T10:05:00.000Z', 'x1'],
      ['2024-05-14T10:05:00.000Z', 'x3'],
      ['2024-05-14T10:10:00.000Z', 'x2'],
    ]);
    expect(r.alerts[0]!['kibana.alert.uuid']).toBe(queryAlertId('i', 'x1', 'default', RULE_UUID));
    expect(r.alerts[0]!['kibana.alert.rule.type']).toBe('query');
    expect(r.alerts[0]!['kibana.alert.new_terms']).toBeUndefined();
  });

  it('caps each run at max_signals in time order and picks the rest up in the overlapping run', () => {
    const events = [2, 3, 4].map((m, i) => ev({ ts: `${D}10:0${m}:00Z`, id: `q${i}`, index: 'i' }));
    const r = scan(events, { mode: 'query', start: new Date(`${D}10:00:00Z`), end: new Date(`${D}10:10:00Z`), maxSignals: 2 });
    expect(r.alerts.map((a) => a['@timestamp'].slice(11, 16))).toEqual(['10:05', '10:05', '10:10']);
    expect(r.summary.truncatedRuns).toBe(1);
  });
});
