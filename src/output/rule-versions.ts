/**
 * `rule versions` for people: one row per version (version, date, type, index patterns, new-terms
 * fields, history window) with what changed from the previous version on the lines under it.
 */
import type { ChalkInstance } from 'chalk';
import type { VersionRow } from '../rule/version-history.js';
import { displayWidth, padEnd } from './text.js';

const HEAD = ['version', 'date', 'type', 'index', 'new-terms fields', 'window'] as const;

function cells(r: VersionRow): string[] {
  return [
    String(r.version),
    `${r.date}${r.dateNote ? '*' : ''}`,
    r.evaluable ? r.type : `${r.type} (${r.language})`,
    r.index.join(', ') || '–',
    r.newTermsFields.join(', ') || '–',
    r.historyWindow ?? '–',
  ];
}

export function renderVersionTable(rows: readonly VersionRow[], chalk: ChalkInstance): string {
  const table = rows.map(cells);
  const widths = HEAD.map((h, i) => Math.max(displayWidth(h), ...table.map((c) => displayWidth(c[i]!))));
  const line = (cs: readonly string[]): string => cs.map((c, i) => (i === cs.length - 1 ? c : padEnd(c, widths[i]!))).join('  ').trimEnd();
  const out: string[] = [chalk.bold(line(HEAD))];
  rows.forEach((r, k) => {
    out.push(r.evaluable ? line(table[k]!) : chalk.dim(line(table[k]!)));
    const before = rows[k - 1];
    // After an EQL version the changes are counted from the last KQL version, and say so.
    if (r.evaluable && before !== undefined && !before.evaluable && r.comparedWith !== null) out.push(chalk.dim(`    compared with v${r.comparedWith}:`));
    if (r.comparedWith === null) out.push(chalk.dim('    first version'));
    else if (r.changes.length === 0) out.push(chalk.dim('    no change in what it detects or when'));
    else for (const c of r.changes) out.push(`    ${c.text}`);
  });
  const notes = rows.filter((r) => r.dateNote);
  for (const r of notes) out.push(chalk.dim(`* v${r.version}: ${r.dateNote}`));
  return `${out.join('\n')}\n`;
}
