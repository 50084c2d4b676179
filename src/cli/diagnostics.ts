/**
 * Warnings and errors as objects (kind, message, and where: file, line, column, or the simulated run),
 * from each room's own form: the reader's bad lines, the parser's query warnings, the engine's events
 * without a time and its max_signals and gap messages.
 */
import type { Counts, Problem } from '../io/accounting.js';
import { MALFORMED_KINDS } from '../io/accounting.js';
import type { TimeIssue } from '../engine/scan.js';
import { formatSkipped, type SkippedFile } from '../io/walk.js';
import type { RunMessage } from '../engine/schedule.js';
import type { KqlWarning } from '../kql/parse.js';
import type { Diagnostic, ScanTail } from '../output/types.js';
import { warnedFindings, warningText } from '../rule/parameter-check.js';
import type { ActiveRule } from './rule-source.js';

/** A bad input line. */
export function problemDiagnostic(q: Problem): Diagnostic {
  return { kind: q.kind, file: q.file, line: q.line, ...(q.column !== undefined && { column: q.column }), message: q.what };
}

/** Bad lines: those kept, and the totals by kind (so human output can say how many more). */
export function problemDiagnostics(problems: readonly Problem[], malformed: Counts['malformedByKind']): Pick<ScanTail, 'warnings' | 'warningTotals'> {
  const warningTotals: Record<string, number> = {};
  for (const k of MALFORMED_KINDS) if (malformed[k] > 0) warningTotals[k] = malformed[k];
  return { warnings: problems.map(problemDiagnostic), warningTotals };
}

/** Everything a scan warns about, as objects: bad lines, query quirks, events without a time, truncated runs. */
export function scanDiagnostics(p: {
  problems: readonly Problem[];
  malformed: Counts['malformedByKind'];
  kqlWarnings: readonly Diagnostic[];
  timeIssues: readonly TimeIssue[];
  eventsWithoutTime: number;
  runWarnings: readonly RunMessage[];
  runErrors: readonly RunMessage[];
  /** Files a directory walk skipped (they hold no events). */
  skipped?: readonly SkippedFile[];
  /** Events before a --state file's last run (input-report.ts lateEventsWarning). */
  lateWarning?: string | undefined;
  /** Matching events nested too deep to be indexed: samples and how many in all. */
  depthIssues?: readonly TimeIssue[];
  eventsTooDeep?: number;
}): Pick<ScanTail, 'warnings' | 'errors' | 'warningTotals'> {
  const bad = problemDiagnostics(p.problems, p.malformed);
  const warnings: Diagnostic[] = [
    ...p.kqlWarnings,
    ...skippedDiagnostics(p.skipped ?? []),
    ...(p.lateWarning !== undefined ? [{ kind: 'late-events', message: p.lateWarning }] : []),
    ...bad.warnings,
    ...p.timeIssues.map((t) => ({ kind: 'event-time', file: t.file, line: t.line, message: t.message })),
    ...depthDiagnostics(p.depthIssues ?? []),
    ...p.runWarnings.map((w) => ({ kind: 'max-signals', run: w.run, message: w.message })),
  ];
  const warningTotals: Record<string, number> = { ...bad.warningTotals };
  if (p.eventsWithoutTime > 0) warningTotals['event-time'] = p.eventsWithoutTime;
  if ((p.eventsTooDeep ?? 0) > 0) warningTotals['too-deep'] = p.eventsTooDeep!;
  const errors: Diagnostic[] = p.runErrors.map((e) => ({ kind: 'gap', run: e.run, message: e.message }));
  return { warnings, errors, warningTotals };
}

/** A query warning (Kibana's quirks, e.g. `a:b and`) as a diagnostic; `file` only when the rule came from one. */
export function kqlDiagnostic(origin: { file?: string; where: string }, w: KqlWarning): Diagnostic {
  return origin.file !== undefined
    ? { kind: 'kql', file: origin.file, line: w.line, column: w.column, message: `query: ${w.message}` }
    : { kind: 'kql', line: w.line, column: w.column, message: `${origin.where}, line ${w.line}, column ${w.column}: ${w.message}` };
}

/** Files a directory walk skipped because they hold no events (one diagnostic naming them all). */
export function skippedDiagnostics(skipped: readonly SkippedFile[]): Diagnostic[] {
  return skipped.length === 0 ? [] : [{ kind: 'skipped-files', message: formatSkipped(skipped) }];
}

/** Matching events nested deeper than Elasticsearch indexes: the kept samples. */
export function depthDiagnostics(issues: readonly TimeIssue[]): Diagnostic[] {
  return issues.map((t) => ({ kind: 'too-deep', file: t.file, line: t.line, message: t.message }));
}

/**
 * What a rule's file holds that the tool does not apply (rule/parameters.ts): a `rule-parameter`
 * warning per parameter in effect that is warned about, refused but allowed (--allow-unsupported), or
 * unknown.
 */
export function parameterDiagnostics(active: Pick<ActiveRule, 'parameters' | 'file' | 'origin'>): Diagnostic[] {
  return warnedFindings(active.parameters).map((f) =>
    active.file !== undefined
      ? { kind: 'rule-parameter', file: active.file, message: warningText(f) }
      : { kind: 'rule-parameter', message: `${active.origin}: ${warningText(f)}` },
  );
}

/** The rule's warnings: its query's quirks and its parameters the tool does not apply. */
export function ruleDiagnostics(active: ActiveRule): Diagnostic[] {
  return [
    ...parameterDiagnostics(active),
    ...active.warnings.map((w) => kqlDiagnostic({ ...(active.file !== undefined && { file: active.file }), where: `${active.origin}: query` }, w)),
  ];
}
