/**
 * The end of a scan on stderr: the summary (short by default: one line of the counts that matter;
 * full with -v) and the warnings and errors. Human output is bounded: a list shows at most
 * MAX_LISTED entries and says how many more there are; a quoted value is cut to MAX_EXCERPT
 * characters. JSON output (json.ts) carries everything, as objects.
 */
import type { ChalkInstance } from 'chalk';
import { plainChalk } from './color.js';
import { clipMiddle, displayWidth, padEnd, sanitize } from './text.js';
import type { Diagnostic, ScanTail, SummaryRow, SummarySection, SummaryValue } from './types.js';

export type { SummaryValue } from './types.js';

/** Entries a human-readable list shows before `… and N more`. */
export const MAX_LISTED = 10;
/**
 * Problems (bad lines) kept for `--format json`, which lists them; beyond this only their counts.
 * Bounded so a file of garbage cannot make the report grow without limit (~100 bytes each).
 */
export const JSON_MAX_PROBLEMS = 100_000;

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

/** Sections as `{ section_key: { row_key: value } }` for JSON output: every value whole. */
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

export function formatNumber(value: number): string {
  if (Number.isSafeInteger(value) && !Object.is(value, -0)) {
    const digits = String(Math.abs(value)).replace(/\B(?=(\d{3})+$)/g, ',');
    return value < 0 ? `-${digits}` : digits;
  }
  return (numberFormat ??= new Intl.NumberFormat('en-US')).format(value);
}

/** The hint after a cut list: where the rest can be read (json keeps JSON_MAX_PROBLEMS problems). */
export function moreText(more: number, what = '', total = more): string {
  const where = total <= JSON_MAX_PROBLEMS ? 'lists all' : `lists the first ${formatNumber(JSON_MAX_PROBLEMS)}`;
  return `… and ${formatNumber(more)} more${what ? ` ${what}` : ''} (--format json ${where})`;
}

/** At most `max` entries, then `… and N more (--format json lists all)` as one more entry. */
export function boundList(items: readonly string[], total = items.length, max = MAX_LISTED, what = ''): string[] {
  const shown = items.slice(0, max).map((s) => clipMiddle(sanitize(s)));
  return total > shown.length ? [...shown, moreText(total - shown.length, what)] : shown;
}

function isCounts(v: SummaryValue): v is Record<string, number> {
  return typeof v === 'object' && !Array.isArray(v);
}

/** A row's value as human text entries (a list gives several). */
function displayEntries(row: SummaryRow): string[] {
  const v = row.display ?? row.value;
  if (typeof v === 'number') return [formatNumber(v)];
  if (typeof v === 'string') return [clipMiddle(sanitize(v))];
  if (isCounts(v)) {
    const parts = Object.entries(v)
      .filter(([, n]) => n !== 0)
      .map(([k, n]) => `${sanitize(k)} ${formatNumber(n)}`);
    return parts.length === 0 ? ['-'] : [parts.join(', ')];
  }
  const list = v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x)));
  return list.length === 0 ? ['-'] : boundList(list);
}

export function formatValue(value: SummaryValue): string {
  return displayEntries({ key: '', label: '', value }).join(', ');
}

/** Lists that would make a long line are shown one entry per line. */
const INLINE_LIST_WIDTH = 60;

/**
 * Sections as aligned `label: value` lines under their titles, for stderr. Labels are aligned across
 * all sections so the numbers line up in one column; long lists get one indented line per entry,
 * at most MAX_LISTED of them.
 */
export function renderSummary(sections: readonly SummarySection[], chalk: ChalkInstance = plainChalk): string {
  const labelWidth = Math.max(0, ...sections.flatMap((s) => s.rows.map((r) => displayWidth(r.label) + 1)));
  const lines: string[] = [];
  for (const section of sections) {
    if (section.rows.length === 0) continue;
    lines.push(chalk.bold(section.title));
    for (const row of section.rows) {
      const entries = displayEntries(row);
      const inline = entries.join(', ');
      if (entries.length <= 1 || displayWidth(inline) <= INLINE_LIST_WIDTH) {
        lines.push(`  ${padEnd(`${row.label}:`, labelWidth)} ${inline}`);
      } else {
        lines.push(`  ${row.label}:`, ...entries.map((e) => `    ${e}`));
      }
    }
  }
  return lines.length === 0 ? '' : lines.join('\n') + '\n';
}

/** The whole summary on one line (`read 1,200 · evaluated 1,180 · alerts 3`), for logs and CI. */
export function renderSummaryLine(sections: readonly SummarySection[]): string {
  return sections
    .flatMap((s) => s.rows.map((r) => `${r.label} ${Array.isArray(r.value) && r.display === undefined ? boundList(r.value.map((x) => (typeof x === 'string' ? x : JSON.stringify(x)))).join(',') || '-' : formatValue(r.display ?? r.value)}`))
    .join(' · ');
}

function shortCount(v: SummaryValue): number | undefined {
  if (typeof v === 'number') return v;
  if (Array.isArray(v)) return v.length;
  return undefined;
}

/** Width at which the short summary goes on to a second line. */
const SHORT_LINE_WIDTH = 80;

/**
 * The default summary: the rows marked `short`, as `284 lines · 22 matches · 7 alerts · 3 malformed
 * (see warnings)`, on one line, or two when it would not fit in 80 columns.
 */
export function renderShortSummary(sections: readonly SummarySection[]): string {
  // The counts always shown come first, in section order; then whatever is not 0 and needs a look.
  const always: string[] = [];
  const notable: string[] = [];
  for (const row of sections.flatMap((s) => s.rows)) {
    if (!row.short) continue;
    const n = shortCount(row.value);
    const when = row.short.when ?? 'nonzero';
    if (n === undefined || (when === 'nonzero' && n === 0)) continue;
    (when === 'always' ? always : notable).push(`${formatNumber(n)} ${row.short.label}${row.short.note ? ` ${row.short.note}` : ''}`);
  }
  const parts = [...always, ...notable];
  if (parts.length === 0) return '';
  const lines: string[] = [];
  let current = '';
  for (const p of parts) {
    const next = current === '' ? p : `${current} · ${p}`;
    if (current !== '' && displayWidth(next) > SHORT_LINE_WIDTH && lines.length === 0) {
      lines.push(current);
      current = p;
    } else current = next;
  }
  lines.push(current);
  return lines.join('\n') + '\n';
}

/** Where a diagnostic points, as people and editors read it: `file:line:column`, or `run T`. */
export function diagnosticPlace(d: Diagnostic): string {
  // stdin arrives as `-`; people read it as stdin.
  if (d.file !== undefined) return `${d.file === '-' ? 'stdin' : d.file}${d.line === undefined ? '' : `:${d.line}${d.column === undefined ? '' : `:${d.column}`}`}`;
  if (d.run !== undefined) return `run ${d.run}`;
  return '';
}

// A JSON-quoted string inside a message (`"…"` with escapes).
const QUOTED = /"(?:[^"\\]|\\.)*"/g;
/** Longest message line printed; a message is ours, but it may quote input. */
const MAX_MESSAGE = 1000;

/** One diagnostic as one line: `place: message`, quoted input cut to MAX_EXCERPT characters. */
export function diagnosticText(d: Diagnostic): string {
  const place = diagnosticPlace(d);
  const message = clipMiddle(
    d.message.replace(QUOTED, (q) => clipMiddle(q)),
    MAX_MESSAGE,
  );
  return sanitize(place === '' ? message : `${place}: ${message}`);
}

/** Diagnostics grouped by kind in order of first appearance, each group cut to MAX_LISTED. */
function boundedDiagnostics(list: readonly Diagnostic[], totals: Readonly<Record<string, number>> = {}): string[] {
  const groups = new Map<string, Diagnostic[]>();
  for (const d of list) {
    const g = groups.get(d.kind);
    if (g) g.push(d);
    else groups.set(d.kind, [d]);
  }
  for (const kind of Object.keys(totals)) if (!groups.has(kind) && (totals[kind] ?? 0) > 0) groups.set(kind, []);
  const out: string[] = [];
  for (const [kind, g] of groups) {
    const total = Math.max(g.length, totals[kind] ?? 0);
    const shown = g.slice(0, MAX_LISTED).map(diagnosticText);
    out.push(...shown);
    if (total > shown.length) out.push(moreText(total - shown.length, kind, total));
  }
  return out;
}

/** Warnings and errors, one per line, prefixed so they can be grepped; at most MAX_LISTED of each kind. */
export function renderDiagnostics(tail: Pick<ScanTail, 'warnings' | 'errors' | 'warningTotals'>, chalk: ChalkInstance = plainChalk): string {
  const lines = [
    ...boundedDiagnostics(tail.warnings, tail.warningTotals).map((w) => `${chalk.yellow('warning:')} ${w}`),
    ...boundedDiagnostics(tail.errors).map((e) => `${chalk.red('error:')} ${e}`),
  ];
  return lines.length === 0 ? '' : lines.join('\n') + '\n';
}

/**
 * `short` (default): the counts that matter on one line; `full` (-v): every section; `compact`:
 * every row on one line; `none` (-q): nothing, but warnings and errors still show.
 */
export type SummaryStyle = 'full' | 'short' | 'compact' | 'none';

/** Summary then diagnostics, in the chosen style: what goes to stderr at the end of a scan. */
export function renderFooter(tail: ScanTail, style: SummaryStyle, chalk: ChalkInstance = plainChalk): string {
  const summary =
    style === 'full'
      ? renderSummary(tail.summary, chalk)
      : style === 'short'
        ? renderShortSummary(tail.summary)
        : style === 'compact' && tail.summary.length > 0
          ? renderSummaryLine(tail.summary) + '\n'
          : '';
  return summary + renderDiagnostics(tail, chalk);
}
