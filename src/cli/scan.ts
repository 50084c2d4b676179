/**
 * `scan` (the default command): events in, alerts out. The scan itself is the library's
 * `createFileScan` (engine/scan-files.ts); this wires options to it, prints progress, writes the
 * alerts in the chosen format with the summary, saves the state, and picks the exit code: 1 when
 * alerts were written (unless --exit-zero), 0 when none, 2 for usage, rule or input errors.
 */
import { availableParallelism } from 'node:os';
import type { AlertDocument } from '../engine/alert.js';
import { sourceOfAlert } from '../engine/alert-source.js';
import { ScanConfigError } from '../engine/scan-config.js';
import { createFileScan, type FileScan, type ScanFilesOptions, type ScanFilesResult } from '../engine/scan-files.js';
import { HISTORY_WINDOW_TOO_SMALL } from '../engine/datemath.js';
import { StateFileError } from '../engine/state.js';
import { WorldFault } from '../io/faults.js';
import { InputError } from '../io/errors.js';
import type { KueryNode } from '../kql/ast.js';
import { explainKql, summarizeExplanation } from '../kql/explain.js';
import { createChalk } from '../output/color.js';
import { createFormatter } from '../output/formatter.js';
import type { HostTimelineCollector } from '../output/histogram.js';
import { timelineCollector } from '../output/histogram-events.js';
import { createProgress } from '../output/progress.js';
import { guardStream, openSink, type OutputSink } from '../output/sink.js';
import type { OutputFormat } from '../output/types.js';
import { EXIT_ALERTS, EXIT_OK, UserFacingError, requireInput } from './exit.js';
import { parseOptions, scanOptionsSchema, type ScanOptions } from './options.js';
import { formatKqlWarning, loadActiveRule, type ActiveRule } from './rule-source.js';
import { queryTypeTable, resolveFieldTypes } from './field-types.js';
import type { FieldTypeTable } from '../kql/compile-typed.js';
import { detectionSection, inputSection } from './scan-summary.js';
import { idleSinceLoad, threadPlan } from './thread-plan.js';
import { Interrupted, trapStopSignals } from './interrupt.js';
import { batchPause } from './test-hooks.js';
import { expandInputs, inputVerdicts, lateEventsWarning, quietTotalsLine, type ExpandedInputs } from './input-report.js';
import { checkRunsAfterState, readRunTimes } from './runs-file.js';
import { openStateSession, type StateSession } from './state-session.js';

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

/** The library options the command line asks for (the state file loaded, --runs read). */
export async function libraryOptions(opts: ScanOptions, active: ActiveRule): Promise<ScanFilesOptions> {
  const lib: ScanFilesOptions = {
    rule: active.rule,
    query: active.ast,
    space: opts.space,
    strict: opts.strict,
    prefilter: opts.prefilter,
    // Field types (--mapping, else ECS with Elastic Defend's process data stream where the rule reads it).
    fieldTypes: resolveFieldTypes(active.rule, opts.mapping),
    ...threadPlan(opts.threads, availableParallelism(), idleSinceLoad),
  };
  const copied = ['mode', 'ruleUuid', 'start', 'end', 'interval', 'from', 'historyWindowStart', 'maxSignals'] as const;
  for (const k of copied) if (opts[k] !== undefined) Object.assign(lib, { [k]: opts[k] });
  if (opts.runs !== undefined) {
    if (opts.start !== undefined || opts.end !== undefined) throw new UserFacingError('--runs replaces --start/--end: give one or the other');
    lib.runs = (await readRunTimes(opts.runs)).map((r) => r.time);
  }
  return lib;
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

/** On a terminal the pretty table ends with a per-host histogram of matches and alerts over time. */
function wantsHistogram(opts: ScanOptions): boolean {
  return (opts.format ?? defaultFormat(opts.output)) === 'pretty' && process.stdout.isTTY === true && opts.output === undefined;
}

/** What an interrupted batch scan left behind, for its one stderr line. */
function keptMessage(e: Interrupted, opts: { output?: string | undefined; state?: string | undefined }): string | undefined {
  const files = [opts.output !== undefined && opts.output !== '-' ? `--output ${opts.output}` : '', opts.state !== undefined ? `--state ${opts.state}` : ''].filter((f) => f !== '');
  if (files.length === 0) return undefined;
  return e.afterCommit ? `${files.join(' and ')} written` : `${files.join(' and ')} left as ${files.length > 1 ? 'they were' : 'it was'}`;
}

async function writeResult(
  opts: ScanOptions,
  active: ActiveRule,
  result: ScanFilesResult,
  sink: OutputSink,
  typeTable: FieldTypeTable,
  expanded: ExpandedInputs,
  histogram?: HostTimelineCollector,
  check: () => void = () => {},
): Promise<void> {
  const env = process.env;
  const chalk = createChalk({ ...(opts.color !== undefined && { flag: opts.color }), env, isTTY: process.stdout.isTTY === true && opts.output === undefined });
  const diagnosticsChalk = createChalk({ ...(opts.color !== undefined && { flag: opts.color }), env, isTTY: process.stderr.isTTY === true });
  const late = lateEventsWarning(result.summary.late, opts.state);
  const warnings = [
    ...active.warnings.map((w) => formatKqlWarning(`${active.origin}: query`, w)),
    ...(expanded.skipped.length > 0 ? [expanded.skippedWarning()] : []),
    ...(late ? [late] : []),
    ...result.accounting.problemLines(),
    ...result.summary.timeIssues,
    ...result.summary.depthIssues,
    ...result.warnings.map((w) => `run ${w.run}: ${w.message}`),
  ];
  const errors = result.errors.map((e) => `run ${e.run}: ${e.message}`);
  const formatter = createFormatter(opts.format ?? defaultFormat(opts.output), {
    sink,
    chalk,
    diagnosticsChalk,
    space: opts.space,
    summary: opts.quiet ? 'none' : 'full',
    // A pty can report 0 columns; then the formatter picks its default width.
    ...(process.stdout.columns ? { width: process.stdout.columns } : {}),
    histogram: histogram !== undefined,
  });
  for (const alert of histogram ? result.alerts : []) histogram!.addEvent(sourceOfAlert(alert), 'alert');
  await formatter.begin?.();
  for (const alert of result.alerts) {
    if (sink.closed) break;
    check();
    await formatter.alert(opts.explain ? withExplanation(active.ast, alert, typeTable) : alert);
  }
  const literals = result.prefilter === null ? prefilterOff(opts) : result.prefilter.needles.map((n) => n.text).join(', ');
  const acct = result.accounting;
  await formatter.end({
    summary: [inputSection(acct.total, acct.files.size, result.matched, literals, expanded), detectionSection(result.summary)],
    warnings,
    errors,
    ...(histogram && { timeline: histogram.timeline() }),
  });
  if (opts.quiet) {
    const line = quietTotalsLine(acct.total, expanded.skipped.length, result.summary.late);
    if (line) process.stderr.write(`kmod-enum-detect: ${line}\n`);
  }
}

export async function runScan(inputs: string[], raw: Record<string, unknown>): Promise<number> {
  const opts = parseOptions(scanOptionsSchema, raw);
  requireInput(inputs, 'scan');
  if (opts.lateness !== undefined && !opts.follow) throw new UserFacingError('--lateness only applies with --follow');
  if (opts.follow) {
    const { runFollow } = await import('./follow.js');
    return runFollow(inputs, opts);
  }
  const active = await loadActiveRule(opts.rule, opts.ruleId, opts.ruleVersion);
  const lib = await libraryOptions(opts, active);
  // A clause Elasticsearch would refuse for its field's type is a usage error, before any input is read.
  const typeTable = queryTypeTable(active.ast, lib.fieldTypes!);
  const expanded = await expandInputs(inputs, { glob: opts.glob, exclude: opts.exclude });
  // --state: locked from loading to replacing, so invocations sharing it serialise (state-session.ts).
  const session =
    opts.state === undefined
      ? undefined
      : await openStateSession(opts.state, {
          lockTimeoutMs: opts.lockTimeout,
          ...(!opts.quiet && { notice: (m: string) => process.stderr.write(`kmod-enum-detect: ${m}\n`) }),
        });
  // Until the scan's own try block takes over, a failure drops the staged state and the lock.
  const dropState = (): void => {
    session?.abort();
    session?.release();
  };
  let scan: FileScan;
  try {
    scan = await prepare(expanded.inputs, lib, session, active, opts);
  } catch (e) {
    dropState();
    throw e;
  }
  guardStream(process.stderr);

  let sink: OutputSink;
  try {
    sink = await openSink(opts.output, `--output ${opts.output}`);
  } catch (e) {
    dropState();
    if (e instanceof WorldFault) throw e;
    throw new UserFacingError(`--output ${opts.output}: ${(e as Error).message}`);
  }
  const interrupt = trapStopSignals();
  const trace = opts.debug ? (msg: string) => process.stderr.write(`kmod-enum-detect: debug: ${msg}\n`) : undefined;
  const pause = batchPause(process.env);
  const progress = createProgress({ stream: process.stderr, quiet: opts.quiet, env: process.env });
  const histogram = wantsHistogram(opts) ? timelineCollector(active.rule) : undefined;

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
    await writeResult(opts, active, result, sink, typeTable, expanded, histogram, () => interrupt.check());
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
