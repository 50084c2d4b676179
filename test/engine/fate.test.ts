/** The fate module on hand-made timelines: one case per kind of fate, state-file continuations included. */
import { describe, expect, it } from 'vitest';
import type { SourceEvent } from '../../src/io/types.js';
import { createFateTracer, type FateResult } from '../../src/engine/fate.js';
import type { ScanOptions } from '../../src/engine/scan.js';
import { parseState } from '../../src/engine/state.js';
import { at, DAY, ev, MIN, RULE, RULE_UUID } from './helpers.js';

const NOW = new Date('2024-06-01T00:00:00Z');

function trace(events: Array<SourceEvent | { outside: SourceEvent }>, opts: Partial<ScanOptions> = {}): FateResult {
  const t = createFateTracer(RULE, { mode: 'new_terms', ruleUuid: RULE_UUID, now: NOW, ...opts });
  for (const e of events) {
    if ('outside' in e) t.addOutsideIndex(e.outside);
    else t.add(e);
  }
  return t.finish();
}

const T0 = at('2024-05-14T10:00:00.000Z');

describe('fate of a matching event', () => {
  it('is alerted for the first occurrence of a pair, with the run and window that created the alert', () => {
    const r = trace([ev({ ts: T0 + 1000, exe: '/usr/bin/kmod', parent: '/usr/bin/bash' })]);
    const f = r.fates[0]!;
    expect(f.fate).toMatchObject({ kind: 'alerted', window: { run: '2024-05-14T10:00:01.000Z' } });
    expect(f.fate.kind === 'alerted' && f.fate.alertId).toBe(r.scan.alerts[0]!['kibana.alert.uuid']);
    expect(f.terms).toEqual([{ values: ['/usr/bin/kmod', '/usr/bin/bash'], fate: f.fate }]);
  });

  it('is not new when its pair was seen earlier in the history window, naming that first occurrence', () => {
    const first = ev({ ts: T0, exe: '/usr/bin/kmod', parent: '/usr/bin/bash' });
    const again = ev({ ts: T0 + 3 * DAY, exe: '/usr/bin/kmod', parent: '/usr/bin/bash' });
    const r = trace([first, again]);
    expect(r.fates[1]!.fate).toMatchObject({
      kind: 'not-new',
      firstSeen: { time: '2024-05-14T10:00:00.000Z', origin: first.origin, seq: 0 },
    });
  });

  it('is outside every run when it lies before the first scheduled window', () => {
    const r = trace([ev({ ts: T0, exe: '/a', parent: '/p' }), ev({ ts: T0 + DAY, exe: '/b', parent: '/p' })], {
      start: new Date(T0 + DAY),
      end: new Date(T0 + DAY),
    });
    expect(r.fates.map((f) => f.fate.kind)).toEqual(['outside-runs', 'alerted']);
  });

  it('is lost to max_signals in the run that left it out, when no later window created it', () => {
    const r = trace(
      [ev({ ts: T0 + 1000, exe: '/a', parent: '/p' }), ev({ ts: T0 + 1000, exe: '/b', parent: '/p' })],
      { maxSignals: 1, runs: [new Date(T0 + 2000)] },
    );
    expect(r.fates.map((f) => f.fate.kind)).toEqual(['alerted', 'lost']);
    expect(r.fates[1]!.fate).toMatchObject({ kind: 'lost', windows: [{ run: '2024-05-14T10:00:02.000Z' }] });
    expect(r.scan.summary.lostDetections.map((l) => l.newTerms)).toEqual([['/b', '/p']]);
  });

  it('is lost in query mode when it is the same document as a candidate max_signals left out', () => {
    const a = ev({ ts: T0 + 1000, exe: '/a', parent: '/p', id: 'x', index: 'i' });
    const b = ev({ ts: T0 + 2000, exe: '/b', parent: '/p', id: 'y', index: 'i' });
    const bAgain = ev({ ts: T0 + 3000, exe: '/b', parent: '/p', id: 'y', index: 'i' });
    const r = trace([a, b, bAgain], { mode: 'query', maxSignals: 1, runs: [new Date(T0 + 4000)] });
    expect(r.fates.map((f) => f.fate.kind)).toEqual(['alerted', 'lost', 'lost']);
  });

  it('lacks terms when a new-terms field has no value, naming the field', () => {
    const r = trace([ev({ ts: T0, exe: '/a' })]);
    expect(r.fates[0]!.fate).toEqual({ kind: 'no-terms', missing: ['process.parent.executable'] });
  });

  it('has no time when the timestamp is unusable, saying why', () => {
    const r = trace([ev({ ts: 'yesterday', exe: '/a', parent: '/p' })]);
    expect(r.fates[0]).toMatchObject({ time: null, fate: { kind: 'no-time' } });
    expect(r.fates[0]!.fate.kind === 'no-time' && r.fates[0]!.fate.why).toMatch(/not a valid date/);
  });

  it('is outside the index patterns when added as such, and the engine never sees it', () => {
    const inside = ev({ ts: T0, exe: '/a', parent: '/p' });
    const outside = ev({ ts: T0 - 1000, exe: '/a', parent: '/p', index: 'other-index', id: 'o1' });
    const r = trace([{ outside }, inside]);
    expect(r.fates[0]!.fate).toEqual({ kind: 'outside-index', index: 'other-index' });
    // Had the engine seen it, the pair would be old by the time of `inside`.
    expect(r.fates[1]!.fate.kind).toBe('alerted');
    expect(r.scan.summary.eventsAdded).toBe(1);
  });

  it('gives each combination of an array-valued event its own fate, the best one as the headline', () => {
    const old = ev({ ts: T0, exe: '/a', parent: '/p' });
    const both = ev({ ts: T0 + DAY, exe: ['/a', '/b'], parent: '/p' });
    const r = trace([old, both]);
    expect(r.fates[1]!.terms.map((t) => [t.values, t.fate.kind])).toEqual([
      [['/a', '/p'], 'not-new'],
      [['/b', '/p'], 'alerted'],
    ]);
    expect(r.fates[1]!.fate.kind).toBe('alerted');
  });
});

describe('fate across invocations sharing a state file', () => {
  function continueFrom(first: SourceEvent[], second: SourceEvent[]): FateResult {
    const one = trace(first);
    const state = { file: 'state.json', state: parseState(JSON.stringify(one.scan.state), 'state.json') };
    return trace(second, { state });
  }

  it('is not new when the pair was seen by an earlier invocation, naming that occurrence from the state', () => {
    const early = ev({ ts: T0, exe: '/a', parent: '/p' });
    const later = ev({ ts: T0 + 2 * DAY, exe: '/a', parent: '/p' });
    const r = continueFrom([early], [later]);
    expect(r.fates[0]!.fate).toMatchObject({ kind: 'not-new', firstSeen: { time: '2024-05-14T10:00:00.000Z', origin: early.origin } });
    expect(r.fates[0]!.fate.kind === 'not-new' && r.fates[0]!.fate.firstSeen.seq).toBeUndefined();
  });

  it('is already alerted when an earlier invocation wrote the same alert id (query mode: the same document read again)', () => {
    const doc = { ts: T0 + 5 * MIN, exe: '/a', parent: '/p', id: 'same', index: 'idx' };
    const first = trace([ev(doc)], { mode: 'query' });
    const state = { file: 'state.json', state: parseState(JSON.stringify(first.scan.state), 'state.json') };
    const r = trace([ev(doc), ev({ ...doc, id: 'later', ts: T0 + 20 * MIN })], { mode: 'query', state });
    expect(r.fates[0]!.fate).toMatchObject({ kind: 'already-alerted', alertId: first.scan.alerts[0]!['kibana.alert.uuid'] });
    expect(r.fates[0]!.fate.kind === 'already-alerted' && r.fates[0]!.fate.by).toBeUndefined();
    expect(r.fates[1]!.fate.kind).toBe('alerted');
  });
});
