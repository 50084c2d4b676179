import type { ChalkInstance } from 'chalk';
import { getFieldValues } from '../ecs/fields.js';
import { plainChalk } from './color.js';
import type { OutputSink } from './sink.js';
import { renderHostHistogram } from './histogram.js';
import { renderFooter, type SummaryStyle } from './summary.js';
import { displayWidth, padEnd, sanitize, truncate } from './text.js';
import type { AlertDocument, Formatter, TextWriter } from './types.js';

type Paint = (chalk: ChalkInstance, text: string) => string;

interface Column {
  header: string;
  cell(doc: AlertDocument): string;
  paint: Paint;
  /** Fixed columns keep their width; the others share what is left of the terminal. */
  fixed?: boolean;
}

function leafText(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function fieldText(doc: AlertDocument, path: string, sep = ', '): string {
  return getFieldValues(doc, path).map(leafText).join(sep);
}

/** ECS times are shown as UTC ISO-8601 with milliseconds whatever offset the event carried. */
export function isoTime(value: string): string {
  if (value === '') return value;
  const t = Date.parse(value);
  return Number.isNaN(t) ? value : new Date(t).toISOString();
}

// Quote an argument so the joined command line reads as the argv it came from.
function shellQuote(arg: string): string {
  return arg === '' || /[\s'"\\$`;&|<>*?()]/.test(arg) ? `'${arg.replace(/'/g, `'\\''`)}'` : arg;
}

function commandLine(doc: AlertDocument): string {
  const line = fieldText(doc, 'process.command_line', ' ');
  if (line !== '') return line;
  return getFieldValues(doc, 'process.args').map(leafText).map(shellQuote).join(' ');
}

function parent(doc: AlertDocument): string {
  return fieldText(doc, 'process.parent.executable') || fieldText(doc, 'process.parent.name');
}

const COLUMNS: readonly Column[] = [
  { header: 'time', cell: (d) => isoTime(fieldText(d, 'kibana.alert.original_time')), paint: (c, s) => c.dim(s), fixed: true },
  { header: 'host', cell: (d) => fieldText(d, 'host.name'), paint: (c, s) => c.cyan(s) },
  { header: 'user', cell: (d) => fieldText(d, 'user.name'), paint: (c, s) => c.yellow(s) },
  { header: 'command line', cell: commandLine, paint: (c, s) => c.bold(s) },
  { header: 'parent', cell: parent, paint: (c, s) => c.magenta(s) },
  { header: 'new terms', cell: (d) => fieldText(d, 'kibana.alert.new_terms'), paint: (c, s) => c.green(s) },
];

const GAP = '  ';
const MIN_FLEX_WIDTH = 6;
const EMPTY = '-';

/**
 * Widths for columns whose content is `natural` wide, within `available` columns: fixed columns
 * keep theirs, the others are capped at one common width (the widest cap that fits) and the
 * remainder is handed out left to right. Undefined when even `minWidth` per column does not fit.
 */
export function fitWidths(natural: readonly number[], fixed: readonly boolean[], available: number, minWidth = MIN_FLEX_WIDTH): number[] | undefined {
  const budget = available - natural.reduce((sum, w, i) => (fixed[i] ? sum + w : sum), 0);
  const used = (cap: number) => natural.reduce((sum, w, i) => (fixed[i] ? sum : sum + Math.min(w, cap)), 0);
  const widest = Math.max(0, ...natural.filter((_, i) => !fixed[i]));
  if (used(widest) <= budget) return [...natural];
  if (used(minWidth) > budget) return undefined;
  let lo = minWidth;
  let hi = widest;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (used(mid) <= budget) lo = mid;
    else hi = mid - 1;
  }
  let spare = budget - used(lo);
  return natural.map((w, i) => {
    if (fixed[i] || w <= lo) return w;
    const extra = Math.min(spare, w - lo);
    spare -= extra;
    return lo + extra;
  });
}

export interface TableOptions {
  /** Terminal columns; every line fits in it. */
  width: number;
  chalk?: ChalkInstance;
}

/**
 * Alerts as a table fitted to the terminal width, cells cut with an ellipsis. The new terms column
 * is left out when no alert has one (query mode). Too narrow for a table, each alert becomes a
 * block of `label: value` lines instead.
 */
export function renderAlertTable(alerts: readonly AlertDocument[], opts: TableOptions): string {
  const chalk = opts.chalk ?? plainChalk;
  if (alerts.length === 0) return chalk.green('No alerts.') + '\n';
  const rawRows = alerts.map((doc) => COLUMNS.map((col) => sanitize(col.cell(doc))));
  const columns = COLUMNS.filter((_, i) => i < COLUMNS.length - 1 || rawRows.some((r) => r[i] !== ''));
  const rows = rawRows.map((r) => r.slice(0, columns.length).map((s) => (s === '' ? EMPTY : s)));

  const natural = columns.map((col, i) => Math.max(displayWidth(col.header), ...rows.map((r) => displayWidth(r[i]!))));
  const widths = fitWidths(
    natural,
    columns.map((c) => c.fixed === true),
    opts.width - GAP.length * (columns.length - 1),
  );
  if (!widths) return renderStacked(columns, rows, opts.width, chalk);

  const line = (cells: string[], paint: (i: number, s: string) => string) =>
    cells
      .map((cell, i) => {
        const cut = truncate(cell, widths[i]!);
        // Pad outside the colour codes; the last cell is not padded, so no trailing blanks.
        return paint(i, cut) + (i === cells.length - 1 ? '' : ' '.repeat(widths[i]! - displayWidth(cut)));
      })
      .join(GAP);

  const out = [
    line(
      columns.map((c) => c.header),
      (_, s) => chalk.bold.underline(s),
    ),
    ...rows.map((r) => line(r, (i, s) => (s === EMPTY ? chalk.dim(s) : columns[i]!.paint(chalk, s)))),
  ];
  return out.join('\n') + '\n';
}

function renderStacked(columns: readonly Column[], rows: readonly string[][], width: number, chalk: ChalkInstance): string {
  const labelWidth = Math.max(...columns.map((c) => displayWidth(c.header))) + 1;
  const blocks = rows.map((r) =>
    columns
      .map((col, i) => {
        const label = `${padEnd(`${col.header}:`, labelWidth)} `;
        return chalk.bold(label) + col.paint(chalk, truncate(r[i]!, Math.max(1, width - displayWidth(label))));
      })
      .join('\n'),
  );
  return blocks.join('\n\n') + '\n';
}

export interface PrettyFormatterOptions {
  sink: OutputSink;
  /** Summary, warnings and errors go here (stderr), the table to the sink. */
  diagnostics: TextWriter;
  /** Colours for the table; level 0 when stdout gets no colour. */
  chalk?: ChalkInstance;
  /** Colours for the footer; level 0 when stderr gets no colour. */
  diagnosticsChalk?: ChalkInstance;
  /** Terminal width; process.stdout.columns or 120. */
  width?: number;
  summary?: SummaryStyle;
  /** End with the per-host histogram of the tail's timeline (on a terminal). */
  histogram?: boolean;
}

export const DEFAULT_WIDTH = 120;

/** `--format pretty`: alerts are held until the end, since column widths depend on all of them. */
export function createPrettyFormatter(opts: PrettyFormatterOptions): Formatter {
  const alerts: AlertDocument[] = [];
  return {
    async alert(doc) {
      alerts.push(doc);
    },
    async end(tail) {
      const width = opts.width ?? (process.stdout.columns || DEFAULT_WIDTH);
      await opts.sink.write(renderAlertTable(alerts, { width, ...(opts.chalk && { chalk: opts.chalk }) }));
      if (opts.histogram && tail.timeline) {
        const picture = renderHostHistogram(tail.timeline, { width, ...(opts.chalk && { chalk: opts.chalk }) });
        if (picture !== '') await opts.sink.write(`\n${picture}`);
      }
      opts.diagnostics.write(renderFooter(tail, opts.summary ?? 'full', opts.diagnosticsChalk ?? plainChalk));
    },
  };
}
