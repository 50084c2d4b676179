import { describe, expect, it } from 'vitest';
import { createProgress, formatProgressLine, progressEnabled } from '../../src/output/progress.js';

function stream(isTTY: boolean) {
  const writes: string[] = [];
  return { isTTY, columns: 100, write: (s: string) => writes.push(s), writes };
}

const snap = { bytesDone: 512 * 1024, bytesTotal: 2 * 1024 * 1024, events: 5000, matches: 2, file: 'events.ndjson' };

describe('progress', () => {
  it('writes nothing at all when stderr is not a terminal', () => {
    const s = stream(false);
    const p = createProgress({ stream: s, env: {}, now: () => 0 });
    p.update(snap);
    p.done();
    expect(p.enabled).toBe(false);
    expect(s.writes).toEqual([]);
  });

  it('stays off in CI and with --quiet, even on a terminal', () => {
    expect(progressEnabled({ isTTY: true, quiet: false, env: { CI: 'true' } })).toBe(false);
    expect(progressEnabled({ isTTY: true, quiet: true, env: {} })).toBe(false);
    expect(progressEnabled({ isTTY: true, quiet: false, env: { CI: 'false' } })).toBe(true);
  });

  it('shows percentage of known bytes, speed in bytes and lines per second, and matches so far', () => {
    expect(formatProgressLine({ ...snap, lines: 9000 }, 2000)).toBe('25% 512.0 KiB / 2.0 MiB · 256.0 KiB/s · 4.5k lines/s · 2 matches · events.ndjson');
    expect(formatProgressLine({ bytesDone: 100, events: 1, lines: 3, matches: 1 }, 1000)).toBe('100 B · 100 B/s · 3 lines/s · 1 match');
  });

  it('redraws at most five times a second and clears its line at the end', () => {
    let t = 0;
    const s = stream(true);
    const p = createProgress({ stream: s, env: {}, now: () => t });
    for (t = 0; t < 1000; t += 10) p.update(snap);
    expect(s.writes).toHaveLength(5);
    for (const w of s.writes) expect(w.startsWith('\r\x1b[K')).toBe(true);
    p.done();
    expect(s.writes.at(-1)).toBe('\r\x1b[K');
    p.done();
    expect(s.writes).toHaveLength(6);
  });
});
