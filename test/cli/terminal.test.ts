/**
 * The pretty table in a real terminal (tmux, at 80, 120 and 200 columns), as a user at a desk sees
 * it: every table line fits, paths keep their file names, the summary is one line.
 */
import { describe, expect, it } from 'vitest';
import { DEMO } from './run-cli.js';
import { hasTmux, runInTerminal } from './tmux.js';

const SUMMARY = '284 lines · 22 matches · 7 alerts · 3 malformed (see warnings)';

describe.skipIf(!hasTmux())('the demo in a terminal', () => {
  const screens = new Map([80, 120, 200].map((w) => [w, runInTerminal([DEMO], w)]));
  /** The table: the screen's lines up to the first blank one (the per-host histogram follows it). */
  const table = (w: number): string[] => {
    const lines = screens.get(w)!.split('\n');
    const end = lines.findIndex((l) => l === '' || l === SUMMARY);
    return lines.slice(0, end);
  };
  /** Everything before the summary: the table and the histogram. */
  const body = (w: number): string[] => {
    const lines = screens.get(w)!.split('\n');
    return lines.slice(0, lines.indexOf(SUMMARY));
  };

  it.each([80, 120, 200])('fits every table line into %i columns, one row per alert, the summary on one line', (w) => {
    const rows = table(w);
    expect(rows[0]).toMatch(/^time {2,}host {2,}user {2,}command line {2,}process {2,}parent$/);
    expect(rows).toHaveLength(1 + 7);
    for (const line of body(w)) expect([...line].length).toBeLessThanOrEqual(w);
    expect(screens.get(w)!.split('\n')).toContain(SUMMARY);
    expect(screens.get(w)).toMatch(/^warning: fixtures\/demo\/events\.ndjson:61:1131: truncated JSON/m);
  });

  it('at 80 columns cuts paths in the middle, keeping the file name, and shows compact UTC times', () => {
    const rows = table(80).join('\n');
    expect(rows).toContain('05-12 03:36:00Z  web-01');
    expect(rows).toMatch(/web-01 +ubuntu +lsmod +\/usr\/…\/kmod +\/usr\/…\/bash$/m);
  });

  it('at 120 and 200 columns shows every path whole', () => {
    for (const w of [120, 200]) {
      const rows = table(w).join('\n');
      expect(rows).not.toContain('…');
      expect(rows).toMatch(/lsmod +\/usr\/bin\/kmod +\/usr\/bin\/bash$/m);
    }
  });

  it('shows full ISO times with --wide and another zone with --tz, still within 80 columns', () => {
    const screen = runInTerminal(['--wide', '--tz', 'America/New_York', DEMO], 80);
    const lines = screen.split('\n');
    const rows = lines.slice(0, lines.indexOf(SUMMARY));
    expect(rows.length).toBeGreaterThan(8);
    expect(rows[2]).toMatch(/^2024-05-11T23:36:00\.000-04:00 /);
    for (const line of rows) expect([...line].length).toBeLessThanOrEqual(80);
  });
});
