/**
 * What the pretty table can show: named columns (`--columns time,host,command,parent`) and any ECS
 * field path (`--columns time,host.name,process.pid`). Each column knows its header, how to read its
 * cell from an alert, how a too-long cell is cut (paths in the middle, so the file name survives)
 * and its colour. Layout is pretty.ts's job.
 */
import type { ChalkInstance } from 'chalk';
import { getFieldValues } from '../ecs/fields.js';
import { parseEventTime } from '../ecs/time.js';
import { formatDisplayTime, displayYear, type TimeDisplay } from './display-time.js';
import type { AlertDocument } from './types.js';

export type Paint = (chalk: ChalkInstance, text: string) => string;

/** How a cell too wide for its column is cut. */
export type Elision = 'end' | 'path';

export interface ColumnSpec {
  /** The name given to --columns. */
  name: string;
  header: string;
  /** What the column shows, for --help and the README. */
  description: string;
  /** The cell's text (before sanitising); '' when the alert has nothing for it. */
  cell(doc: AlertDocument, ctx: CellContext): string;
  paint: Paint;
  elision: Elision;
  /** Fixed columns keep their natural width; the others share what is left of the terminal. */
  fixed?: boolean;
}

export interface CellContext {
  time: TimeDisplay;
  /** Compact times show the year only when the alerts span more than one. */
  withYear: boolean;
}

function leafText(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
}

export function fieldText(doc: AlertDocument, path: string, sep = ', '): string {
  return getFieldValues(doc, path).map(leafText).join(sep);
}

// Quote an argument so the joined command line reads as the argv it came from.
function shellQuote(arg: string): string {
  return arg === '' || /[\s'"\\$`;&|<>*?()]/.test(arg) ? `'${arg.replace(/'/g, `'\\''`)}'` : arg;
}

export function commandLine(doc: AlertDocument): string {
  const line = fieldText(doc, 'process.command_line', ' ');
  if (line !== '') return line;
  return getFieldValues(doc, 'process.args').map(leafText).map(shellQuote).join(' ');
}

/** The source event's time: `kibana.alert.original_time` (the source's `@timestamp`). */
export const ORIGINAL_TIME = 'kibana.alert.original_time';

function timeCell(path: string): (doc: AlertDocument, ctx: CellContext) => string {
  return (doc, ctx) => {
    const raw = getFieldValues(doc, path)[0];
    if (raw === undefined || raw === null || raw === '') return '';
    const ms = parseEventTime(raw);
    return ms === undefined ? leafText(raw) : formatDisplayTime(ms, ctx.time, ctx.withYear);
  };
}

const dim: Paint = (c, s) => c.dim(s);
const plain: Paint = (_c, s) => s;

export const COLUMN_SPECS: readonly ColumnSpec[] = [
  { name: 'time', header: 'time', description: "the source event's @timestamp (kibana.alert.original_time)", cell: timeCell(ORIGINAL_TIME), paint: dim, elision: 'end', fixed: true },
  { name: 'run', header: 'run', description: 'the simulated rule run that wrote the alert (the alert\'s @timestamp)', cell: timeCell('@timestamp'), paint: dim, elision: 'end', fixed: true },
  { name: 'host', header: 'host', description: 'host.name', cell: (d) => fieldText(d, 'host.name') || fieldText(d, 'host.hostname'), paint: (c, s) => c.cyan(s), elision: 'end' },
  { name: 'user', header: 'user', description: 'user.name', cell: (d) => fieldText(d, 'user.name'), paint: (c, s) => c.yellow(s), elision: 'end' },
  { name: 'command', header: 'command line', description: 'process.command_line, else process.args quoted as a shell would', cell: commandLine, paint: (c, s) => c.bold(s), elision: 'end' },
  { name: 'process', header: 'process', description: 'process.executable, else process.name', cell: (d) => fieldText(d, 'process.executable') || fieldText(d, 'process.name'), paint: plain, elision: 'path' },
  { name: 'parent', header: 'parent', description: 'process.parent.executable, else process.parent.name', cell: (d) => fieldText(d, 'process.parent.executable') || fieldText(d, 'process.parent.name'), paint: (c, s) => c.magenta(s), elision: 'path' },
  { name: 'new_terms', header: 'new terms', description: 'kibana.alert.new_terms (by default only when it says more than the process and parent columns)', cell: (d) => fieldText(d, 'kibana.alert.new_terms'), paint: (c, s) => c.green(s), elision: 'path' },
  { name: 'severity', header: 'severity', description: 'kibana.alert.severity', cell: (d) => fieldText(d, 'kibana.alert.severity'), paint: plain, elision: 'end' },
  { name: 'rule', header: 'rule', description: 'kibana.alert.rule.name', cell: (d) => fieldText(d, 'kibana.alert.rule.name'), paint: plain, elision: 'end' },
  { name: 'uuid', header: 'alert uuid', description: 'kibana.alert.uuid', cell: (d) => fieldText(d, 'kibana.alert.uuid'), paint: dim, elision: 'end' },
  { name: 'reason', header: 'reason', description: 'kibana.alert.reason', cell: (d) => fieldText(d, 'kibana.alert.reason'), paint: plain, elision: 'end' },
];

export const DEFAULT_COLUMNS = ['time', 'host', 'user', 'command', 'process', 'parent', 'new_terms'] as const;

const FIELD_PATH = /^[@\w][\w.@-]*$/;

/** A column for any field path: its values joined; paths cut in the middle when they look like paths. */
function fieldColumn(path: string): ColumnSpec {
  return { name: path, header: path, description: path, cell: (d) => fieldText(d, path), paint: plain, elision: 'path' };
}

export class ColumnError extends Error {
  override readonly name = 'ColumnError';
}

/** The columns `--columns` names, in order: catalogue names first, else ECS field paths. */
export function resolveColumns(names: readonly string[]): ColumnSpec[] {
  if (names.length === 0) throw new ColumnError('expected at least one column');
  return names.map((raw) => {
    const name = raw.trim();
    const known = COLUMN_SPECS.find((c) => c.name === name || c.name === name.replace(/-/g, '_'));
    if (known) return known;
    if (FIELD_PATH.test(name)) return fieldColumn(name);
    throw new ColumnError(`unknown column ${JSON.stringify(name)}: expected ${COLUMN_SPECS.map((c) => c.name).join(', ')} or a field path such as process.pid`);
  });
}

/** Whether the compact times of these alerts need their year (they span more than one). */
export function needsYear(alerts: readonly AlertDocument[], columns: readonly ColumnSpec[], time: TimeDisplay): boolean {
  if (time.wide) return false;
  const paths = columns.filter((c) => c.name === 'time' || c.name === 'run').map((c) => (c.name === 'time' ? ORIGINAL_TIME : '@timestamp'));
  const years = new Set<string>();
  for (const doc of alerts) {
    for (const p of paths) {
      const ms = parseEventTime(getFieldValues(doc, p)[0]);
      if (ms !== undefined) years.add(displayYear(ms, time.timeZone));
    }
    if (years.size > 1) return true;
  }
  return false;
}
