/**
 * How explanations look: a tree for terminals (colour through the chalk instance passed in, so a
 * plain chalk gives plain text), a JSON form for `--format json`, and the per-clause counts table.
 * Field values come from events and may be attacker-controlled, so they are sanitised for terminals.
 */
import type { ChalkInstance } from 'chalk';
import { getFieldValues } from '../ecs/fields.js';
import { parseEventTime } from '../ecs/time.js';
import type { EventFateRecord } from '../engine/fate.js';
import type { ClauseCounts, Explanation, ExplanationSummary, FieldEvidence } from '../kql/explain.js';
import { fateText } from './fate-text.js';
import { commandLine, fieldText } from './columns.js';
import { clipMiddle, padEnd, sanitize, truncate } from './text.js';

/** Who did what, when and where it was read: what a person needs to recognise an event. */
export interface EventFacts {
  /** `file:line`, stdin named `stdin` rather than `-`. */
  place: string;
  /** `@timestamp`, UTC ISO-8601 with milliseconds (as the alert table's time). */
  time: string | null;
  /** `event.ingested` when it differs from `@timestamp` (the v210 rule's event time). */
  ingested: string | null;
  host: string | null;
  user: string | null;
  commandLine: string | null;
  index: string | null;
}

/** How a source is named to people: stdin is `stdin`, not `-`. */
export function sourceName(file: string): string {
  return file === '-' ? 'stdin' : file;
}

function isoOf(doc: Record<string, unknown>, path: string): string | null {
  const v = getFieldValues(doc, path)[0];
  const ms = v === undefined || v === null || v === '' ? undefined : parseEventTime(v);
  return ms === undefined ? null : new Date(ms).toISOString();
}

export function eventFacts(ev: { source: Record<string, unknown>; origin: { file: string; line: number }; index?: string }): EventFacts {
  const time = isoOf(ev.source, '@timestamp');
  const ingested = isoOf(ev.source, 'event.ingested');
  const orNull = (s: string): string | null => (s === '' ? null : s);
  return {
    place: `${sourceName(ev.origin.file)}:${ev.origin.line}`,
    time,
    ingested: ingested === time ? null : ingested,
    host: orNull(fieldText(ev.source, 'host.name') || fieldText(ev.source, 'host.hostname')),
    user: orNull(fieldText(ev.source, 'user.name')),
    commandLine: orNull(commandLine(ev.source)),
    index: ev.index ?? null,
  };
}

/**
 * One line naming the event: `file:line  time  host  user  $ command line`, then its index; values
 * from the event sanitised, the command line cut to 200 characters.
 */
export function renderEventHeader(f: EventFacts, chalk: ChalkInstance): string {
  const dash = chalk.dim('-');
  const parts = [
    chalk.bold(sanitize(f.place)),
    f.time === null ? dash : chalk.dim(f.time) + (f.ingested === null ? '' : chalk.dim(` (ingested ${f.ingested})`)),
    f.host === null ? dash : chalk.cyan(sanitize(f.host)),
    f.user === null ? dash : chalk.yellow(sanitize(f.user)),
    f.commandLine === null ? dash : `$ ${chalk.bold(clipMiddle(sanitize(f.commandLine)))}`,
  ];
  return parts.join('  ') + (f.index === null ? '' : chalk.dim(`  ${sanitize(f.index)}`));
}

export interface TreeOptions {
  /** Longest KQL text shown per node before it is cut with an ellipsis. */
  clauseWidth?: number;
}

const mark = (chalk: ChalkInstance, verdict: boolean): string => (verdict ? chalk.green('✓') : chalk.red('✗'));

/** `field = "a", "b"` with satisfying values highlighted; `field missing` when nothing was there. */
function evidenceText(chalk: ChalkInstance, fields: FieldEvidence[], field: string | null): string {
  if (fields.length === 0) return chalk.dim(`${field ?? '(any field)'} missing`);
  return fields
    .map((f) => {
      if (f.examined.length === 0) return chalk.dim(`${sanitize(f.field)} missing`);
      const vals = f.examined.map((v) => {
        const q = JSON.stringify(sanitize(v));
        return f.satisfied.includes(v) ? chalk.bold.green(q) : chalk.dim(q);
      });
      return `${sanitize(f.field)} = ${vals.join(', ')}`;
    })
    .join('; ');
}

/** An `or` whose alternatives are plain `is` leaves on one field, shown as one line. */
function valueList(e: Explanation): FieldEvidence[] | undefined {
  if (e.kind !== 'or') return undefined;
  const leaves = e.children;
  if (!leaves.every((c) => c.kind === 'is')) return undefined;
  const fields = new Set(leaves.map((c) => (c.kind === 'is' ? c.field : undefined)));
  if (fields.size !== 1 || fields.has(null)) return undefined;
  const merged = new Map<string, FieldEvidence>();
  for (const c of leaves) {
    if (c.kind !== 'is') continue;
    for (const f of c.fields) {
      const m = merged.get(f.field) ?? { field: f.field, examined: f.examined, satisfied: [] };
      m.satisfied = [...new Set([...m.satisfied, ...f.satisfied])];
      merged.set(f.field, m);
    }
  }
  return [...merged.values()];
}

/** The explanation as an indented tree, one node per line, root first. */
export function renderExplanationTree(expl: Explanation, chalk: ChalkInstance, opts: TreeOptions = {}): string {
  const width = opts.clauseWidth ?? 72;
  const lines: string[] = [];
  const clause = (e: Explanation) => truncate(sanitize(e.kql), width);

  const visit = (e: Explanation, prefix: string, connector: string, childPrefix: string): void => {
    const head = `${prefix}${connector}${mark(chalk, e.verdict)} `;
    const list = valueList(e);
    if (list) {
      lines.push(`${head}${clause(e)}  ${evidenceText(chalk, list, list[0]?.field ?? null)}`);
      return;
    }
    switch (e.kind) {
      case 'is':
      case 'exists':
      case 'range':
        lines.push(`${head}${clause(e)}${e.accepts === undefined ? '' : chalk.dim(` (${e.accepts})`)}  ${evidenceText(chalk, e.fields, e.field)}`);
        return;
      case 'match_all':
        lines.push(`${head}${clause(e)}  ${chalk.dim('(matches every event)')}`);
        return;
      case 'and':
      case 'or': {
        lines.push(`${head}${chalk.bold(e.kind.toUpperCase())}  ${chalk.dim(clause(e))}`);
        e.children.forEach((c, i) => {
          const last = i === e.children.length - 1;
          visit(c, prefix + childPrefix, last ? '└─ ' : '├─ ', last ? '   ' : '│  ');
        });
        return;
      }
      case 'not':
        lines.push(`${head}${chalk.bold('NOT')}  ${chalk.dim(clause(e.child))}`);
        visit(e.child, prefix + childPrefix, '└─ ', '   ');
        return;
      case 'nested':
        lines.push(`${head}${chalk.bold('NESTED')} ${sanitize(e.path)}  ${chalk.dim(`(${e.objects} object${e.objects === 1 ? '' : 's'})`)}`);
        if (e.child) visit(e.child, prefix + childPrefix, '└─ ', '   ');
        return;
    }
  };
  visit(expl, '', '', '');
  return lines.join('\n');
}

/** The one-line verdict: branch taken for a match, the failure or exclusion otherwise. */
export function renderExplanationSummary(summary: ExplanationSummary, chalk: ChalkInstance): string {
  const text = sanitize(summary.text);
  return summary.matched ? `${chalk.green('MATCH')}     ${text}` : `${chalk.red('NO MATCH')}  ${text}`;
}

/**
 * What the scheduled rule made of a matching event (its fate, src/engine/fate.ts): one line, and for
 * an event with several term combinations that fared differently one more line per combination.
 */
export function renderFate(fate: EventFateRecord | string, chalk: ChalkInstance): string {
  const label = (kind: string): string => (kind === 'alerted' ? chalk.green('ALERT    ') : chalk.yellow('NO ALERT '));
  if (typeof fate === 'string') return `${label('none')} ${sanitize(fate)}`;
  const head = `${label(fate.fate.kind)} ${sanitize(fateText(fate.fate))}`;
  if (fate.terms.length <= 1 || fate.terms.every((t) => t.fate.kind === fate.fate.kind)) return head;
  const per = fate.terms.map((t) => `          ${chalk.dim(sanitize(t.values.join(' | ')))}: ${sanitize(fateText(t.fate))}`);
  return [head, ...per].join('\n');
}

/** The machine form: verdict, summary and full tree (all plain JSON). */
export function explanationToJson(expl: Explanation, summary: ExplanationSummary): {
  matched: boolean;
  summary: ExplanationSummary;
  explanation: Explanation;
} {
  return { matched: expl.verdict, summary, explanation: expl };
}

/** The per-clause counts as an aligned table. */
export function renderClauseCounts(counts: ClauseCounts, chalk: ChalkInstance, opts: TreeOptions = {}): string {
  const width = opts.clauseWidth ?? 64;
  const rows = counts.rows.map((r) => {
    const label = `${'  '.repeat(r.depth)}${r.kind === 'exclusion' ? 'NOT ' : ''}${truncate(sanitize(r.kind === 'exclusion' ? r.clause.replace(/^not /, '') : r.clause), width)}`;
    const note =
      r.kind === 'alternative'
        ? `matched ${r.matched ?? 0}`
        : r.kind === 'exclusion' || r.kind === 'exclusion-value'
          ? `suppressed ${r.suppressed ?? 0}`
          : '';
    return { label, held: String(r.held), note, kind: r.kind, zero: (r.kind === 'exclusion' || r.kind === 'exclusion-value') && (r.suppressed ?? 0) === 0 };
  });
  const labelWidth = Math.max(6, ...rows.map((r) => r.label.length));
  const heldWidth = Math.max(4, ...rows.map((r) => r.held.length));
  const header = chalk.bold(`${padEnd('clause', labelWidth)}  ${'held'.padStart(heldWidth)}  effect`);
  const body = rows.map((r) => {
    const note = r.zero ? chalk.dim(r.note) : r.kind === 'alternative' ? chalk.green(r.note) : r.note ? chalk.yellow(r.note) : '';
    return `${padEnd(r.label, labelWidth)}  ${r.held.padStart(heldWidth)}  ${note}`.trimEnd();
  });
  const footer = chalk.dim(
    `${counts.events} event(s); ${counts.matched} matched; ${counts.matchedBeforeExclusions} passed every positive clause; ${counts.matchedBeforeExclusions - counts.matched} suppressed by exclusions`,
  );
  return [header, ...body, footer].join('\n');
}
