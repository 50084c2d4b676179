import { describe, expect, it } from 'vitest';
import { createFollower, type FollowOptions } from '../../src/engine/follow.js';
import { ScanConfigError } from '../../src/engine/scan.js';
import { at, DAY, ev, MIN, RULE, RULE_UUID, scan } from './helpers.js';

const base: FollowOptions = { mode: 'new_terms', ruleUuid: RULE_UUID, now: new Date('2024-06-01T00:00:00Z'), lateness: 0 };
const T0 = at('2024-05-14T10:00:00.000Z');

describe('createFollower', () => {
  it("hands out a run's alerts as soon as the newest event time passes the run's end", () => {
    const f = createFollower(RULE, base);
    f.add(ev({ ingested: T0, exe: '/usr/bin/kmod', parent: '/usr/bin/bash' }));
    expect(f.poll()).toBeUndefined();
    // A line that did not match, one millisecond later: run 10:00:00.000 (window up to 10:00) is final.
    f.observe(T0 + 1);
    const step = f.poll();
    expect(step?.runs).toBe(1);
    expect(step?.alerts.map((a) => [a['@timestamp'], a['kibana.alert.new_terms']])).toEqual([['2024-05-14T10:00:00.000Z', ['/usr/bin/kmod', '/usr/bin/bash']]]);
    expect(step?.state.lastRunTime).toBe('2024-05-14T10:00:00.000Z');
  });

  it('holds a run back until the newest event is --lateness past its end', () => {
    const f = createFollower(RULE, { ...base, lateness: 30_000 });
    f.add(ev({ ingested: T0, exe: '/usr/bin/kmod', parent: '/usr/bin/bash' }));
    f.observe(T0 + 30_000);
    expect(f.poll()).toBeUndefined();
    f.observe(T0 + 30_001);
    expect(f.poll()?.alerts).toHaveLength(1);
  });

  it('makes every run whose end has passed final in one step', () => {
    const f = createFollower(RULE, base);
    f.add(ev({ ingested: T0, exe: '/a', parent: '/p' }));
    f.observe(T0 + 60 * MIN + 1);
    const step = f.poll();
    expect(step?.runs).toBe(13); // 10:00, 10:05, …, 11:00
    expect(f.poll()).toBeUndefined();
  });

  it('counts and reports an event later than --lateness, with the run it missed, and keeps it in the history', () => {
    const f = createFollower(RULE, base);
    f.add(ev({ ingested: T0, exe: '/a', parent: '/p' }));
    f.observe(T0 + 30 * MIN);
    expect(f.poll()?.runs).toBe(6);
    const late = ev({ ingested: T0 + 7 * MIN, exe: '/late', parent: '/p' });
    f.add(late);
    // The same combination again, an hour later: not new, because the late event is in its history.
    f.add(ev({ ingested: T0 + 90 * MIN, exe: '/late', parent: '/p' }));
    const { step, summary } = f.finish();
    expect(summary.lateArrivals.count).toBe(1);
    expect(summary.lateArrivals.samples).toEqual([`test.ndjson:${late.origin.line}: event at 2024-05-14T10:07:00.000Z arrived after run 2024-05-14T10:10:00.000Z was final`]);
    expect(summary.eventsAdded).toBe(3);
    expect(step?.alerts.map((a) => a['kibana.alert.new_terms'])).toEqual([]);
  });

  it('holds memory by combinations and time, not by events: eight hours of events', () => {
    const f = createFollower(RULE, { ...base, mode: 'query' });
    const held: number[] = [];
    for (let minute = 0; minute < 8 * 60; minute += 2) {
      f.add(ev({ ingested: T0 + minute * MIN, exe: `/bin/tool${minute % 7}`, parent: '/p' }));
      if (minute % 10 === 0) {
        f.poll();
        held.push(f.held().pendingEvents, f.held().stateIds);
      }
    }
    // One event every 2 minutes; a run searches 9 minutes plus up to 4 intervals of catch-up.
    expect(Math.max(...held)).toBeLessThanOrEqual(20);
    expect(f.finish().summary.eventsAdded).toBe(8 * 30);
  });

  it('keeps the combinations, and a few clusters per combination, over weeks of new_terms events', () => {
    const f = createFollower(RULE, base);
    for (let hour = 0; hour < 40 * 24; hour += 2) {
      f.add(ev({ ingested: T0 + hour * 60 * MIN, exe: `/bin/tool${hour % 5}`, parent: '/p' }));
      f.poll();
    }
    const h = f.held();
    expect(h.combinations).toBe(5);
    expect(h.stateClusters).toBeLessThanOrEqual(5 * 3);
    expect(h.pendingEvents).toBeLessThanOrEqual(1);
  });

  it('is the batch scan when nothing became final before the input ended', () => {
    const events = [ev({ ingested: T0, exe: '/a', parent: '/p' }), ev({ ingested: T0 - DAY, exe: '/b', parent: '/p' })];
    const f = createFollower(RULE, base);
    for (const e of events) f.add(e);
    expect(f.finish().step?.alerts).toEqual(scan(events).alerts);
  });

  it('rejects a negative lateness and options the batch scan rejects', () => {
    expect(() => createFollower(RULE, { ...base, lateness: -1 })).toThrow(ScanConfigError);
    expect(() => createFollower(RULE, { ...base, interval: 'soon' })).toThrow(ScanConfigError);
  });
});
