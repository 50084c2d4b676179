import { describe, expect, it } from 'vitest';
import { at, brief, DAY, ev, MIN, scan } from './helpers.js';
import { MAX_SIGNALS_WARNING } from '../../src/engine/select.js';
import { combinationsOf } from '../../src/engine/new-terms.js';
import { compareKeywords } from '../../src/ecs/keyword-order.js';

const D = '2024-05-14T';
const start = (hm: string) => new Date(`${D}${hm}:00.000Z`);
const runsOf = (r: ReturnType<typeof scan>) => r.alerts.map((a) => a['@timestamp'].slice(11, 23));

describe('new_terms boundaries (interval 5m, from now-9m, history now-14d)', () => {
  it('an event exactly at from is never new', () => {
    // First run 10:09 searches [10:00, 10:09]; the event at 10:00:00.000 is at from, later windows miss it.
    const r = scan([ev({ ts: `${D}10:00:00.000Z`, exe: '/a', parent: '/p' })], { start: start('10:09'), end: start('10:30') });
    expect(r.alerts).toHaveLength(0);
    const r2 = scan([ev({ ts: `${D}10:00:00.001Z`, exe: '/a', parent: '/p' })], { start: start('10:09'), end: start('10:30') });
    expect(runsOf(r2)).toEqual(['10:09:00.000']);
  });

  it('an event exactly at to is new in that run', () => {
    const r = scan([ev({ ts: `${D}10:05:00.000Z`, exe: '/a', parent: '/p' })], { start: start('10:00') });
    expect(runsOf(r)).toEqual(['10:05:00.000']);
  });

  it('an event in the 4-minute overlap is new in two runs and alerted once', () => {
    // 10:07 is inside run 10:10 [10:01, 10:10] and run 10:15 [10:06, 10:15], strictly after both froms.
    const r = scan([ev({ ts: `${D}10:07:00.000Z`, exe: '/a', parent: '/p' })], { start: start('10:00'), end: start('10:30') });
    expect(r.summary.tuplesWithCandidates).toBe(2);
    expect(runsOf(r)).toEqual(['10:10:00.000']);
  });

  it('a combination first seen exactly 14 days earlier is still known at that instant, new one run later', () => {
    const first = at(`${D}10:00:00.000Z`) - 14 * DAY;
    const r = scan(
      [ev({ ts: first, exe: '/a', parent: '/p' }), ev({ ts: `${D}10:00:00.000Z`, exe: '/a', parent: '/p' })],
      { start: start('10:00'), end: start('10:20') },
    );
    // Run 10:00 has H = first exactly (inclusive) → first_seen <= from; run 10:05 has H after it.
    expect(runsOf(r)).toEqual(['10:05:00.000']);
    expect(r.alerts[0]!['kibana.alert.original_time']).toBe('2024-05-14T10:00:00.000Z');
  });

  it('a combination seen within the history is not new', () => {
    const r = scan(
      [ev({ ts: at(`${D}10:00:00Z`) - 13 * DAY, exe: '/a', parent: '/p' }), ev({ ts: `${D}10:00:00Z`, exe: '/a', parent: '/p' })],
      { start: start('10:00'), end: start('10:20') },
    );
    expect(r.alerts).toHaveLength(0);
  });

  it('uses event.ingested when later than @timestamp; original_time stays @timestamp', () => {
    const r = scan([ev({ ts: `${D}09:30:00.000Z`, ingested: `${D}10:02:00.000Z`, exe: '/a', parent: '/p' })], { start: start('10:00') });
    expect(runsOf(r)).toEqual(['10:05:00.000']);
    expect(r.alerts[0]!['kibana.alert.original_time']).toBe('2024-05-14T09:30:00.000Z');
  });

  it('uses @timestamp when there is no event.ingested', () => {
    const r = scan([ev({ ts: `${D}10:02:00.000Z`, exe: '/a', parent: '/p' })], { start: start('10:00') });
    expect(runsOf(r)).toEqual(['10:05:00.000']);
  });

  it('alerts once per new combination of array values, in byte order, skipping known ones', () => {
    const r = scan(
      [
        ev({ ts: `${D}09:00:00Z`, exe: '/b', parent: '/p' }),
        ev({ ts: `${D}10:02:00Z`, exe: ['/b', '/a', '/b'], parent: ['/p', '/q'], id: 'x', index: 'i' }),
      ],
      { start: start('10:00'), end: start('10:20') },
    );
    expect(r.alerts.map((a) => a['kibana.alert.new_terms'])).toEqual([
      ['/a', '/p'],
      ['/a', '/q'],
      ['/b', '/q'],
    ]);
    expect(new Set(r.alerts.map((a) => JSON.stringify(a['kibana.alert.ancestors'])))).toEqual(
      new Set([JSON.stringify([{ id: 'x', type: 'event', index: 'i', depth: 0 }])]),
    );
  });

  it('an event missing a new-terms field has no combination and never alerts', () => {
    const r = scan(
      [
        ev({ ts: `${D}10:02:00Z`, exe: '/a' }),
        ev({ ts: `${D}10:02:00Z`, exe: '/a', parent: null }),
        ev({ ts: `${D}10:02:00Z`, exe: '/a', parent: [] }),
      ],
      { start: start('10:00'), end: start('10:30') },
    );
    expect(r.alerts).toHaveLength(0);
    expect(r.summary.eventsWithoutCombination).toBe(3);
    expect(r.summary.runsWithMatches).toBe(2);
  });

  it('on equal times the source is the event earlier in the input', () => {
    const r = scan(
      [
        ev({ ts: `${D}10:02:00Z`, exe: '/a', parent: '/p', id: 'first', index: 'i' }),
        ev({ ts: `${D}10:02:00Z`, exe: '/a', parent: '/p', id: 'second', index: 'i' }),
      ],
      { start: start('10:00') },
    );
    expect(r.alerts).toHaveLength(1);
    expect((r.alerts[0]!['kibana.alert.ancestors'] as Array<{ id: string }>)[0]!.id).toBe('first');
  });

  it('the source is the earliest occurrence whatever the input order', () => {
    const events = [
      ev({ ts: `${D}10:03:00Z`, exe: '/a', parent: '/p', id: 'late', index: 'i' }),
      ev({ ts: `${D}10:02:00Z`, exe: '/a', parent: '/p', id: 'early', index: 'i' }),
    ];
    const r = scan(events, { start: start('10:00') });
    expect((r.alerts[0]!['kibana.alert.ancestors'] as Array<{ id: string }>)[0]!.id).toBe('early');
    expect(brief(scan([...events].reverse(), { start: start('10:00') }))).toEqual(brief(r));
  });

  it('exactly max_signals new combinations is not a warning', () => {
    const events = Array.from({ length: 100 }, (_, i) => ev({ ts: `${D}10:02:00Z`, exe: `/e${String(i).padStart(3, '0')}`, parent: '/p' }));
    const r = scan(events, { start: start('10:00') });
    expect(r.alerts).toHaveLength(100);
    expect(r.warnings).toEqual([]);
  });

  it('101 new combinations: 100 in the first run with a warning, the last one in the next run', () => {
    const events = Array.from({ length: 101 }, (_, i) => ev({ ts: `${D}10:02:00Z`, exe: `/e${String(i).padStart(3, '0')}`, parent: '/p' }));
    const r = scan(events, { start: start('10:00'), end: start('10:30') });
    expect(r.alerts).toHaveLength(101);
    expect(r.warnings).toEqual([{ run: '2024-05-14T10:05:00.000Z', message: MAX_SIGNALS_WARNING }]);
    expect(r.alerts[100]!['kibana.alert.new_terms']).toEqual(['/e100', '/p']);
    expect(runsOf(r)[100]).toBe('10:10:00.000');
    expect(r.summary.truncatedRuns).toBe(1);
    expect(r.summary.lostDetections).toEqual([]);
  });

  it('201 new combinations seen by two runs: one is lost and reported', () => {
    const events = Array.from({ length: 201 }, (_, i) => ev({ ts: `${D}10:02:00Z`, exe: `/e${String(i).padStart(3, '0')}`, parent: '/p' }));
    const r = scan(events, { start: start('10:00'), end: start('10:30') });
    expect(r.alerts).toHaveLength(200);
    expect(r.summary.truncatedRuns).toBe(2);
    expect(r.summary.lostDetections).toEqual([
      { newTerms: ['/e200', '/p'], firstSeen: '2024-05-14T10:02:00.000Z', truncatedIn: ['2024-05-14T10:05:00.000Z', '2024-05-14T10:10:00.000Z'] },
    ]);
  });

  it('orders candidates by UTF-8 bytes, not UTF-16 code units', () => {
    const r = scan(
      [ev({ ts: `${D}10:02:00Z`, exe: '\u{1F600}', parent: '/p' }), ev({ ts: `${D}10:02:00Z`, exe: '\uFFFD', parent: '/p' })],
      { start: start('10:05'), end: start('10:05'), maxSignals: 1 },
    );
    expect(r.alerts.map((a) => a['kibana.alert.new_terms'])).toEqual([['\uFFFD', '/p']]);
    expect(compareKeywords('\u{1F600}', '\uFFFD')).toBeGreaterThan(0);
    expect(compareKeywords('a', 'ab')).toBeLessThan(0);
  });

  it('default start and end cover the whole input so every first occurrence can alert', () => {
    const r = scan([
      ev({ ts: `${D}10:02:03.5Z`, exe: '/a', parent: '/p' }),
      ev({ ts: at(`${D}10:02:03.5Z`) + 40 * DAY, exe: '/b', parent: '/p' }),
    ]);
    expect(r.alerts).toHaveLength(2);
    expect(r.summary.timeRange.firstRun).toBe('2024-05-14T10:02:03.500Z');
    expect(r.summary.runsSimulated).toBe(40 * 288 + 1);
    // The first event is in runs 0 and 1; the last one is exactly at the last run's `to`.
    expect(r.summary.runsWithMatches).toBe(3);
  });

  it('with an explicit start, earlier events are history only', () => {
    const r = scan(
      [ev({ ts: `${D}09:00:00Z`, exe: '/a', parent: '/p' }), ev({ ts: `${D}10:02:00Z`, exe: '/a', parent: '/p' })],
      { start: start('10:00') },
    );
    expect(r.alerts).toHaveLength(0);
  });

  it('a combination alerts again once its earlier occurrences left the 14-day history', () => {
    const r = scan([
      ev({ ts: `${D}10:02:00Z`, exe: '/a', parent: '/p' }),
      ev({ ts: at(`${D}10:02:00Z`) + 15 * DAY, exe: '/a', parent: '/p' }),
      ev({ ts: at(`${D}10:02:00Z`) + 15 * DAY + 20 * MIN, exe: '/a', parent: '/p' }),
    ]);
    expect(r.alerts).toHaveLength(2);
  });

  it('counts events whose time cannot be parsed, by file and line', () => {
    const bad = ev({ ts: 'not a date', exe: '/a', parent: '/p' });
    const r = scan([bad]);
    expect(r.summary.eventsWithoutTime).toBe(1);
    expect(r.summary.timeIssues[0]).toEqual({ file: 'test.ndjson', line: bad.origin.line, message: '@timestamp "not a date" is not a valid date' });
    expect(r.summary.runsSimulated).toBe(0);
  });
});

describe('combinationsOf', () => {
  it('is the cartesian product of distinct terms in field order', () => {
    expect(combinationsOf({ a: ['1', '2', '1'], b: { c: ['x', 5] } }, ['a', 'b.c'])).toEqual([
      ['1', 'x'],
      ['1', '5'],
      ['2', 'x'],
      ['2', '5'],
    ]);
    expect(combinationsOf({ a: '1' }, ['a', 'b'])).toEqual([]);
  });
});
