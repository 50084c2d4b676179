/**
 * The counting law of alert suppression: every matching event of the simulated runs is counted
 * exactly once, as an alert of its own or in one alert's docs_count, whatever the times, the groups,
 * the duration or the missing-field strategy (events with one value per field, fewer groups than
 * max_signals, every event inside some run's window).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createScanner } from '../../src/engine/scan.js';
import { createFateTracer } from '../../src/engine/fate.js';
import type { AlertSuppression } from '../../src/rule/alert-suppression.js';
import type { Rule } from '../../src/rule/schema.js';
import { ev, MIN, RULE, RULE_UUID } from './helpers.js';

const T0 = Date.parse('2024-05-20T10:00:00.000Z');

const arbSuppression: fc.Arbitrary<AlertSuppression> = fc.record(
  {
    group_by: fc.constant(['host.name']),
    duration: fc.record({ value: fc.integer({ min: 1, max: 40 }), unit: fc.constant('m' as const) }),
    missing_fields_strategy: fc.constantFrom('suppress' as const, 'doNotSuppress' as const),
  },
  { requiredKeys: ['group_by'] },
);

const arbEvents = fc.array(fc.record({ offset: fc.integer({ min: 0, max: 60 * 60 }), host: fc.constantFrom('a', 'b', 'c', undefined) }), { minLength: 1, maxLength: 40 });

type Spec = { offset: number; host: string | undefined };
const OPTS = { mode: 'query' as const, ruleUuid: RULE_UUID, start: new Date(T0), now: new Date('2024-06-01T00:00:00Z') };
const queryRule = (sup: AlertSuppression): Rule => ({ ...RULE, type: 'query', alert_suppression: sup });

/** Feeds the events of `specs` (one host.name value or none) to a scanner or a fate tracer. */
function feed(to: { add(e: ReturnType<typeof ev>): unknown }, specs: readonly Spec[]): void {
  specs.forEach((p, i) => {
    const t = T0 + p.offset * 1000;
    to.add(ev({ ts: t, ingested: t, exe: '/usr/bin/lsmod', parent: '/bin/bash', id: `e${i}`, index: 'logs-x', ...(p.host !== undefined && { extra: { host: { name: p.host } } }) }));
  });
}

describe('alert suppression counting law (query rule)', () => {
  it('alerts written + the sum of their docs_count = matching events', () => {
    fc.assert(
      fc.property(arbSuppression, arbEvents, (sup, specs) => {
        const s = createScanner(queryRule(sup), OPTS);
        feed(s, specs);
        const r = s.finish();
        const counted = r.alerts.reduce((n, a) => n + 1 + Number(a['kibana.alert.suppression.docs_count'] ?? 0), 0);
        expect(counted).toBe(specs.length);
        expect(r.summary.alerts + (r.summary.suppressed ?? 0)).toBe(specs.length);
      }),
      { numRuns: 200, seed: 17 },
    );
  });

  it('explain’s fates agree: each event is the source of an alert or suppressed into one, as many of each as alerts and docs_count', () => {
    fc.assert(
      fc.property(arbSuppression, arbEvents, (sup, specs) => {
        const tracer = createFateTracer(queryRule(sup), OPTS);
        feed(tracer, specs);
        const { scan, fates } = tracer.finish();
        const ids = new Set(scan.alerts.map((a) => a['kibana.alert.uuid']));
        const kinds = fates.map((f) => f.fate.kind);
        expect(kinds.filter((k) => k !== 'alerted' && k !== 'suppressed')).toEqual([]);
        expect(kinds.filter((k) => k === 'alerted')).toHaveLength(scan.alerts.length);
        const docs = scan.alerts.reduce((n, a) => n + Number(a['kibana.alert.suppression.docs_count'] ?? 0), 0);
        expect(kinds.filter((k) => k === 'suppressed')).toHaveLength(docs);
        for (const f of fates) if (f.fate.kind === 'suppressed') expect(ids.has(f.fate.alertId)).toBe(true);
      }),
      { numRuns: 150, seed: 171 },
    );
  });
});
