/**
 * How `compare` looks: per version its matches and alerts, then per consecutive pair the alerts
 * gained (+) and lost (−), each with its reason. JSON is the whole result; NDJSON is one record per
 * difference (for a CI job to grep or count). Event values are sanitised for terminals.
 */
import type { ChalkInstance } from 'chalk';
import { getKeywordTerms } from '../ecs/fields.js';
import { eventTimeOf, formatTime, timestampFieldsOf } from '../ecs/time.js';
import type { AlertDifference, CompareResult, VersionOutcome } from '../engine/compare.js';
import { displayWidth, padEnd, sanitize, truncate } from './text.js';

const first = (doc: unknown, field: string): string | undefined => getKeywordTerms(doc, field)[0];

/** The facts about an event a reader of a difference wants first. */
export function eventFacts(d: AlertDifference, versions: readonly VersionOutcome[]): Record<string, string | number | null> {
  const ev = d.record.event;
  // The time the alerting version reads (its time field).
  const alerting = versions.find((v) => v.version === (d.change === 'gained' ? d.to : d.from));
  const t = alerting ? eventTimeOf(ev.source, timestampFieldsOf(alerting.rule)) : undefined;
  const args = getKeywordTerms(ev.source, 'process.args');
  return {
    file: ev.origin.file,
    line: ev.origin.line,
    index: ev.index ?? null,
    id: ev.id ?? null,
    time: t?.ok ? formatTime(t.ms) : null,
    host: first(ev.source, 'host.name') ?? null,
    command_line: first(ev.source, 'process.command_line') ?? (args.length > 0 ? args.join(' ') : null),
    parent_executable: first(ev.source, 'process.parent.executable') ?? null,
  };
}

export function differenceRecord(d: AlertDifference, versions: readonly VersionOutcome[]): Record<string, unknown> {
  return { from: d.from, to: d.to, change: d.change, event: eventFacts(d, versions), reason: d.reason };
}

export function compareToJson(result: CompareResult): Record<string, unknown> {
  return {
    versions: result.versions.map((v) => ({ version: v.version, name: v.rule.name, type: v.rule.type, matches: v.matches, alerts: v.alerts })),
    pairs: result.pairs.map((p) => ({
      from: p.from,
      to: p.to,
      gained: p.gained.map((d) => differenceRecord(d, result.versions)),
      lost: p.lost.map((d) => differenceRecord(d, result.versions)),
    })),
    agree: result.agree,
  };
}

function versionTable(result: CompareResult, chalk: ChalkInstance): string[] {
  const head = ['version', 'type', 'matches', 'alerts'];
  const rows = result.versions.map((v) => [`v${v.version}`, v.rule.type, String(v.matches), String(v.alerts)]);
  const widths = head.map((h, i) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i]!))));
  const line = (cs: string[]) => cs.map((c, i) => padEnd(c, widths[i]!)).join('  ').trimEnd();
  return [chalk.bold(line(head)), ...rows.map(line)];
}

function differenceLines(d: AlertDifference, versions: readonly VersionOutcome[], chalk: ChalkInstance, width: number): string[] {
  const f = eventFacts(d, versions);
  const mark = d.change === 'gained' ? chalk.green('+') : chalk.red('−');
  const what = [f.time ?? '(no time)', f.host ?? '', f.command_line ?? '', f.parent_executable ? `← ${f.parent_executable}` : '']
    .filter((x) => x !== '')
    .map((x) => sanitize(String(x)))
    .join('  ');
  return [`  ${mark} ${chalk.bold(`${f.file}:${f.line}`)}  ${truncate(what, Math.max(20, width - displayWidth(`${f.file}:${f.line}`) - 6))}`, `      ${sanitize(d.reason.text)}`];
}

export function renderComparePretty(result: CompareResult, chalk: ChalkInstance, width = 120): string {
  const out = versionTable(result, chalk);
  for (const p of result.pairs) {
    out.push('');
    const n = p.gained.length + p.lost.length;
    const head = `v${p.from} → v${p.to}: ${n === 0 ? 'same alerts' : `${p.gained.length} alert${p.gained.length === 1 ? '' : 's'} gained, ${p.lost.length} lost`}`;
    out.push(chalk.bold(head));
    // Input order within a pair, gained and lost interleaved: the reader follows the file.
    const diffs = [...p.gained, ...p.lost].sort((a, b) => a.record.seq - b.record.seq);
    for (const d of diffs) out.push(...differenceLines(d, result.versions, chalk, width));
  }
  out.push('');
  out.push(result.agree ? 'The versions agree: the same events alert under each.' : 'The versions disagree.');
  return `${out.join('\n')}\n`;
}
