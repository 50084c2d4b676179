/**
 * `scan --follow`: for a stream that does not end (`tail -F app.ndjson | kmod-enum-detect --follow`).
 * Each simulated run's alerts are written, and flushed, as soon as the run is final (engine/follow.ts);
 * with --state the state is saved after each batch of final runs, atomically and only once their
 * alerts are out, so a follower killed and restarted neither loses nor repeats an alert. The summary
 * comes at the end of the input, or on Ctrl-C (exit 130; what was written stays written).
 *
 * Formats: ndjson and bulk stream as they are; pretty prints the rows of each batch of final runs
 * as they come; json (one document, written at the end) does not fit a stream and is refused.
 * `--output FILE` is appended to, never replaced (see appendFileSink).
 */
import { bulkUpdatePair, writeSuppressionUpdates } from '../output/suppression-updates.js';
import { createFollower, type FollowStep, type FollowSummary } from '../engine/follow.js';
import { ScanConfigError } from '../engine/scan.js';
import { loadState, saveState, StateFileError } from '../engine/state.js';
import { untilAborted } from '../io/abortable.js';
import { Accounting } from '../io/accounting.js';
import { InputError } from '../io/errors.js';
import { readInputs } from '../io/read-events.js';
import { createScanJob } from '../engine/read-job.js';
import { ruleReadSpec } from '../engine/rule-read-spec.js';
import { withFilterErrors } from './rule-filters.js';
import { withWatermarkProbe } from '../engine/follow-job.js';
import { timestampFieldsOf } from '../ecs/time.js';
import { createChalk } from '../output/color.js';
import { createFormatter } from '../output/formatter.js';
import { renderAlertTable, DEFAULT_WIDTH } from '../output/pretty.js';
import { appendFileSink, guardStream, stdoutSink, type OutputSink } from '../output/sink.js';
import { renderFooter } from '../output/summary.js';
import { nestAlert } from '../output/nest.js';
import { queryTypeTable } from './field-types.js';
import type { AlertDocument, Diagnostic, ScanTail, SummarySection } from '../output/types.js';
import { EXIT_ALERTS, EXIT_OK, UserFacingError } from './exit.js';
import { Interrupted, trapStopSignals } from './interrupt.js';
import type { ScanOptions } from './options.js';
import { loadActiveRule } from './rule-source.js';
import { depthDiagnostics, ruleDiagnostics, problemDiagnostics } from './diagnostics.js';
import { defaultFormat, libraryOptions, withExplanation } from './scan.js';
import { defaultMode } from '../engine/scan-files.js';
import type { ScanOptions as EngineOptions } from '../engine/scan.js';
import { detectionSection, inputSection } from './scan-summary.js';
import { defaultQueryNow } from '../ecs/query-clock.js';

function followSection(s: FollowSummary): SummarySection {
  return {
    title: 'Follow',
    key: 'follow',
    rows: [
      { key: 'lateness_ms', label: 'lateness (ms)', value: s.lateness },
      { key: 'late_events', label: 'events later than --lateness (missed a final run)', value: s.lateArrivals.count },
      { key: 'events_before_state', label: "events at or before the state's last run", value: s.lateArrivals.beforeState },
    ],
  };
}

/** Refuses what cannot follow a stream, naming the option. */
function checkFollowOptions(opts: ScanOptions): void {
  if (opts.runs !== undefined) throw new UserFacingError('--follow simulates the schedule as the events come: --runs cannot be combined with it');
  if (opts.end !== undefined) throw new UserFacingError('--follow runs until the input ends: --end cannot be combined with it');
  // Not yet wired into the follower: refused rather than silently ignored.
  if (opts.since !== undefined || opts.until !== undefined) throw new UserFacingError('--since/--until cannot be combined with --follow (use --start to place the first run)');
  if (opts.count) throw new UserFacingError('--count prints one number at the end: it cannot be combined with --follow, which writes alerts as runs become final');
  if (opts.format === 'json') {
    throw new UserFacingError('--follow writes alerts as their runs become final; --format json is one document written at the end: use ndjson, bulk or pretty');
  }
}

export async function runFollow(inputs: string[], opts: ScanOptions): Promise<number> {
  checkFollowOptions(opts);
  const active = await loadActiveRule(opts.rule, opts.ruleId, opts.ruleVersion, { allowUnsupported: opts.allowUnsupported, exceptions: opts.exceptions });
  const { rule } = active;
  // The batch scan's options, less what only reading needs (the follower reads on this thread).
  const { rule: _rule, query: _query, strict: _strict, prefilter: _prefilter, threads: _threads, parallelMinBytes: _pmb, maxLineBytes: _mlb, onProgress: _op, shouldStop: _ss, signal: _sig, since: _since, until: _until, maxProblems: _mp, ...engine } = await libraryOptions(opts, active, opts.format ?? defaultFormat(opts.output));
  // --explain evaluates by the same field types as the scan.
  const typeTable = queryTypeTable(active.ast, engine.fieldTypes!);
  const ruleUuid = engine.ruleUuid ?? rule.id;
  const engineOpts: EngineOptions = { ...engine, mode: engine.mode ?? defaultMode(rule), ...(ruleUuid !== undefined && { ruleUuid }) };

  let follower;
  try {
    const loaded = opts.state !== undefined ? loadState(opts.state) : undefined;
    follower = createFollower(rule, { ...engineOpts, lateness: opts.lateness ?? 0, ...(loaded && { state: loaded }) });
  } catch (e) {
    if (e instanceof ScanConfigError || e instanceof StateFileError) throw new UserFacingError(e.message);
    throw e;
  }

  const format = opts.format ?? defaultFormat(opts.output);
  const env = process.env;
  const toStdout = opts.output === undefined || opts.output === '-';
  const chalk = createChalk({ ...(opts.color !== undefined && { flag: opts.color }), env, isTTY: process.stdout.isTTY === true && toStdout });
  const diagnosticsChalk = createChalk({ ...(opts.color !== undefined && { flag: opts.color }), env, isTTY: process.stderr.isTTY === true });
  guardStream(process.stderr);
  let sink: OutputSink;
  try {
    sink = toStdout ? stdoutSink() : await appendFileSink(opts.output!);
  } catch (e) {
    throw new UserFacingError(`--output ${opts.output}: ${(e as Error).message}`);
  }
  const interrupt = trapStopSignals();
  const trace = opts.debug ? (msg: string) => process.stderr.write(`kmod-enum-detect: debug: ${msg}\n`) : undefined;

  const width = process.stdout.columns || DEFAULT_WIDTH;
  // The follower's summary comes once, at the end of a long stream: full unless asked otherwise.
  const followStyle = opts.quiet ? 'none' : opts.verbose ? 'full' : (opts.summary ?? 'full');
  const formatter = createFormatter(format, { sink, chalk, diagnosticsChalk, space: opts.space, summary: followStyle, width });
  /** pretty holds its rows for common column widths: here each batch of final runs is its own table. */
  const writeAlerts = async (docs: readonly AlertDocument[]): Promise<void> => {
    if (format !== 'pretty') {
      for (const doc of docs) await formatter.alert(doc);
    } else if (docs.length > 0) {
      await sink.write(renderAlertTable(docs, { width, chalk }));
    }
  };
  const writeEnd = async (t: ScanTail): Promise<void> => {
    if (format !== 'pretty') await formatter.end(t);
    else process.stderr.write(renderFooter(t, followStyle, diagnosticsChalk));
  };

  const acct = new Accounting({ strict: opts.strict });
  let events = 0;
  let matched = 0;
  let alerts = 0;
  let lastSaved: string | null = null;

  /** Writes a step's alerts, flushes them, then saves the state: signals wait until all three are done. */
  const emit = async (step: FollowStep | undefined): Promise<void> => {
    if (step === undefined) return;
    await interrupt.commit(async () => {
      const docs = opts.explain ? step.alerts.map((a) => withExplanation(active.ast, a, typeTable)) : step.alerts;
      await writeAlerts(opts.nested ? docs.map(nestAlert) : docs);
      if (format === 'bulk') for (const u of step.updates) await sink.write(bulkUpdatePair(u, opts.space));
      await sink.flush();
      alerts += step.alerts.length;
      writeSuppressionUpdates(step.updates);
      if (opts.state !== undefined) {
        saveState(opts.state, step.state);
        lastSaved = step.state.lastRunTime;
      }
    });
    trace?.(`${step.runs} run(s) final, ${step.alerts.length} alert(s) written`);
  };

  const tail = (summary: FollowSummary): ScanTail => ({
    summary: [
      inputSection(acct.total, acct.files.size, matched, !opts.prefilter ? 'off (--no-prefilter)' : (scanJob.prefilter()?.needles.map((n) => n.text).join(', ') ?? 'none')),
      detectionSection(summary),
      followSection(summary),
    ],
    ...(() => {
      const bad = problemDiagnostics(acct.problems, acct.total.malformedByKind);
      const warnings: Diagnostic[] = [
        ...ruleDiagnostics(active),
        ...bad.warnings,
        ...summary.timeIssues.map((t) => ({ kind: 'event-time', file: t.file, line: t.line, message: t.message })),
        ...depthDiagnostics(summary.depthIssues),
        // Samples read `file:line: event at T arrived after run R was final`.
        ...summary.lateArrivals.samples.map((message) => ({ kind: 'late-arrival', message })),
      ];
      return { warnings, warningTotals: bad.warningTotals };
    })(),
    errors: [],
  });

  // One thread: the stream is read as it comes, and the probe of passed-over lines runs here.
  // The scan's read: the query by field types, the typed prefilter (engine/rule-read-spec.ts).
  const scanJob = createScanJob(
    withFilterErrors(rule, () =>
      ruleReadSpec(rule, {
        query: active.ast,
        fieldTypes: engine.fieldTypes,
        prefilter: opts.prefilter && !opts.strict,
        now: engine.now?.getTime() ?? defaultQueryNow(),
        ...(active.exceptionFilter !== undefined && { exceptionFilter: active.exceptionFilter }),
      }),
    ).spec,
  );
  const job = withWatermarkProbe(scanJob.job, timestampFieldsOf(rule), (ms) => follower.observe(ms));
  const input = readInputs(inputs, job, acct, { threads: 1, live: true });

  try {
    if (format !== 'pretty') await formatter.begin?.();
    try {
      let batches = 0;
      for await (const batch of untilAborted(input.batches, interrupt.signal)) {
        events += batch.events;
        for (const ev of batch.matches) {
          matched++;
          follower.add(ev);
        }
        trace?.(`batch ${++batches}: ${events} events, ${matched} matches so far`);
        await emit(follower.poll());
        if (sink.closed) break;
      }
    } catch (e) {
      if (e instanceof InputError) throw new UserFacingError(e.message);
      throw e;
    }
    const end = follower.finish();
    await emit(end.step);
    if (format === 'pretty' && alerts === 0) await sink.write(renderAlertTable([], { width, chalk }));
    await writeEnd(tail(end.summary));
    await sink.close();
    return alerts > 0 && !opts.exitZero ? EXIT_ALERTS : EXIT_OK;
  } catch (e) {
    if (e instanceof Interrupted) {
      // What was written stays written: the summary of the final runs, then the one line.
      await writeEnd(tail(follower.summary())).catch(() => {});
      await sink.close().catch(() => {});
      const kept = [`${alerts} alert${alerts === 1 ? '' : 's'} of final runs written`];
      if (opts.state !== undefined) kept.push(lastSaved === null ? `--state ${opts.state} not yet saved` : `--state ${opts.state} saved after run ${lastSaved}`);
      interrupt.exit(e, kept.join('; '));
    }
    await sink.close().catch(() => {});
    throw e;
  } finally {
    interrupt.dispose();
  }
}
