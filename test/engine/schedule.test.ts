import { describe, expect, it } from 'vitest';
import { parseRuleRange } from '../../src/engine/datemath.js';
import {
  explicitSchedule,
  gapErrorMessage,
  humanizeDuration,
  regularSchedule,
  ruleRangeTuples,
  type Tuple,
} from '../../src/engine/schedule.js';

const T = (s: string) => Date.parse(`2024-05-14T${s}Z`);
const hm = (ms: number) => new Date(ms).toISOString().slice(11, 16);
const P = { interval: 300_000, from: 'now-9m', to: 'now' };
const range = parseRuleRange('now-9m', 'now');

describe('ruleRangeTuples (getRuleRangeTuples)', () => {
  it('runs 17 minutes apart catch up with two earlier windows, oldest first, no gap', () => {
    const r = ruleRangeTuples(T('10:17:00'), T('10:00:00'), range, 300_000);
    expect(r.windows.map((w) => [hm(w.from), hm(w.to)])).toEqual([
      ['09:58', '10:07'],
      ['10:03', '10:12'],
      ['10:08', '10:17'],
    ]);
    expect(r.remainingGapMs).toBe(0);
  });
  it('runs 40 minutes apart catch up 4 windows and leave an 11-minute gap', () => {
    const r = ruleRangeTuples(T('10:40:00'), T('10:00:00'), range, 300_000);
    expect(r.windows).toHaveLength(5);
    expect(r.remainingGapMs).toBe(660_000);
    expect(gapErrorMessage(r.remainingGapMs)).toBe(
      '11 minutes (660000ms) were not queried between this rule execution and the last execution, so signals may have been missed. Consider increasing your look behind time or adding more Kibana instances',
    );
  });
  it('the first run has no catch-up', () => {
    expect(ruleRangeTuples(T('10:00:00'), null, range, 300_000).windows).toHaveLength(1);
  });
});

describe('humanizeDuration (moment thresholds)', () => {
  it.each([
    [30_000, 'a few seconds'],
    [60_000, 'a minute'],
    [660_000, '11 minutes'],
    [45 * 60_000, 'an hour'],
    [5 * 3_600_000, '5 hours'],
    [30 * 3_600_000, 'a day'],
    [3 * 86_400_000, '3 days'],
    [40 * 86_400_000, 'a month'],
    [400 * 86_400_000, 'a year'],
  ])('%d ms → %s', (ms, text) => expect(humanizeDuration(ms)).toBe(text));
});

describe('regularSchedule', () => {
  it('runs up to and including the first run at or after end', () => {
    const s = regularSchedule(P, T('10:00:00'), T('10:12:00'));
    expect(s.runCount).toBe(4);
    expect(hm(s.runTime(3))).toBe('10:15');
    expect(regularSchedule(P, T('10:00:00'), T('10:10:00')).runCount).toBe(3);
  });
  it('finds only the tuples whose window meets a time, without walking the runs', () => {
    const s = regularSchedule(P, T('00:00:00'), Date.parse('2025-05-14T00:00:00Z'));
    expect(s.runCount).toBe(105_121);
    const seen: Tuple[] = [];
    s.forEachTupleIntersecting(T('10:06:00'), T('10:06:00'), (t) => seen.push(t));
    expect(seen.map((t) => hm(t.runTime)).sort()).toEqual(['10:10', '10:15']);
  });
  it('includes both window ends', () => {
    const s = regularSchedule(P, T('10:00:00'), T('10:30:00'));
    const seen: string[] = [];
    s.forEachTupleIntersecting(T('10:01:00'), T('10:01:00'), (t) => seen.push(hm(t.runTime)));
    expect(seen.sort()).toEqual(['10:05', '10:10']);
  });
  it('catches up after the run recorded in a state file and reports the remaining gap', () => {
    const s = regularSchedule(P, T('10:40:00'), T('10:50:00'), T('10:00:00'));
    expect(s.tuplesOfRun(0)).toHaveLength(5);
    expect(s.gapErrors).toEqual([{ run: '2024-05-14T10:40:00.000Z', message: gapErrorMessage(660_000) }]);
    expect(s.tuplesOfRun(1)).toHaveLength(1);
  });
});

describe('explicitSchedule', () => {
  it('gives each run its catch-up windows and gap error', () => {
    const s = explicitSchedule(P, [T('10:00:00'), T('10:17:00'), T('10:57:00')]);
    expect(s.tuplesOfRun(1).map((t) => hm(t.to))).toEqual(['10:07', '10:12', '10:17']);
    expect(s.gapErrors).toEqual([{ run: '2024-05-14T10:57:00.000Z', message: gapErrorMessage(660_000) }]);
  });
  it('rejects run times that do not increase', () => {
    expect(() => explicitSchedule(P, [T('10:05:00'), T('10:00:00')])).toThrow('strictly increasing');
  });
});

describe('regularSchedule with windows at no fixed offset (absolute from or to, rounding)', () => {
  /** Every tuple of every run, computed one by one with ruleRangeTuples (what Kibana does per run). */
  const bruteForce = (p: typeof P, start: number, end: number, prev: number | null) => {
    const s = regularSchedule(p, start, end, prev);
    const all: Tuple[] = [];
    for (let k = 0; k < s.runCount; k++) all.push(...s.tuplesOfRun(k));
    return { s, all };
  };

  it('an absolute from: every run searches from that instant to its own now, with no catch-up', () => {
    const p = { ...P, from: '2024-05-14T09:00:00.000Z' };
    const s = regularSchedule(p, T('10:00:00'), T('10:20:00'), T('09:55:00'));
    expect(s.runCount).toBe(5);
    expect([0, 1, 4].map((k) => s.tuplesOfRun(k).map((t) => [hm(t.from), hm(t.to)]))).toEqual([[['09:00', '10:00']], [['09:00', '10:05']], [['09:00', '10:20']]]);
    expect(s.gapErrors).toEqual([]);
  });

  it.each([
    ['absolute from', { from: '2024-05-14T09:00:00.000Z', to: 'now' }],
    ['absolute to', { from: 'now-9m', to: '2024-05-14T10:12:00.000Z' }],
    ['rounded from', { from: 'now-1h/h', to: 'now' }],
  ])('%s: the tuples found for any [a, b] are exactly the tuples that intersect it', (_name, fromTo) => {
    const p = { ...P, ...fromTo };
    const { s, all } = bruteForce(p, T('10:00:00'), T('11:00:00'), T('09:30:00'));
    for (const [a, b] of [
      ['08:00:00', '08:30:00'],
      ['09:00:00', '09:00:00'],
      ['09:59:59', '10:00:00'],
      ['10:07:00', '10:07:00'],
      ['10:30:00', '10:40:00'],
      ['11:00:00', '12:00:00'],
    ] as const) {
      const found: string[] = [];
      s.forEachTupleIntersecting(T(a), T(b), (t) => found.push(`${t.run}/${t.slot}`));
      const expected = all.filter((t) => t.to >= T(a) && t.from <= T(b)).map((t) => `${t.run}/${t.slot}`);
      expect(found.sort()).toEqual(expected.sort());
    }
  });
});
