/**
 * `scan` (the default command): events in, alerts out. The scan itself is the library's
 * `createFileScan` (engine/scan-files.ts); this wires options to it, prints progress, writes the
 * alerts in the chosen format with the summary, saves the state, and picks the exit code: 1 when
 * alerts were written (unless --exit-zero), 0 when none, 2 for usage, rule or input errors.
 */
import { bulkUpdatePair, writeSuppressionUpdates } from '../output/suppression-updates.js';
import { availableParallelism } from 'node:os';
import { timestampFieldsOf } from '../ecs/time.js';
import type { AlertDocument } from '../engine/alert.js';
import { sourceOfAlert } from '../engine/alert-source.js';
import { ScanConfigError } from '../engine/scan-config.js';
import { createFileScan, type FileScan, type ScanFilesOptions, type ScanFilesResult } from '../engine/scan-files.js';
import { HISTORY_WINDOW_TOO_SMALL } from '../engine/datemath.js';
import { StateFileError } from '../engine/state.js';
import { InputError } from '../io/errors.js';
import type { KueryNode } from '../kql/ast.js';
import { explainKql, summarizeExplanation } from '../kql/explain.js';
import { createChalk } from '../output/color.js';
import { createFormatter } from '../output/formatter.js';
import type { HostTimelineCollector } from '../output/histogram.js';
import { timelineCollector } from '../output/histogram-events.js';
import { nestAlert } from '../output/nest.js';
import { createProgress } from '../output/progress.js';
import type { OutputSink } from '../output/sink.js';
import { JSON_MAX_PROBLEMS, renderDiagnostics, type SummaryStyle } from '../output/summary.js';
import type { OutputFormat } from '../output/types.js';
import { ruleDiagnostics, scanDiagnostics } from './diagnostics.js';
import { engineOptions } from './engine-options.js';
import { EXIT_ALERTS, EXIT_OK, UserFacingError, requireInput } from './exit.js';
import { parseOptions, scanOptionsSchema, type ScanOptions } from './options.js';
import { loadActiveRule, type ActiveRule } from './rule-source.js';
import { queryTypeTable, resolveFieldTypes } from './field-types.js';
import type { FieldTypeTable } from '../kql/compile-typed.js';
import { detectionSection, inputSection, timeFilterRow } from './scan-summary.js';
import { idleSinceLoad, threadPlan } from './thread-plan.js';
import { Interrupted, keptMessage, trapStopSignals } from './interrupt.js';
import { batchPause } from './test-hooks.js';
import { expandInputs, inputVerdicts, lateEventsWarning, type ExpandedInputs } from './input-report.js';
import { checkRunsAfterState, readRunTimes } from './runs-file.js';
import { openOutputTarget } from './output-target.js';
import { stateSessionFor, type StateSession } from './state-session.js';

/** `--explain`: the query explained on the alert's source event, added to the alert. */
export function withExplanation(ast: KueryNode, alert: AlertDocument, types?: FieldTypeTable): AlertDocument {
  const summary = summarizeExplanation(explainKql(ast, sourceOfAlert(alert), types));
  return { ...alert, 'kmod_enum_detect.explain': summary.text, 'kmod_enum_detect.branches': summary.branches };
}

export { readRunsFile } from './runs-file.js';

/**
 * Schedule errors about the rule's own fields name the rule (file) and the fields' values: an
 * absolute `from` in a new_terms rule, for one, is refused by Kibana's validateHistoryWindowStart
 * because the history start (`now-14d`, evaluated at the current time) is not before it.
 */
function ruleFieldContext(message: string, active: ActiveRule, opts: ScanOptions): string {
  const rule = active.rule;
  const from = opts.from ?? rule.from;
  const src = (o: string | undefined) => (o === undefined ? active.origin : 'the command line');
  if (message === HISTORY_WINDOW_TOO_SMALL) {
    return (
      `${src(opts.from ?? opts.historyWindowStart)}: history_window_start ${JSON.stringify(opts.historyWindowStart ?? rule.history_window_start)} ` +
      `is not earlier than from ${JSON.stringify(from)} (both evaluated at the current time, as Kibana validates a new_terms rule): ${message}`
    );
  }
  if (message.startsWith('Failed to parse date math')) return `${src(opts.from)}: from ${JSON.stringify(from)} / to ${JSON.stringify(rule.to)}: ${message}`;
  if (message.startsWith('Invalid duration')) return `${src(opts.interval)}: interval: ${message}`;
  return message;
}

export function defaultFormat(output: string | undefined): OutputFormat {
  return output === undefined && process.stdout.isTTY === true ? 'pretty' : 'ndjson';
}

/** The summary's "prefilter literals" row when no literal was searched for. */
function prefilterOff(opts: ScanOptions): string {
  if (!opts.prefilter) return 'off (--no-prefilter)';
  if (opts.strict) return 'off (--strict parses every line)';
  return 'none: the query has no required literal';
}

/** On a terminal the pretty table ends with a per-host histogram of matches and alerts over time. */
function wantsHistogram(opts: ScanOptions, format: OutputFormat): boolean {
  return format === 'pretty' && process.stdout.isTTY === true && opts.output === undefined && !opts.count;
}

/**
 * The library options the command line asks for (--runs read). The --state file is not loaded here:
 * the state session loads it under its lock (runScan, prepare).
 */
export async function libraryOptions(opts: ScanOptions, active: ActiveRule, format: OutputFormat): Promise<ScanFilesOptions> {
  // json lists every problem (up to a bound); human output shows ten of each kind.
  const maxProblems = format === 'json' ? JSON_MAX_PROBLEMS : undefined;
  return {
    ...(await engineOptions({ ...opts, state: undefined }, active.rule, maxProblems === undefined ? {} : { maxTimeIssues: maxProblems })),
    rule: active.rule,
    query: active.ast,
    ...(active.exceptionFilter !== undefined && { exceptionFilter: active.exceptionFilter }),
    strict: opts.strict,
    prefilter: opts.prefilter,
    // Field types (--mapping, else ECS with Elastic Defend's process data stream where the rule reads it).
    fieldTypes: resolveFieldTypes(active.rule, opts.mapping),
    ...(opts.since !== undefined && { since: opts.since }),
    ...(opts.until !== undefined && { until: opts.until }),
    ...(maxProblems !== undefined && { maxProblems }),
    ...threadPlan(opts.threads, availableParallelism(), idleSinceLoad),
  };
}

/** The scan with its configuration checked: schedule parameters and the (locked, loaded) state file. */
async function prepare(inputs: string[], lib: ScanFilesOptions, session: StateSession | undefined, active: ActiveRule, opts: ScanOptions): Promise<FileScan> {
  try {
    if (session?.loaded) {
      lib.state = session.loaded;
      if (opts.runs !== undefined) checkRunsAfterState(opts.runs, await readRunTimes(opts.runs), session.file, session.loaded.state.lastRunTime);
    }
    return createFileScan(inputs, lib);
  } catch (e) {
    if (e instanceof ScanConfigError) throw new UserFacingError(ruleFieldContext(e.message, active, opts));
    if (e instanceof StateFileError) throw new UserFacingError(e.message);
    throw e;
  }
}

/** How the scan's result is written: its format, the field types --explain evaluates with, the inputs as expanded. */
interface ResultContext {
  format: OutputFormat;
  typeTable: FieldTypeTable;
  expanded: ExpandedInputs;
  histogram?: HostTimelineCollector | undefined;
  /** Called before each alert is written: throws once a stop signal arrived. */
  check?: () => void;
}

async function writeResult(opts: ScanOptions, active: ActiveRule, result: ScanFilesResult, sink: OutputSink, ctx: ResultContext): Promise<void> {
  const { format, typeTable, expanded, histogram, check = () => {} } = ctx;
  const env = process.env;
  const chalk = createChalk({ ...(opts.color !== undefined && { flag: opts.color }), env, isTTY: process.stdout.isTTY === true && opts.output === undefined });
  const diagnosticsChalk = createChalk({ ...(opts.color !== undefined && { flag: opts.color }), env, isTTY: process.stderr.isTTY === true });
  const acct = result.accounting;
  const diagnostics = scanDiagnostics({
    problems: acct.problems,
    malformed: acct.total.malformedByKind,
    kqlWarnings: ruleDiagnostics(active),
    skipped: expanded.skipped,
    lateWarning: lateEventsWarning(result.summary.late, opts.state),
    timeIssues: result.summary.timeIssues,
    eventsWithoutTime: result.summary.eventsWithoutTime,
    depthIssues: result.summary.depthIssues,
    eventsTooDeep: result.summary.eventsTooDeep,
    runWarnings: result.warnings,
    runErrors: result.errors,
  });
  const literals = result.prefilter === null ? prefilterOff(opts) : result.prefilter.needles.map((n) => n.text).join(', ');
  const input = inputSection(acct.total, acct.files.size, result.matched, literals, expanded);
  if (opts.since !== undefined || opts.until !== undefined) input.rows.push(timeFilterRow(result.outsideSinceUntil));
  const summary = [input, detectionSection(result.summary, timestampFieldsOf(active.rule))];
  // --quiet drops the summary, not the warnings: malformed lines, skipped files and late events are
  // each still said (this replaces issue 11's one-line totals under --quiet).

  if (opts.count) {
    // -c: the number of alerts, as grep -c counts lines; warnings still go to stderr.
    await sink.write(`${result.alerts.length}\n`);
    process.stderr.write(renderDiagnostics(diagnostics, diagnosticsChalk));
    return;
  }
  const style: SummaryStyle = opts.quiet ? 'none' : opts.verbose ? 'full' : (opts.summary ?? 'short');
  const formatter = createFormatter(format, {
    sink,
    chalk,
    diagnosticsChalk,
    space: opts.space,
    summary: style,
    // A pty can report 0 columns; then the formatter picks its default width.
    ...(process.stdout.columns ? { width: process.stdout.columns } : {}),
    ...(opts.columns !== undefined && { columns: opts.columns }),
    time: { timeZone: opts.tz, wide: opts.wide },
    histogram: histogram !== undefined,
  });
  for (const alert of histogram ? result.alerts : []) histogram!.addEvent(sourceOfAlert(alert), 'alert');
  await formatter.begin?.();
  for (const alert of result.alerts) {
    if (sink.closed) break;
    check();
    const doc = opts.explain ? withExplanation(active.ast, alert, typeTable) : alert;
    await formatter.alert(opts.nested ? nestAlert(doc) : doc);
  }
  if (format === 'bulk') for (const u of result.updates) await sink.write(bulkUpdatePair(u, opts.space));
  await formatter.end({ summary, ...diagnostics, ...(histogram && { timeline: histogram.timeline() }) });
  writeSuppressionUpdates(result.updates);
}

export async function runScan(inputs: string[], raw: Record<string, unknown>): Promise<number> {
  const opts = parseOptions(scanOptionsSchema, raw);
  requireInput(inputs, 'scan');
  if (opts.lateness !== undefined && !opts.follow) throw new UserFacingError('--lateness only applies with --follow');
  if (opts.follow) {
    const { runFollow } = await import('./follow.js');
    return runFollow(inputs, opts);
  }
  const active = await loadActiveRule(opts.rule, opts.ruleId, opts.ruleVersion, { allowUnsupported: opts.allowUnsupported, exceptions: opts.exceptions });
  const format = opts.format ?? defaultFormat(opts.output);
  const lib = await libraryOptions(opts, active, format);
  // A clause Elasticsearch would refuse for its field's type is a usage error, before any input is read.
  const typeTable = queryTypeTable(active.ast, lib.fieldTypes!);
  const expanded = await expandInputs(inputs, { glob: opts.glob, exclude: opts.exclude });
  // --state: locked from loading to replacing, so invocations sharing it serialise (state-session.ts).
  const session = await stateSessionFor(opts);
  // Until the run's own try block takes over, a failure drops the staged state and the lock.
  const dropState = (): void => session?.drop();
  let scan: FileScan;
  try {
    scan = await prepare(expanded.inputs, lib, session, active, opts);
  } catch (e) {
    dropState();
    throw e;
  }
  const sink = await openOutputTarget(opts.output, dropState);
  const interrupt = trapStopSignals();
  const trace = opts.debug ? (msg: string) => process.stderr.write(`kmod-enum-detect: debug: ${msg}\n`) : undefined;
  const pause = batchPause(process.env);
  const progress = createProgress({ stream: process.stderr, quiet: opts.quiet, env: process.env });
  const histogram = wantsHistogram(opts, format) ? timelineCollector(active.rule) : undefined;

  try {
    let result: ScanFilesResult;
    try {
      let batches = 0;
      result = await scan.run({
        onProgress: (p) => {
          progress.update(p);
          trace?.(`batch ${++batches}: ${p.events} events, ${p.matches} matches so far`);
          pause?.();
        },
        shouldStop: () => sink.closed,
        signal: interrupt.signal,
        ...(histogram && { onMatches: (evs) => evs.forEach((ev) => histogram.addEvent(ev.source, 'match')) }),
      });
    } catch (e) {
      if (e instanceof InputError) throw new UserFacingError(e.message);
      // Schedule problems found only once the data is known (e.g. runs that cannot be simulated).
      if (e instanceof ScanConfigError) throw new UserFacingError(ruleFieldContext(e.message, active, opts));
      throw e;
    } finally {
      progress.done();
    }
    // Nothing passes as clean that was not read: undecodable files and --max-malformed fail the run.
    inputVerdicts(result.accounting, opts.maxMalformed);
    await writeResult(opts, active, result, sink, { format, typeTable, expanded, histogram, check: () => interrupt.check() });
    // Outputs are committed together, with signals held back so they are all written or none: the
    // state is written (and fsynced) first, so a state that cannot be written leaves the old --output
    // file as it was; then the output replaces its target, then the state replaces its own. stdout has
    // nothing to commit (and may wait on a slow reader).
    const toStdout = opts.output === undefined || opts.output === '-';
    if (toStdout) await sink.close();
    await interrupt.commit(async () => {
      session?.write(result.state);
      if (!toStdout) {
        await sink.finish();
        await sink.commit();
      }
      session?.commit();
    });
    return result.alerts.length > 0 && !opts.exitZero ? EXIT_ALERTS : EXIT_OK;
  } catch (e) {
    await sink.abort();
    session?.abort();
    if (e instanceof Interrupted) {
      session?.release();
      interrupt.exit(e, keptMessage(e, opts));
    }
    throw e;
  } finally {
    interrupt.dispose();
    session?.release();
  }
}
