/**
 * The scanner against a brute-force reference written straight from Kibana's new_terms executor
 * (elastic/kibana, x-pack/solutions/security/plugins/security_solution/server/lib/detection_engine/rule_types/new_terms/create_new_terms_alert_type.ts): every run, every tuple, every event, no clusters, no indexes.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { SourceEvent } from '../../src/io/types.js';
import { eventIdentity, newTermsAlertId } from '../../src/engine/alert-id.js';
import { ev, RULE_UUID, scan, DAY, MIN } from './helpers.js';

const I = 5 * MIN;
const L = 9 * MIN;
const W = 14 * DAY;
const B = Date.parse('2024-05-14T10:00:00.000Z');

function timeOf(e: SourceEvent): number {
  const evt = e.source.event as { ingested?: string };
  return Date.parse(evt.ingested ?? (e.source['@timestamp'] as string));
}

function terms(v: unknown): string[] {
  const list = (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string');
  return [...new Set(list)];
}

function combos(e: SourceEvent): string[][] {
  const p = e.source.process as { executable?: unknown; parent?: { executable?: unknown } };
  const out: string[][] = [];
  for (const a of terms(p.executable)) for (const b of terms(p.parent?.executable)) out.push([a, b]);
  return out;
}

const byteOrder = (x: string[], y: string[]): number => {
  for (let i = 0; i < x.length; i++) {
    const c = Buffer.compare(Buffer.from(x[i]!, 'utf8'), Buffer.from(y[i]!, 'utf8'));
    if (c !== 0) return c;
  }
  return 0;
};

/** Tuples of a run per getRuleRangeTuples, oldest first. */
function tuplesOf(t: number, prev: number | null): Array<[number, number]> {
  const gap = prev === null ? 0 : t - prev - L;
  const catchup = gap > 0 ? Math.min(Math.ceil(gap / I), 4) : 0;
  const out: Array<[number, number]> = [];
  for (let j = catchup; j >= 0; j--) out.push([t - L - j * I, t - j * I]);
  return out;
}

function reference(events: SourceEvent[], runs: number[], maxSignals: number): Array<[string, string, string[]]> {
  const emitted = new Set<string>();
  const alerts: Array<[string, string, string[]]> = [];
  let prev: number | null = null;
  for (const t of runs) {
    for (const [from, to] of tuplesOf(t, prev)) {
      const H = to - W;
      const keys = new Map<string, string[]>();
      for (const e of events) {
        const T = timeOf(e);
        if (T >= from && T <= to) for (const c of combos(e)) keys.set(JSON.stringify(c), c);
      }
      const cands: Array<{ c: string[]; id: string }> = [];
      for (const [key, c] of keys) {
        let best: SourceEvent | undefined;
        for (const e of events) {
          const T = timeOf(e);
          if (T < H || T > to || !combos(e).some((x) => JSON.stringify(x) === key)) continue;
          if (!best || T < timeOf(best)) best = e;
        }
        if (best && timeOf(best) > from) {
          const idn = eventIdentity(best);
          cands.push({ c, id: newTermsAlertId(idn.index, idn.id, 'default', RULE_UUID, c) });
        }
      }
      cands.sort((x, y) => byteOrder(x.c, y.c));
      const fresh = cands.filter((x) => !emitted.has(x.id));
      for (const x of fresh.slice(0, maxSignals)) {
        emitted.add(x.id);
        alerts.push([new Date(t).toISOString(), x.id, x.c]);
      }
    }
    prev = t;
  }
  return alerts;
}

const VALUES = ['/a', '/b', '\u{1F600}', '\uFFFD', ''];
const valueArb = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...VALUES) },
  { weight: 2, arbitrary: fc.array(fc.constantFrom(...VALUES), { minLength: 1, maxLength: 3 }) },
  { weight: 1, arbitrary: fc.constant(undefined) },
);
const offsetArb = fc
  .record({
    day: fc.constantFrom(0, 0, 0, 13, 14, 15),
    // Multiples of 5 minutes and whole minutes make events land exactly on window and history edges.
    minute: fc.oneof(fc.integer({ min: 0, max: 40 }), fc.constantFrom(0, 5, 9, 10, 14, 15)),
    ms: fc.constantFrom(0, 0, 0, 1, 30_000, 59_999),
  })
  .map((o) => o.day * DAY + o.minute * MIN + o.ms);
const eventArb = fc.record({
  at: offsetArb,
  ingestDelay: fc.option(fc.constantFrom(0, 1, 3 * MIN), { nil: undefined }),
  exe: valueArb,
  parent: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('/p', '/q') }, { weight: 1, arbitrary: valueArb }),
  id: fc.option(fc.constantFrom('x1', 'x2', 'x3', 'x4'), { nil: undefined }),
});

type EventSpec = typeof eventArb extends fc.Arbitrary<infer T> ? T : never;

function build(specs: EventSpec[]): SourceEvent[] {
  return specs.map((s) =>
    ev({
      ts: B + s.at,
      ingested: s.ingestDelay === undefined ? undefined : B + s.at + s.ingestDelay,
      exe: s.exe,
      parent: s.parent,
      ...(s.id ? { id: s.id, index: 'idx' } : {}),
    }),
  );
}

function regularRuns(start: number, end: number): number[] {
  const out = [start];
  while (out[out.length - 1]! < end) out.push(out[out.length - 1]! + I);
  return out;
}

describe('scanner equals the brute-force reference', () => {
  it('on random timelines with default start and end', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { minLength: 1, maxLength: 12 }), fc.constantFrom(1, 2, 3, 100), (specs, maxSignals) => {
        const events = build(specs);
        const times = events.map(timeOf);
        const runs = regularRuns(Math.min(...times), Math.max(...times));
        const got = scan(events, { maxSignals }).alerts.map((a) => [a['@timestamp'], a['kibana.alert.uuid'], a['kibana.alert.new_terms']]);
        expect(got).toEqual(reference(events, runs, maxSignals));
      }),
      { numRuns: 150 },
    );
  });

  it('on random timelines with an explicit start (earlier events are history)', () => {
    fc.assert(
      fc.property(
        fc.array(eventArb, { minLength: 1, maxLength: 10 }),
        fc.integer({ min: -10, max: 30 }),
        fc.integer({ min: 0, max: 20 }),
        fc.constantFrom(1, 2, 100),
        (specs, startMin, lenMin, maxSignals) => {
          const events = build(specs);
          const start = B + 14 * DAY + startMin * MIN;
          const end = start + lenMin * MIN;
          const got = scan(events, { maxSignals, start: new Date(start), end: new Date(end) }).alerts.map((a) => [
            a['@timestamp'],
            a['kibana.alert.uuid'],
            a['kibana.alert.new_terms'],
          ]);
          expect(got).toEqual(reference(events, regularRuns(start, end), maxSignals));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('on random explicit run times with catch-up windows', () => {
    fc.assert(
      fc.property(
        fc.array(eventArb, { minLength: 1, maxLength: 10 }),
        fc.uniqueArray(fc.integer({ min: 0, max: 14 * 24 * 12 + 12 }), { minLength: 1, maxLength: 8 }),
        fc.constantFrom(1, 2, 100),
        (specs, slots, maxSignals) => {
          const events = build(specs);
          // Run times on a 2.5-minute grid so gaps of every size (and none) occur.
          const runs = [...slots].sort((a, b) => a - b).map((k) => B + k * 150_000);
          const got = scan(events, { maxSignals, runs: runs.map((t) => new Date(t)) }).alerts.map((a) => [
            a['@timestamp'],
            a['kibana.alert.uuid'],
            a['kibana.alert.new_terms'],
          ]);
          expect(got).toEqual(reference(events, runs, maxSignals));
        },
      ),
      { numRuns: 150 },
    );
  });
});
