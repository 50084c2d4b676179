/**
 * The fate module against a brute-force reading of the spec, event by event and combination by
 * combination, and against the engine's own alerts (every alert is exactly one `alerted` fate).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { SourceEvent } from '../../src/io/types.js';
import { createFateTracer, type EventFate, type FateResult } from '../../src/engine/fate.js';
import type { ScanOptions } from '../../src/engine/scan.js';
import { ev, RULE, RULE_UUID, DAY, MIN } from './helpers.js';
import { I, referenceFates, timeOf, type RefFate } from './fate-reference.js';

const B = Date.parse('2024-05-14T10:00:00.000Z');

const VALUES = ['/a', '/b', '\u{1F600}', ''];
const valueArb = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...VALUES) },
  { weight: 2, arbitrary: fc.array(fc.constantFrom(...VALUES), { minLength: 1, maxLength: 3 }) },
  { weight: 1, arbitrary: fc.constant(undefined) },
);
const offsetArb = fc
  .record({
    day: fc.constantFrom(0, 0, 0, 13, 14, 15),
    minute: fc.oneof(fc.integer({ min: 0, max: 40 }), fc.constantFrom(0, 5, 9, 10, 14, 15)),
    ms: fc.constantFrom(0, 0, 0, 1, 30_000, 59_999),
  })
  .map((o) => o.day * DAY + o.minute * MIN + o.ms);
const eventArb = fc.record({
  at: offsetArb,
  ingestDelay: fc.option(fc.constantFrom(0, 1, 3 * MIN), { nil: undefined }),
  exe: valueArb,
  parent: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('/p', '/q') }, { weight: 1, arbitrary: valueArb }),
  // Shared ids make distinct events one Elasticsearch document: the duplicate paths.
  id: fc.option(fc.constantFrom('x1', 'x2', 'x3'), { nil: undefined }),
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

function trace(events: SourceEvent[], opts: Partial<ScanOptions>): FateResult {
  const t = createFateTracer(RULE, { mode: 'new_terms', ruleUuid: RULE_UUID, now: new Date('2024-06-01T00:00:00Z'), ...opts });
  for (const e of events) t.add(e);
  return t.finish();
}

/** The module's fate in the reference's terms (witnesses by seq). */
function asRef(f: EventFate): RefFate | { kind: string } {
  switch (f.kind) {
    case 'already-alerted':
      return { kind: f.kind, window: f.window, alertId: f.alertId, bySeq: f.by?.seq ?? -1 };
    case 'not-new':
      return { kind: f.kind, window: f.window, witnessSeq: f.firstSeen.seq ?? -1 };
    case 'no-terms':
      return { kind: f.kind };
    default:
      return f;
  }
}

function check(events: SourceEvent[], runs: number[], maxSignals: number, opts: Partial<ScanOptions>, mode: 'new_terms' | 'query' = 'new_terms'): void {
  const got = trace(events, { maxSignals, mode, ...opts });
  const ref = referenceFates(events, runs, maxSignals, mode);
  // The engine's alerts are the reference's, and each is exactly one alerted fate of ours.
  expect(got.scan.alerts.map((a) => [a['@timestamp'], a['kibana.alert.uuid']])).toEqual(ref.alerts);
  const alertedIds = got.fates.flatMap((r) => (mode === 'new_terms' ? r.terms.map((t) => t.fate) : [r.fate])).flatMap((f) => (f.kind === 'alerted' ? [f.alertId] : []));
  expect(alertedIds.sort()).toEqual(got.scan.alerts.map((a) => a['kibana.alert.uuid']).sort());
  got.fates.forEach((r, i) => {
    const want = ref.events[i]!;
    expect({ seq: r.seq, fate: asRef(r.fate), terms: r.terms.map((t) => ({ values: t.values, fate: asRef(t.fate) })) }).toEqual({ seq: i, ...want });
    expect(r.time).toBe(new Date(timeOf(events[i]!)).toISOString());
  });
}

describe('per-event fate equals the brute-force reference and the engine', () => {
  it('with start and end from the data', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { minLength: 1, maxLength: 12 }), fc.constantFrom(1, 2, 100), (specs, maxSignals) => {
        const events = build(specs);
        const times = events.map(timeOf);
        check(events, regularRuns(Math.min(...times), Math.max(...times)), maxSignals, {});
      }),
      { numRuns: 80 },
    );
  });

  it('with an explicit start and end (events before the first run are history, some after the last are outside)', () => {
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
          check(events, regularRuns(start, end), maxSignals, { start: new Date(start), end: new Date(end) });
        },
      ),
      { numRuns: 80 },
    );
  });

  it('with explicit run times and catch-up windows', () => {
    fc.assert(
      fc.property(
        fc.array(eventArb, { minLength: 1, maxLength: 10 }),
        fc.uniqueArray(fc.integer({ min: 0, max: 14 * 24 * 12 + 12 }), { minLength: 1, maxLength: 8 }),
        fc.constantFrom(1, 2, 100),
        (specs, slots, maxSignals) => {
          const events = build(specs);
          const runs = [...slots].sort((a, b) => a - b).map((k) => B + k * 150_000);
          check(events, runs, maxSignals, { runs: runs.map((t) => new Date(t)) });
        },
      ),
      { numRuns: 80 },
    );
  });

  it('in query mode (every event in a window is a candidate; duplicates by document id)', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { minLength: 1, maxLength: 12 }), fc.constantFrom(1, 2, 100), (specs, maxSignals) => {
        const events = build(specs);
        const times = events.map(timeOf);
        check(events, regularRuns(Math.min(...times), Math.max(...times)), maxSignals, {}, 'query');
      }),
      { numRuns: 80 },
    );
  });
});
