/**
 * Alert suppression under --follow: a follower evaluating runs as they become final, in steps of any
 * size, ends with the batch scan's alerts once the updates it reported for alerts of earlier steps are
 * applied to them (Kibana's partial updates), and with the same state. The same holds for one scan
 * split into two invocations through the state.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createFollower } from '../../src/engine/follow.js';
import { createScanner, type ScanOptions } from '../../src/engine/scan.js';
import type { AlertSuppression } from '../../src/rule/alert-suppression.js';
import type { Rule } from '../../src/rule/schema.js';
import type { SourceEvent } from '../../src/io/types.js';
import type { AlertUpdate } from '../../src/engine/suppression-run.js';
import { ev, MIN, RULE, RULE_UUID } from './helpers.js';

const B = Date.parse('2024-05-14T10:00:00.000Z');
const NOW = new Date('2024-06-01T00:00:00Z');
const EXES = ['/usr/bin/kmod', '/usr/sbin/lsmod', '/sbin/modinfo'];

const supArb: fc.Arbitrary<AlertSuppression> = fc.record(
  {
    group_by: fc.constantFrom(['host.name'], ['host.name', 'user.name']),
    duration: fc.record({ value: fc.integer({ min: 1, max: 90 }), unit: fc.constant('m' as const) }),
    missing_fields_strategy: fc.constantFrom('suppress' as const, 'doNotSuppress' as const),
  },
  { requiredKeys: ['group_by'] },
);

const caseArb = fc.record({
  sup: supArb,
  mode: fc.constantFrom('new_terms' as const, 'query' as const),
  maxSignals: fc.constantFrom(1, 2, 100),
  pollEvery: fc.integer({ min: 1, max: 6 }),
  split: fc.double({ min: 0, max: 1, noNaN: true }),
  matches: fc.array(
    fc.record({
      minute: fc.integer({ min: 0, max: 120 }),
      exe: fc.integer({ min: 0, max: EXES.length - 1 }),
      host: fc.constantFrom('a', 'b', undefined),
      user: fc.constantFrom('u', undefined),
    }),
    { minLength: 1, maxLength: 30 },
  ),
});

type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

function eventsOf(c: Case): SourceEvent[] {
  return c.matches
    .map((m, i) => ({ t: B + m.minute * MIN + i, m, i }))
    .sort((x, y) => x.t - y.t)
    .map(({ t, m, i }) => {
      const extra: Record<string, unknown> = {};
      if (m.host !== undefined) extra.host = { name: m.host };
      if (m.user !== undefined) extra.user = { name: m.user };
      return ev({ ingested: t, exe: EXES[m.exe], parent: '/bin/bash', id: `e${i}`, index: 'logs-x', extra });
    });
}

function ruleOf(c: Case): Rule {
  return { ...RULE, alert_suppression: c.sup };
}

function applyUpdates(alerts: Record<string, unknown>[], updates: readonly AlertUpdate[]): void {
  for (const u of updates) {
    const a = alerts.find((x) => x['kibana.alert.uuid'] === u['kibana.alert.uuid']);
    expect(a, `update of an alert never written: ${u['kibana.alert.uuid']}`).toBeDefined();
    Object.assign(a!, u);
  }
}

function batch(c: Case, events: readonly SourceEvent[], extra: Partial<ScanOptions> = {}) {
  const s = createScanner(ruleOf(c), { mode: c.mode, maxSignals: c.maxSignals, ruleUuid: RULE_UUID, now: NOW, ...extra });
  for (const e of events) s.add(e);
  return s.finish();
}

describe('alert suppression under --follow and across --state invocations', () => {
  it('follow: the alerts written, updated as reported, are the batch scan’s; the state is the same', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const events = eventsOf(c);
        const b = batch(c, events);
        const f = createFollower(ruleOf(c), { mode: c.mode, maxSignals: c.maxSignals, ruleUuid: RULE_UUID, now: NOW, lateness: 0 });
        const alerts: Record<string, unknown>[] = [];
        let state: unknown;
        let suppressed: number | undefined;
        const take = (s: ReturnType<typeof f.poll>): void => {
          if (!s) return;
          applyUpdates(alerts, s.updates);
          alerts.push(...s.alerts.map((a) => ({ ...a })));
          state = s.state;
        };
        events.forEach((e, i) => {
          f.add(e);
          if (i % c.pollEvery === 0) take(f.poll());
        });
        const end = f.finish();
        take(end.step);
        suppressed = end.summary.suppressed;
        expect(alerts).toEqual(b.alerts);
        expect(suppressed).toBe(b.summary.suppressed);
        expect(state).toEqual(b.state);
      }),
      { numRuns: 150, seed: 1717 },
    );
  });

  it('two invocations through the state: the alerts of both, updated as the second reports, are the single scan’s', () => {
    let compared = 0;
    fc.assert(
      fc.property(caseArb, (c) => {
        const events = eventsOf(c);
        const whole = batch(c, events);
        const timeOf = (e: SourceEvent): number => Date.parse(String((e.source.event as { ingested: string }).ingested));
        const firstTime = timeOf(events[0]!);
        const lastTime = timeOf(events[events.length - 1]!);
        // The first invocation runs up to a run before the split; the second continues from its state,
        // given (as a follower is) the events later runs can still search: a window and 4 catch-up
        // intervals back. Ids already written and groups already counted are not written again.
        const lastRunOfFirst = firstTime + Math.floor((c.split * (lastTime - firstTime)) / (5 * MIN)) * 5 * MIN;
        if (lastRunOfFirst >= lastTime) return;
        const first = batch(c, events.filter((e) => timeOf(e) <= lastRunOfFirst), { start: new Date(firstTime), end: new Date(lastRunOfFirst) });
        const second = batch(c, events.filter((e) => timeOf(e) > lastRunOfFirst - 29 * MIN), { state: { file: 'mem', state: first.state }, end: new Date(lastTime) });
        const alerts = first.alerts.map((a) => ({ ...a }));
        applyUpdates(alerts, second.updates);
        alerts.push(...second.alerts);
        expect(alerts).toEqual(whole.alerts);
        expect((first.summary.suppressed ?? 0) + (second.summary.suppressed ?? 0)).toBe(whole.summary.suppressed);
        compared++;
      }),
      { numRuns: 150, seed: 1718 },
    );
    // Not vacuous: most cases split into two non-empty invocations.
    expect(compared).toBeGreaterThan(30);
  });
});
