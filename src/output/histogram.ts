/**
 * The terminal picture that ends the pretty format: per host, matches over time as a row of Unicode
 * block heights (one column per time slice, the same scale for every host), the slices holding an
 * alert in red (or `▲` without colour), then the host's totals. At most `maxHosts` rows (busiest
 * first, then `… and N more`), never wider than the terminal.
 */
import type { ChalkInstance } from 'chalk';
import { plainChalk } from './color.js';
import { hostOf } from './event-fields.js';
import { displayWidth, padEnd, sanitize, truncate } from './text.js';

/** Times (epoch ms) of the matching events and of the alerts' source events, per host. */
export interface HostTimeline {
  hosts: ReadonlyMap<string, { matches: readonly number[]; alerts: readonly number[] }>;
}

export class HostTimelineCollector {
  private readonly hosts = new Map<string, { matches: number[]; alerts: number[] }>();

  /** `timeOf`: the event's time as the rule reads it (its timestamp override); undefined: not drawn. */
  constructor(private readonly timeOf: (doc: Record<string, unknown>) => number | undefined) {}

  /** A matching event, or an alert's source event. */
  addEvent(doc: Record<string, unknown>, kind: 'match' | 'alert'): void {
    const t = this.timeOf(doc);
    if (t !== undefined) this.add(hostOf(doc), t, kind);
  }

  add(host: string, ms: number, kind: 'match' | 'alert'): void {
    let h = this.hosts.get(host);
    if (!h) {
      h = { matches: [], alerts: [] };
      this.hosts.set(host, h);
    }
    (kind === 'match' ? h.matches : h.alerts).push(ms);
  }

  timeline(): HostTimeline {
    return { hosts: this.hosts };
  }
}

const LEVELS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
const ALERT_PLAIN = '▲';
export const MAX_HOSTS = 20;
const MAX_LABEL = 24;
const MIN_COLUMNS = 8;

export interface HistogramOptions {
  width: number;
  chalk?: ChalkInstance;
  maxHosts?: number;
}

function duration(ms: number): string {
  const units: Array<[string, number]> = [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]];
  const parts: string[] = [];
  let rest = Math.round(ms);
  for (const [u, n] of units) {
    if (rest >= n && parts.length < 2) {
      parts.push(`${Math.floor(rest / n)}${u}`);
      rest %= n;
    }
  }
  return parts.length > 0 ? parts.join(' ') : `${rest}ms`;
}

const minute = (ms: number): string => `${new Date(ms).toISOString().slice(0, 16)}Z`;

/** The histogram, ending in a newline; empty when there is nothing with a time to draw. */
export function renderHostHistogram(timeline: HostTimeline, opts: HistogramOptions): string {
  const chalk = opts.chalk ?? plainChalk;
  const maxHosts = opts.maxHosts ?? MAX_HOSTS;
  const rows = [...timeline.hosts].map(([host, t]) => ({ host, ...t })).filter((r) => r.matches.length + r.alerts.length > 0);
  if (rows.length === 0) return '';
  rows.sort((a, b) => b.matches.length - a.matches.length || b.alerts.length - a.alerts.length || (a.host < b.host ? -1 : a.host > b.host ? 1 : 0));
  const shown = rows.slice(0, maxHosts);
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const r of rows) {
    for (const t of r.matches) (lo = Math.min(lo, t)), (hi = Math.max(hi, t));
    for (const t of r.alerts) (lo = Math.min(lo, t)), (hi = Math.max(hi, t));
  }
  let totals = shown.map((r) => `${r.matches.length} match${r.matches.length === 1 ? '' : 'es'}${r.alerts.length > 0 ? `, ${r.alerts.length} alert${r.alerts.length === 1 ? '' : 's'}` : ''}`);
  let totalsWidth = Math.max(...totals.map((s) => s.length));
  let labelWidth = Math.min(MAX_LABEL, Math.max(...shown.map((r) => displayWidth(sanitize(r.host)))));
  // Narrow terminal: drop the totals, then shorten the host names, before the bars get too short.
  if (opts.width - labelWidth - totalsWidth - 4 < MIN_COLUMNS) {
    totals = totals.map(() => '');
    totalsWidth = 0;
    labelWidth = Math.max(1, Math.min(labelWidth, opts.width - 2 - MIN_COLUMNS));
  }
  const labels = shown.map((r) => truncate(sanitize(r.host), labelWidth));
  const columns = Math.max(1, Math.min(120, opts.width - labelWidth - 2 - (totalsWidth > 0 ? totalsWidth + 2 : 0)));
  const slice = Math.max(1, (hi - lo + 1) / columns);
  const col = (t: number) => Math.min(columns - 1, Math.floor((t - lo) / slice));

  const counts = shown.map((r) => {
    const m = new Array<number>(columns).fill(0);
    const a = new Array<boolean>(columns).fill(false);
    for (const t of r.matches) m[col(t)]!++;
    for (const t of r.alerts) a[col(t)] = true;
    return { m, a };
  });
  const peak = Math.max(1, ...counts.flatMap((c) => c.m));
  const coloured = chalk.level > 0;
  const bar = (c: { m: number[]; a: boolean[] }): string =>
    c.m
      .map((n, i) => {
        if (c.a[i]) return coloured ? chalk.red.bold(LEVELS[Math.max(0, Math.ceil((n / peak) * LEVELS.length) - 1)]!) : ALERT_PLAIN;
        if (n === 0) return ' ';
        return chalk.cyan(LEVELS[Math.ceil((n / peak) * LEVELS.length) - 1]!);
      })
      .join('');

  const out: string[] = [];
  // Built plain, cut to the width, then coloured: escape codes must not count as columns.
  const head = `Matches per host over time: ${minute(lo)} … ${minute(hi)}, one column ≈ ${duration(slice)}`;
  out.push(chalk.bold(truncate(head, opts.width)));
  const key = `█ = ${peak} match${peak === 1 ? '' : 'es'}, ${coloured ? '█' : ALERT_PLAIN} = a column with an alert`;
  if (displayWidth(key) <= opts.width) out.push(coloured ? chalk.dim(`█ = ${peak} match${peak === 1 ? '' : 'es'}, `) + chalk.red.bold('█') + chalk.dim(' = a column with an alert') : key);
  shown.forEach((r, i) => {
    out.push(`${padEnd(labels[i]!, labelWidth)}  ${bar(counts[i]!)}${totalsWidth > 0 ? `  ${chalk.dim(totals[i]!)}` : ''}`);
  });
  if (rows.length > shown.length) {
    const rest = rows.slice(shown.length);
    const m = rest.reduce((s, r) => s + r.matches.length, 0);
    const a = rest.reduce((s, r) => s + r.alerts.length, 0);
    out.push(chalk.dim(truncate(`… and ${rest.length} more host${rest.length === 1 ? '' : 's'} (${m} matches, ${a} alerts)`, opts.width)));
  }
  return `${out.join('\n')}\n`;
}
