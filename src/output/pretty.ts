/**
 * `--format pretty`: alerts as a table fitted to the terminal (any width from 80 up; narrower
 * terminals get one block per alert), then the footer on stderr. What each column shows lives in
 * columns.ts; here is only layout: widths, cutting, padding, colour.
 */
import type { ChalkInstance } from 'chalk';
import { getFieldValues } from '../ecs/fields.js';
import { plainChalk } from './color.js';
import { COLUMN_SPECS, DEFAULT_COLUMNS, needsYear, type CellContext, type ColumnSpec } from './columns.js';
import { UTC_DISPLAY, type TimeDisplay } from './display-time.js';
import type { OutputSink } from './sink.js';
import { renderHostHistogram } from './histogram.js';
import { renderFooter, type SummaryStyle } from './summary.js';
import { displayWidth, elidePath, padEnd, sanitize, truncate } from './text.js';
import type { AlertDocument, Formatter, TextWriter } from './types.js';

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
  /** The columns to show, in order (`--columns`); default: DEFAULT_COLUMNS, empty ones left out. */
  columns?: readonly ColumnSpec[];
  /** UTC compact by default; `--tz`, `--wide`. */
  time?: TimeDisplay;
}

const byName = (name: string): ColumnSpec => COLUMN_SPECS.find((c) => c.name === name)!;

/**
 * Whether every alert's new terms already stand in its row (as the process and parent cells do for
 * the v210 rule's executable pair): then a new terms column would only repeat them.
 */
function newTermsRepeatRow(alerts: readonly AlertDocument[], columns: readonly ColumnSpec[], ctx: CellContext): boolean {
  return alerts.every((doc) => {
    const cells = new Set(columns.map((c) => c.cell(doc, ctx)));
    return getFieldValues(doc, 'kibana.alert.new_terms').every((v) => typeof v === 'string' && cells.has(v));
  });
}

/** The default columns for these alerts: those with something to show, new terms only when they add to the row. */
function defaultColumns(alerts: readonly AlertDocument[], ctx: CellContext): ColumnSpec[] {
  const candidates = DEFAULT_COLUMNS.map(byName);
  const filled = candidates.filter((c) => c.fixed === true || alerts.some((d) => c.cell(d, ctx) !== ''));
  const others = filled.filter((c) => c.name !== 'new_terms');
  return filled.length > others.length && !newTermsRepeatRow(alerts, others, ctx) ? filled : others;
}

/** A cell cut to `width`: paths in the middle (each of several values gets its share), the rest at the end. */
function cut(column: ColumnSpec, text: string, width: number): string {
  if (column.elision !== 'path' || displayWidth(text) <= width) return truncate(text, width);
  const parts = text.split(', ');
  const share = Math.floor((width - 2 * (parts.length - 1)) / parts.length);
  if (parts.length === 1 || share < 4) return parts.length === 1 ? elidePath(text, width) : truncate(text, width);
  return parts.map((p) => elidePath(p, share)).join(', ');
}

/**
 * Alerts as a table fitted to the terminal width: the time compact (`05-12 03:36:00Z`), paths cut in
 * the middle so the file name stays (`/usr/…/kmod`), other cells cut at the end with an ellipsis.
 * Too narrow for a table, each alert becomes a block of `label: value` lines instead.
 */
export function renderAlertTable(alerts: readonly AlertDocument[], opts: TableOptions): string {
  const chalk = opts.chalk ?? plainChalk;
  if (alerts.length === 0) return chalk.green('No alerts.') + '\n';
  const time = opts.time ?? UTC_DISPLAY;
  const all = opts.columns ?? COLUMN_SPECS;
  const ctx: CellContext = { time, withYear: needsYear(alerts, all, time) };
  const columns = opts.columns ? [...opts.columns] : defaultColumns(alerts, ctx);
  const rows = alerts.map((doc) => columns.map((col) => sanitize(col.cell(doc, ctx))).map((s) => (s === '' ? EMPTY : s)));

  const natural = columns.map((col, i) => Math.max(displayWidth(col.header), ...rows.map((r) => displayWidth(r[i]!))));
  const widths = fitWidths(
    natural,
    columns.map((c) => c.fixed === true),
    opts.width - GAP.length * (columns.length - 1),
  );
  if (!widths) return renderStacked(columns, rows, opts.width, chalk);

  const line = (cells: string[], paint: (i: number, s: string) => string, cutCell: (i: number, s: string) => string) =>
    cells
      .map((cell, i) => {
        const shown = cutCell(i, cell);
        // Pad outside the colour codes; the last cell is not padded, so no trailing blanks.
        return paint(i, shown) + (i === cells.length - 1 ? '' : ' '.repeat(widths[i]! - displayWidth(shown)));
      })
      .join(GAP);

  const out = [
    line(
      columns.map((c) => c.header),
      (_, s) => chalk.bold.underline(s),
      (i, s) => truncate(s, widths[i]!),
    ),
    ...rows.map((r) =>
      line(
        r,
        (i, s) => (s === EMPTY ? chalk.dim(s) : columns[i]!.paint(chalk, s)),
        (i, s) => cut(columns[i]!, s, widths[i]!),
      ),
    ),
  ];
  return out.join('\n') + '\n';
}

function renderStacked(columns: readonly ColumnSpec[], rows: readonly string[][], width: number, chalk: ChalkInstance): string {
  const labelWidth = Math.max(...columns.map((c) => displayWidth(c.header))) + 1;
  const blocks = rows.map((r) =>
    columns
      .map((col, i) => {
        const label = `${padEnd(`${col.header}:`, labelWidth)} `;
        return chalk.bold(label) + col.paint(chalk, cut(col, r[i]!, Math.max(1, width - displayWidth(label))));
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
  columns?: readonly ColumnSpec[];
  time?: TimeDisplay;
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
      await opts.sink.write(
        renderAlertTable(alerts, {
          width,
          ...(opts.chalk && { chalk: opts.chalk }),
          ...(opts.columns && { columns: opts.columns }),
          ...(opts.time && { time: opts.time }),
        }),
      );
      if (opts.histogram && tail.timeline) {
        const picture = renderHostHistogram(tail.timeline, { width, ...(opts.chalk && { chalk: opts.chalk }) });
        if (picture !== '') await opts.sink.write(`\n${picture}`);
      }
      opts.diagnostics.write(renderFooter(tail, opts.summary ?? 'full', opts.diagnosticsChalk ?? plainChalk));
    },
  };
}
