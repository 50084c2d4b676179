/**
 * --follow against the batch scan: whenever no event arrives more than `lateness` behind the newest
 * one seen, following the stream (runs evaluated as they become final, in steps of any size) writes
 * exactly the batch scan's alerts (ids and documents), warnings and errors, ends with the same state
 * and the same summary.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createFollower, type FollowOptions } from '../../src/engine/follow.js';
import type { ScanOptions } from '../../src/engine/scan.js';
import type { SourceEvent } from '../../src/io/types.js';
import { ev, MIN, RULE, RULE_UUID, scan } from './helpers.js';

const B = Date.parse('2024-05-14T10:00:00.000Z');
const NOW = new Date('2024-06-01T00:00:00Z');

/** One input line: a matching event, or a line the reader passed over that only tells a time. */
type Arrival = { kind: 'match'; event: SourceEvent } | { kind: 'seen'; time: number };

interface Case {
  arrivals: Arrival[];
  /** After which arrivals the follower is polled (the reader's batch boundaries). */
  polls: Set<number>;
  lateness: number;
  opts: Omit<ScanOptions, 'state'>;
}

const EXES = ['/usr/bin/kmod', '/usr/sbin/lsmod', '/sbin/modinfo'];
const PARENTS = ['/usr/bin/bash', '/usr/bin/sudo'];

/**
 * Events with times in a few hours; each arrives at time + a delay of at most `lateness`, so the
 * newest time seen before it is never more than `lateness` ahead of its own.
 */
const caseArb: fc.Arbitrary<Case> = fc
  .record({
    lateness: fc.constantFrom(0, 30_000, 5 * MIN, 20 * MIN),
    mode: fc.constantFrom('new_terms' as const, 'query' as const),
    maxSignals: fc.constantFrom(1, 2, 100),
    withStart: fc.boolean(),
    matches: fc.array(
      fc.record({
        minute: fc.integer({ min: 0, max: 240 }),
        ms: fc.integer({ min: 0, max: 59_999 }),
        exe: fc.integer({ min: 0, max: EXES.length - 1 }),
        parent: fc.integer({ min: 0, max: PARENTS.length - 1 }),
        delay: fc.double({ min: 0, max: 1, noNaN: true }),
      }),
      { minLength: 1, maxLength: 40 },
    ),
    timeless: fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 3 }),
    seen: fc.array(fc.record({ frac: fc.double({ min: 0, max: 1, noNaN: true }), delay: fc.double({ min: 0, max: 1, noNaN: true }) }), { maxLength: 30 }),
    pollEvery: fc.integer({ min: 1, max: 8 }),
  })
  .map((r) => {
    type Keyed = { key: number; arrival: Arrival };
    const keyed: Keyed[] = [];
    let maxMatch = -Infinity;
    let minMatch = Infinity;
    for (const m of r.matches) {
      const t = B + m.minute * MIN + m.ms;
      maxMatch = Math.max(maxMatch, t);
      minMatch = Math.min(minMatch, t);
      keyed.push({ key: t + m.delay * r.lateness, arrival: { kind: 'match', event: ev({ ingested: t, exe: EXES[m.exe], parent: PARENTS[m.parent] }) } });
    }
    // Lines seen only for their time stay within the matches' span (the batch scan ends its schedule at
    // the newest match; a follower that sees newer lines simulates the runs up to them as well).
    for (const s of r.seen) {
      const t = Math.round(minMatch + s.frac * (maxMatch - minMatch));
      keyed.push({ key: t + s.delay * r.lateness, arrival: { kind: 'seen', time: t } });
    }
    keyed.sort((a, b) => a.key - b.key);
    const arrivals = keyed.map((k) => k.arrival);
    // A few matches without a usable time, anywhere in the stream.
    for (const at of r.timeless) arrivals.splice(Math.min(at, arrivals.length), 0, { kind: 'match', event: ev({ exe: EXES[0], parent: PARENTS[0] }) });
    const polls = new Set<number>();
    for (let i = 0; i < arrivals.length; i += r.pollEvery) polls.add(i);
    const opts: Omit<ScanOptions, 'state'> = { mode: r.mode, maxSignals: r.maxSignals, ruleUuid: RULE_UUID, now: NOW };
    if (r.withStart) opts.start = new Date(B - 30 * MIN);
    return { arrivals, polls, lateness: r.lateness, opts };
  });

function follow(c: Case, state?: ScanOptions['state']) {
  const fo: FollowOptions = { ...c.opts, lateness: c.lateness, ...(state && { state }) };
  const f = createFollower(RULE, fo);
  const alerts: unknown[] = [];
  const warnings: unknown[] = [];
  const errors: unknown[] = [];
  let lastState: unknown;
  const take = (s: ReturnType<typeof f.poll>) => {
    if (!s) return;
    alerts.push(...s.alerts);
    warnings.push(...s.warnings);
    errors.push(...s.errors);
    lastState = s.state;
  };
  c.arrivals.forEach((a, i) => {
    if (a.kind === 'match') f.add(a.event);
    else f.observe(a.time);
    if (c.polls.has(i)) take(f.poll());
  });
  const end = f.finish();
  take(end.step);
  return { alerts, warnings, errors, state: lastState, summary: end.summary };
}

function batch(c: Case, state?: ScanOptions['state']) {
  const events = c.arrivals.flatMap((a) => (a.kind === 'match' ? [a.event] : []));
  return scan(events, { ...c.opts, ...(state && { state }) });
}

describe('--follow against the batch scan', () => {
  it('writes the same alerts, warnings, errors, state and summary when no event is later than --lateness', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const b = batch(c);
        const f = follow(c);
        expect(f.alerts).toEqual(b.alerts);
        expect(f.warnings).toEqual(b.warnings);
        expect(f.errors).toEqual(b.errors);
        expect(f.state).toEqual(b.state);
        const { lateArrivals, lateness, ...summary } = f.summary;
        expect(summary).toEqual(b.summary);
        expect(lateArrivals.count).toBe(0);
        expect(lateness).toBe(c.lateness);
      }),
      { numRuns: 100 },
    );
  });
});

describe('a follower killed and restarted from its state', () => {
  it('neither loses nor repeats an alert when the input is replayed from the start', () => {
    fc.assert(
      fc.property(caseArb, fc.double({ min: 0, max: 1, noNaN: true }), (c, where) => {
        const b = batch(c);
        // The first follower saves its state after each step and is killed after arrival `kill`.
        const first = createFollower(RULE, { ...c.opts, lateness: c.lateness });
        const kill = Math.floor(where * c.arrivals.length);
        const written: unknown[] = [];
        let saved: ScanOptions['state'];
        for (let i = 0; i < kill; i++) {
          const a = c.arrivals[i]!;
          if (a.kind === 'match') first.add(a.event);
          else first.observe(a.time);
          const s = c.polls.has(i) ? first.poll() : undefined;
          if (s) {
            written.push(...s.alerts);
            saved = { file: 'state.json', state: s.state };
          }
        }
        // The restart continues from the saved state; a --start is only for the first invocation.
        const restartOpts = saved ? { ...c.opts, start: undefined } : c.opts;
        const second = follow({ ...c, opts: restartOpts }, saved);
        expect([...written, ...second.alerts]).toEqual(b.alerts);
      }),
      { numRuns: 60 },
    );
  });
});
