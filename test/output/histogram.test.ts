/** The per-host histogram that ends the pretty format on a terminal. */
import { describe, expect, it } from 'vitest';
import { Chalk } from 'chalk';
import { HostTimelineCollector, renderHostHistogram, type HostTimeline } from '../../src/output/histogram.js';
import { createPrettyFormatter } from '../../src/output/pretty.js';
import { displayWidth } from '../../src/output/text.js';
import type { OutputSink } from '../../src/output/sink.js';

const T0 = Date.parse('2024-05-14T00:00:00.000Z');
const H = 3_600_000;
const stripAnsi = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');

function timeline(spec: Record<string, { matches: number[]; alerts?: number[] }>): HostTimeline {
  const c = new HostTimelineCollector(() => undefined);
  for (const [host, { matches, alerts = [] }] of Object.entries(spec)) {
    for (const t of matches) c.add(host, t, 'match');
    for (const t of alerts) c.add(host, t, 'alert');
  }
  return c.timeline();
}

describe('per-host histogram', () => {
  it('draws one row per host, busiest first, with block heights on a common scale and totals', () => {
    const out = renderHostHistogram(
      timeline({ quiet: { matches: [T0] }, busy: { matches: [T0, T0 + 1, T0 + 2, T0 + 2 * H], alerts: [T0] } }),
      { width: 140 },
    );
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^Matches per host over time: 2024-05-14T00:00Z … 2024-05-14T02:00Z, one column ≈ \d/);
    expect(lines[1]).toBe('█ = 3 matches, ▲ = a column with an alert');
    // Labels padded to the longest; the first column holds 3 matches (one alerted), the last one.
    expect(lines[2]).toMatch(/^busy   ▲ +▃  4 matches, 1 alert$/);
    expect(lines[3]).toMatch(/^quiet  ▃ +1 match$/);
  });

  it('paints columns with an alert red when colour is allowed', () => {
    const out = renderHostHistogram(timeline({ h: { matches: [T0, T0 + H], alerts: [T0] } }), { width: 50, chalk: new Chalk({ level: 1 }) });
    expect(out).toContain('\x1b[31m');
    expect(stripAnsi(out)).not.toContain('▲');
  });

  it('never draws a line wider than the terminal', () => {
    const hosts = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`a-rather-long-host-name-${i}.example.internal`, { matches: [T0, T0 + i * H], alerts: [T0 + i * H] }]));
    for (const width of [20, 40, 80, 200]) {
      for (const line of stripAnsi(renderHostHistogram(timeline(hosts), { width, chalk: new Chalk({ level: 1 }) })).trimEnd().split('\n')) {
        expect(displayWidth(line)).toBeLessThanOrEqual(width);
      }
    }
  });

  it('shows at most 20 hosts, then how many more and what they held', () => {
    const hosts = Object.fromEntries(Array.from({ length: 23 }, (_, i) => [`h${String(i).padStart(2, '0')}`, { matches: Array.from({ length: 30 - i }, (_, k) => T0 + k * H) }]));
    const lines = renderHostHistogram(timeline(hosts), { width: 100 }).trimEnd().split('\n');
    expect(lines).toHaveLength(2 + 20 + 1);
    expect(lines[22]).toBe(`… and 3 more hosts (${8 + 9 + 10} matches, 0 alerts)`);
  });

  it('is empty when nothing has a time', () => {
    expect(renderHostHistogram(timeline({}), { width: 80 })).toBe('');
  });

  it('ends the pretty table when asked to (the scan asks on a terminal)', async () => {
    let text = '';
    const sink = { write: async (s: string) => void (text += s), closed: false } as unknown as OutputSink;
    const tail = { summary: [], warnings: [], errors: [], timeline: timeline({ h: { matches: [T0] } }) };
    await createPrettyFormatter({ sink, diagnostics: { write: () => true }, width: 80, summary: 'none', histogram: true }).end(tail);
    expect(text).toMatch(/No alerts\.\n\nMatches per host over time/);
    text = '';
    await createPrettyFormatter({ sink, diagnostics: { write: () => true }, width: 80, summary: 'none' }).end(tail);
    expect(text).not.toContain('Matches per host');
  });
});
