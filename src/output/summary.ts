import type { ChalkInstance } from 'chalk';
import { plainChalk } from './color.js';
import { displayWidth, padEnd, sanitize } from './text.js';
import type { ScanTail, SummaryRow, SummarySection } from './types.js';

export type SummaryValue = SummaryRow['value'];

/** `Index filter` → `index_filter`: the JSON key of a section that does not name one. */
export function sectionKey(section: SummarySection): string {
  if (section.key) return section.key;
  return (
    section.title
      .trim()
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '') || 'summary'
  );
}

/** Sections as `{ section_key: { row_key: value } }` for JSON output. */
export function summaryToObject(sections: readonly SummarySection[]): Record<string, Record<string, SummaryValue>> {
  const out: Record<string, Record<string, SummaryValue>> = {};
  for (const section of sections) {
    const target = (out[sectionKey(section)] ??= {});
    for (const row of section.rows) target[row.key] = row.value;
  }
  return out;
}

// Constructing an Intl.NumberFormat costs over 10 ms (ICU set-up) at start-up. Summary numbers are
// counts: safe integers are grouped by hand (the same text en-US gives); anything else goes to a
// formatter built on first use.
let numberFormat: Intl.NumberFormat | undefined;

function formatNumber(value: number): string {
  if (Number.isSafeInteger(value) && !Object.is(value, -0)) {
    const digits = String(Math.abs(value)).replace(/\B(?=(\d{3})+$)/g, ',');
    return value < 0 ? `-${digits}` : digits;
  }
  return (numberFormat ??= new Intl.NumberFormat('en-US')).format(value);
}

export function formatValue(value: SummaryValue): string {
  if (typeof value === 'number') return formatNumber(value);
  if (Array.isArray(value)) return value.length === 0 ? '-' : value.map(sanitize).join(', ');
  return sanitize(value);
}

/**
 * Sections as aligned `label: value` lines under their titles, for stderr. Labels are aligned across
 * all sections so the numbers line up in one column.
 */
export function renderSummary(sections: readonly SummarySection[], chalk: ChalkInstance = plainChalk): string {
  const labelWidth = Math.max(0, ...sections.flatMap((s) => s.rows.map((r) => displayWidth(r.label) + 1)));
  const lines: string[] = [];
  for (const section of sections) {
    if (section.rows.length === 0) continue;
    lines.push(chalk.bold(section.title));
    for (const row of section.rows) {
      lines.push(`  ${padEnd(`${row.label}:`, labelWidth)} ${formatValue(row.value)}`);
    }
  }
  return lines.length === 0 ? '' : lines.join('\n') + '\n';
}

/** The whole summary on one line (`read 1,200 · evaluated 1,180 · alerts 3`), for logs and CI. */
export function renderSummaryLine(sections: readonly SummarySection[]): string {
  return sections
    .flatMap((s) => s.rows.map((r) => `${r.label} ${Array.isArray(r.value) ? r.value.map(sanitize).join(',') || '-' : formatValue(r.value)}`))
    .join(' · ');
}

/** Warnings and errors, one per line, prefixed so they can be grepped. */
export function renderDiagnostics(tail: Pick<ScanTail, 'warnings' | 'errors'>, chalk: ChalkInstance = plainChalk): string {
  const lines = [
    ...tail.warnings.map((w) => `${chalk.yellow('warning:')} ${sanitize(w)}`),
    ...tail.errors.map((e) => `${chalk.red('error:')} ${sanitize(e)}`),
  ];
  return lines.length === 0 ? '' : lines.join('\n') + '\n';
}

export type SummaryStyle = 'full' | 'compact' | 'none';

/** Summary then diagnostics, in the chosen style: what goes to stderr at the end of a scan. */
export function renderFooter(tail: ScanTail, style: SummaryStyle, chalk: ChalkInstance = plainChalk): string {
  const summary =
    style === 'full' ? renderSummary(tail.summary, chalk) : style === 'compact' && tail.summary.length > 0 ? renderSummaryLine(tail.summary) + '\n' : '';
  return summary + renderDiagnostics(tail, chalk);
}
