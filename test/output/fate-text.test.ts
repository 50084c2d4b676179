import { describe, expect, it } from 'vitest';
import { fateText } from '../../src/output/fate-text.js';

const window = { run: '2024-05-14T10:05:00.000Z', from: '2024-05-14T09:56:00.000Z', to: '2024-05-14T10:05:00.000Z' };

describe('fate text', () => {
  it('names the run that alerted', () => {
    expect(fateText({ kind: 'alerted', window, alertId: 'x' })).toBe(
      'alerted in run 2024-05-14T10:05:00.000Z (window 2024-05-14T09:56:00.000Z – 2024-05-14T10:05:00.000Z)',
    );
  });

  it('names where a not-new pair was first seen, and says when that was an earlier invocation', () => {
    const origin = { file: 'a.ndjson', line: 7 };
    expect(fateText({ kind: 'not-new', window, firstSeen: { time: '2024-05-10T00:00:00.000Z', origin, seq: 3 } })).toContain(
      'first seen 2024-05-10T00:00:00.000Z at a.ndjson:7, within the history window',
    );
    expect(fateText({ kind: 'not-new', window, firstSeen: { time: '2024-05-10T00:00:00.000Z', origin, stateLast: '2024-05-11T00:00:00.000Z' } })).toContain(
      'an earlier invocation',
    );
  });

  it('explains an event sitting exactly on the window start', () => {
    const f = { kind: 'not-new' as const, window, firstSeen: { time: window.from, origin: { file: 'a', line: 1 }, seq: 0 } };
    expect(fateText(f)).toContain('first_seen > from');
  });

  it('lists every run that lost it to max_signals', () => {
    expect(fateText({ kind: 'lost', windows: [window, { ...window, run: '2024-05-14T10:10:00.000Z' }] })).toContain(
      'run 2024-05-14T10:05:00.000Z, run 2024-05-14T10:10:00.000Z',
    );
  });

  it('names the missing field, the bad time and the foreign index', () => {
    expect(fateText({ kind: 'no-terms', missing: ['process.parent.executable'] })).toContain('process.parent.executable');
    expect(fateText({ kind: 'no-time', why: 'no @timestamp' })).toContain('no @timestamp');
    expect(fateText({ kind: 'outside-index', index: 'foo' })).toContain('index foo');
  });
});
