/**
 * `scan` (the default command): events in, alerts out. Reads the inputs once, keeps only the events
 * that match the rule's query (and its index patterns), hands them to the engine, and writes the
 * alerts in the chosen format. Exit code: 1 when alerts were written (unless --exit-zero), 0 when
 * none, 2 for usage, rule or input errors.
 */
import { availableParallelism } from 'node:os';
import { createScanner, ScanConfigError, type ScanOptions as EngineOptions } from '../engine/scan.js';
import { StateFileError } from '../engine/state.js';
import { HISTORY_WINDOW_TOO_SMALL } from '../engine/datemath.js';
import { Accounting } from '../io/accounting.js';
import { InputError } from '../io/errors.js';
import { readInputs } from '../io/read-events.js';
import { createScanJob } from '../engine/read-job.js';
import { derivePrefilter, type Prefilter } from '../kql/prefilter.js';
import { explainKql, summarizeExplanation } from '../kql/explain.js';
import type { KueryNode } from '../kql/ast.js';
import type { AlertDocument } from '../output/types.js';
import { createChalk } from '../output/color.js';
import { createFormatter } from '../output/formatter.js';
import { createProgress } from '../output/progress.js';
import { guardStream, openSink } from '../output/sink.js';
import type { OutputFormat } from '../output/types.js';
import { EXIT_ALERTS, EXIT_OK, UserFacingError, requireInput } from './exit.js';
import { parseOptions, scanOptionsSchema } from './options.js';
import { formatKqlWarning, loadActiveRule } from './rule-source.js';
import { detectionSection, inputSection } from './scan-summary.js';
import { idleSinceLoad, threadPlan } from './thread-plan.js';
import { checkRunsAfterState, readRunTimes, type RunTime } from './runs-file.js';
import { openStateSession, type StateSession } from './state-session.js';
import { expandInputs, inputVerdicts, lateEventsWarning, quietTotalsLine } from './input-report.js';
import { WorldFault } from '../io/faults.js';

/**
 * `--explain`: the alert's source event is the alert document without the flat `kibana.*` keys and
 * with its original `event.kind`, so the query is explained on what Kibana evaluated.
 */
export function withExplanation(ast: KueryNode, alert: AlertDocument): AlertDocument {
  const source: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(alert)) if (!k.startsWith('kibana.')) source[k] = v;
  const event = source['event'];
  if (typeof event === 'object' && event !== null && !Array.isArray(event)) {
    const restored: Record<string, unknown> = { ...(event as Record<string, unknown>) };
    const original = alert['kibana.alert.original_event.kind'];
    if (original === undefined) delete restored['kind'];
    else restored['kind'] = original;
    source['event'] = restored;
  }
  const summary = summarizeExplanation(explainKql(ast, source));
  return { ...alert, 'kmod_enum_detect.explain': summary.text, 'kmod_enum_detect.branches': summary.branches };
}

export { readRunsFile } from './runs-file.js';

/**
 * Schedule errors about the rule's own fields name the rule (file) and the fields' values: an
 * absolute `from` in a new_terms rule, for one, is refused by Kibana's validateHistoryWindowStart
 * because the history start (`now-14d`, evaluated at the current time) is not before it.
 */
function ruleFieldContext(message: string, origin: string, rule: { from: string; to: string; interval: string; history_window_start?: string | undefined }, opts: { from?: string | undefined; historyWindowStart?: string | undefined; interval?: string | undefined }): string {
  const from = opts.from ?? rule.from;
  const src = (o: string | undefined) => (o === undefined ? origin : 'the command line');
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

function defaultFormat(output: string | undefined): OutputFormat {
  return output === undefined && process.stdout.isTTY === true ? 'pretty' : 'ndjson';
}

export async function runScan(inputs: string[], raw: Record<string, unknown>): Promise<number> {
  const opts = parseOptions(scanOptionsSchema, raw);
  requireInput(inputs, 'scan');
  const active = await loadActiveRule(opts.rule, opts.ruleId, opts.ruleVersion);
  const { rule } = active;
  // --strict parses every line, so nothing a prefilter passes over can hide a malformed one.
  const pf: Prefilter | null = opts.prefilter && !opts.strict ? derivePrefilter(active.ast) : null;
  const prefilterState = !opts.prefilter ? 'off (--no-prefilter)' : opts.strict ? 'off (--strict parses every line)' : pf === null ? 'none: the query has no required literal' : '';

  // A query rule runs as a query rule unless asked otherwise; a new_terms rule can also be triaged with --mode query.
  const mode = opts.mode ?? (rule.type === 'query' ? 'query' : 'new_terms');
  const engineOpts: EngineOptions = { mode, space: opts.space };
  // Alert ids hash the rule's saved-object id: a Kibana export carries it; otherwise --rule-uuid or the rule_id.
  const ruleUuid = opts.ruleUuid ?? rule.id;
  if (ruleUuid !== undefined) engineOpts.ruleUuid = ruleUuid;
  if (opts.start !== undefined) engineOpts.start = opts.start;
  if (opts.end !== undefined) engineOpts.end = opts.end;
  if (opts.interval !== undefined) engineOpts.interval = opts.interval;
  if (opts.from !== undefined) engineOpts.from = opts.from;
  if (opts.historyWindowStart !== undefined) engineOpts.historyWindowStart = opts.historyWindowStart;
  if (opts.maxSignals !== undefined) engineOpts.maxSignals = opts.maxSignals;
  let runTimes: RunTime[] | undefined;
  if (opts.runs !== undefined) {
    if (opts.start !== undefined || opts.end !== undefined) throw new UserFacingError('--runs replaces --start/--end: give one or the other');
    runTimes = await readRunTimes(opts.runs);
    engineOpts.runs = runTimes.map((r) => r.time);
  }
  const expanded = await expandInputs(inputs, { glob: opts.glob, exclude: opts.exclude });

  // --state: locked from loading to replacing, so invocations sharing it serialise (state-session.ts).
  let session: StateSession | undefined;
  if (opts.state !== undefined) {
    session = await openStateSession(opts.state, {
      lockTimeoutMs: opts.lockTimeout,
      notice: opts.quiet ? undefined : (m) => process.stderr.write(`kmod-enum-detect: ${m}\n`),
    });
  }
  // Until the scan's own try block takes over, a failure drops the staged state and the lock.
  const dropState = (): void => {
    session?.abort();
    session?.release();
  };

  let scanner;
  try {
    if (session?.loaded) {
      engineOpts.state = session.loaded;
      if (runTimes) checkRunsAfterState(opts.runs!, runTimes, session.file, session.loaded.state.lastRunTime);
    }
    scanner = createScanner(rule, engineOpts);
  } catch (e) {
    dropState();
    if (e instanceof ScanConfigError) throw new UserFacingError(ruleFieldContext(e.message, active.origin, rule, opts));
    if (e instanceof StateFileError) throw new UserFacingError(e.message);
    throw e;
  }

  const format = opts.format ?? defaultFormat(opts.output);
  const env = process.env;
  const chalk = createChalk({ ...(opts.color !== undefined && { flag: opts.color }), env, isTTY: process.stdout.isTTY === true && opts.output === undefined });
  const diagnosticsChalk = createChalk({ ...(opts.color !== undefined && { flag: opts.color }), env, isTTY: process.stderr.isTTY === true });
  guardStream(process.stderr);

  let sink;
  try {
    sink = await openSink(opts.output, `--output ${opts.output}`);
  } catch (e) {
    dropState();
    if (e instanceof WorldFault) throw e;
    throw new UserFacingError(`--output ${opts.output}: ${(e as Error).message}`);
  }
  const onSigint = () => {
    void sink.abort().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSigint);

  const progress = createProgress({ stream: process.stderr, quiet: opts.quiet, env });
  const acct = new Accounting({ strict: opts.strict });
  let events = 0;
  let matched = 0;
  let bytes = { bytesDone: 0 } as { bytesDone: number; bytesTotal?: number };

  const scanJob = createScanJob({ query: active.ast, prefilter: pf, indexPatterns: rule.index });
  const input = readInputs(expanded.inputs, scanJob.job, acct, {
    ...threadPlan(opts.threads, availableParallelism(), idleSinceLoad),
    onProgress: (p) => {
      bytes = p;
    },
  });

  try {
    try {
      for await (const batch of input.batches) {
        events += batch.events;
        for (const ev of batch.matches) {
          matched++;
          scanner.add(ev);
        }
        progress.update({ ...bytes, events, matches: matched });
        if (sink.closed) break;
      }
    } catch (e) {
      if (e instanceof InputError) throw new UserFacingError(e.message);
      throw e;
    } finally {
      progress.done();
    }

    let result;
    try {
      result = scanner.finish();
    } catch (e) {
      // Schedule problems found only once the data is known (e.g. runs that cannot be simulated).
      if (e instanceof ScanConfigError) throw new UserFacingError(e.message);
      throw e;
    }
    // Nothing passes as clean that was not read: undecodable files and --max-malformed fail the run.
    inputVerdicts(acct, opts.maxMalformed);
    const late = lateEventsWarning(result.summary.late, opts.state);
    const warnings = [
      ...active.warnings.map((w) => formatKqlWarning(`${active.origin}: query`, w)),
      ...(expanded.skipped.length > 0 ? [expanded.skippedWarning()] : []),
      ...(late ? [late] : []),
      ...acct.problemLines(),
      ...result.summary.timeIssues,
      ...result.summary.depthIssues,
      ...result.warnings.map((w) => `run ${w.run}: ${w.message}`),
    ];
    const errors = result.errors.map((e) => `run ${e.run}: ${e.message}`);

    const formatter = createFormatter(format, {
      sink,
      chalk,
      diagnosticsChalk,
      space: opts.space,
      summary: opts.quiet ? 'none' : 'full',
      // A pty can report 0 columns; then the formatter picks its default width.
      ...(process.stdout.columns ? { width: process.stdout.columns } : {}),
    });
    await formatter.begin?.();
    for (const alert of result.alerts) {
      if (sink.closed) break;
      await formatter.alert(opts.explain ? withExplanation(active.ast, alert) : alert);
    }
    await formatter.end({
      summary: [
        inputSection(acct.total, acct.files.size, matched, prefilterState || (scanJob.prefilter()?.needles.map((n) => n.text).join(', ') ?? ''), expanded),
        detectionSection(result.summary),
      ],
      warnings,
      errors,
    });
    if (opts.quiet) {
      const line = quietTotalsLine(acct.total, expanded.skipped.length, result.summary.late);
      if (line) process.stderr.write(`kmod-enum-detect: ${line}\n`);
    }
    // Outputs are committed together: the state is written (and fsynced) first, so a state that
    // cannot be written leaves the old --output file as it was; then the output replaces its
    // target, then the state replaces its own.
    session?.write(result.state);
    await sink.finish();
    await sink.commit();
    session?.commit();
    return result.alerts.length > 0 && !opts.exitZero ? EXIT_ALERTS : EXIT_OK;
  } catch (e) {
    await sink.abort();
    session?.abort();
    throw e;
  } finally {
    process.off('SIGINT', onSigint);
    session?.release();
  }
}
