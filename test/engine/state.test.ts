import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadState, saveState, StateFileError } from '../../src/engine/state.js';
import { at, DAY, ev, MIN, scan } from './helpers.js';

const D = '2024-05-14T';
const day1 = () => [
  ev({ ts: `${D}10:02:00Z`, exe: '/a', parent: '/p' }),
  ev({ ts: `${D}13:00:00Z`, exe: '/b', parent: '/p' }),
  ev({ ts: `${D}23:58:00Z`, exe: '/c', parent: '/p' }),
];
const day2 = () => [
  ev({ ts: at(`${D}10:02:00Z`) + DAY, exe: '/a', parent: '/p' }), // known: seen yesterday
  ev({ ts: at(`${D}00:30:00Z`) + DAY, exe: '/d', parent: '/p' }),
  ev({ ts: at(`${D}10:02:00Z`) + 16 * DAY, exe: '/b', parent: '/p' }), // history expired: new again
  ev({ ts: at(`${D}10:02:00Z`) + 16 * DAY + 7 * MIN, exe: '/e', parent: ['/p', '/q'] }),
];

describe('state file', () => {
  it('continuing from state over new data gives the same alerts as one run over all data', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kmod-state-'));
    const file = join(dir, 'state.json');
    const first = scan(day1(), {});
    saveState(file, first.state);
    const loaded = loadState(file);
    expect(loaded?.file).toBe(file);
    const second = scan(day2(), { state: loaded! });
    const single = scan([...day1(), ...day2()], {});
    expect([...first.alerts, ...second.alerts]).toEqual(single.alerts);
    expect(second.summary.cumulative.runs).toBe(single.summary.runsSimulated);
    expect(readdirSync(dir)).toEqual(['state.json']);
  });

  it('a missing file is a first run', () => {
    expect(loadState(join(mkdtempSync(join(tmpdir(), 'kmod-state-')), 'none.json'))).toBeUndefined();
  });

  it.each([
    ['not JSON', '{oops', 'not-json'],
    ['foreign JSON', '{"hello":1}', 'foreign'],
    ['another format version', '{"format":"kmod-enum-detect/state","version":99}', 'version'],
    ['a corrupt body', '{"format":"kmod-enum-detect/state","version":1,"identity":{}}', 'corrupt'],
  ])('%s is a typed error naming the file', (_name, text, kind) => {
    const file = join(mkdtempSync(join(tmpdir(), 'kmod-state-')), 's.json');
    writeFileSync(file, text);
    let err: unknown;
    try {
      loadState(file);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StateFileError);
    expect((err as StateFileError).kind).toBe(kind);
    expect((err as StateFileError).message).toContain(file);
  });

  it('a state of another rule uuid or schedule is refused, not reset', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'kmod-state-')), 's.json');
    saveState(file, scan(day1(), {}).state);
    const loaded = loadState(file)!;
    expect(() => scan(day2(), { state: loaded, ruleUuid: 'other' })).toThrow(StateFileError);
    expect(() => scan(day2(), { state: loaded, maxSignals: 5 })).toThrow(/max_signals was 100, now 5/);
    expect(JSON.parse(readFileSync(file, 'utf8')).format).toBe('kmod-enum-detect/state');
  });
});
