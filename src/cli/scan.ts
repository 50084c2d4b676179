/**
 * `scan` (the default command): events in, alerts out. The scan itself is the library's
 * `createFileScan` (engine/scan-files.ts); this wires options to it, prints progress, writes the
 * alerts in the chosen format with the summary, saves the state, and picks the exit code: 1 when
 * alerts were written (unless --exit-zero), 0 when none, 2 for usage, rule or input errors.
 */
import { availableParallelism } from 'node:os';
import { timestampFieldsOf } from '../ecs/time.js';
import type { AlertDocument } from '../engine/alert.js';
import { sourceOfAlert } from '../engine/alert-source.js';
import { createFileScan, type FileScan, type ScanFilesOptions, type ScanFilesResult } from '../engine/scan-files.js';
import { saveState } from '../engine/state.js';
import { InputError } from '../io/errors.js';
import type { KueryNode } from '../kql/ast.js';
import { explainKql, summarizeExplanation } from '../kql/explain.js';
import { createChalk } from '../output/color.js';
import { createFormatter } from '../output/formatter.js';
import type { HostTimelineCollector } from '../output/histogram.js';
import { timelineCollector } from '../output/histogram-events.js';
import { nestAlert } from '../output/nest.js';
import { createProgress } from '../output/progress.js';
import { guardStream, openSink, type OutputSink } from '../output/sink.js';
import { JSON_MAX_PROBLEMS, renderDiagnostics, type SummaryStyle } from '../output/summary.js';
import type { OutputFormat } from '../output/types.js';
import { kqlDiagnostic, scanDiagnostics } from './diagnostics.js';
import { createEngine, engineOptions } from './engine-options.js';
import { EXIT_ALERTS, EXIT_OK, UserFacingError, requireInput } from './exit.js';
import { parseOptions, scanOptionsSchema, type ScanOptions } from './options.js';
import { loadActiveRule, type ActiveRule } from './rule-source.js';
import { detectionSection, inputSection, timeFilterRow } from './scan-summary.js';
import { idleSinceLoad, threadPlan } from './thread-plan.js';

/** `--explain`: the query explained on the alert's source event, added to the alert. */
export function withExplanation(ast: KueryNode, alert: AlertDocument): AlertDocument {
  const summary = summarizeExplanation(explainKql(ast, sourceOfAlert(alert)));
  return { ...alert, 'kmod_enum_detect.explain': summary.text, 'kmod_enum_detect.branches': summary.branches };
}

function defaultFormat(output: string | undefined): OutputFormat {
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

/** The library options the command line asks for (the state file loaded, --runs read). */
export async function libraryOptions(opts: ScanOptions, active: ActiveRule, format: OutputFormat): Promise<ScanFilesOptions> {
  // json lists every problem (up to a bound); human output shows ten of each kind.
  const maxProblems = format === 'json' ? JSON_MAX_PROBLEMS : undefined;
  return {
    ...(await engineOptions(opts, active.rule, maxProblems === undefined ? {} : { maxTimeIssues: maxProblems })),
    rule: active.rule,
    query: active.ast,
    strict: opts.strict,
    prefilter: opts.prefilter,
    ...(opts.since !== undefined && { since: opts.since }),
    ...(opts.until !== undefined && { until: opts.until }),
    ...(maxProblems !== undefined && { maxProblems }),
    ...threadPlan(opts.threads, availableParallelism(), idleSinceLoad),
  };
}

async function writeResult(opts: ScanOptions, active: ActiveRule, result: ScanFilesResult, sink: OutputSink, format: OutputFormat, histogram?: HostTimelineCollector): Promise<void> {
  const env = process.env;
  const chalk = createChalk({ ...(opts.color !== undefined && { flag: opts.color }), env, isTTY: process.stdout.isTTY === true && opts.output === undefined });
  const diagnosticsChalk = createChalk({ ...(opts.color !== undefined && { flag: opts.color }), env, isTTY: process.stderr.isTTY === true });
  const acct = result.accounting;
  const diagnostics = scanDiagnostics({
    problems: acct.problems,
    malformed: acct.total.malformedByKind,
    kqlWarnings: active.warnings.map((w) => kqlDiagnostic({ ...(active.file !== undefined && { file: active.file }), where: `${active.origin}: query` }, w)),
    timeIssues: result.summary.timeIssues,
    eventsWithoutTime: result.summary.eventsWithoutTime,
    runWarnings: result.warnings,
    runErrors: result.errors,
  });
  const literals = result.prefilter === null ? prefilterOff(opts) : result.prefilter.needles.map((n) => n.text).join(', ');
  const input = inputSection(acct.total, acct.files.size, result.matched, literals);
  if (opts.since !== undefined || opts.until !== undefined) input.rows.push(timeFilterRow(result.outsideSinceUntil));
  const summary = [input, detectionSection(result.summary, timestampFieldsOf(active.rule))];

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
    const doc = opts.explain ? withExplanation(active.ast, alert) : alert;
    await formatter.alert(opts.nested ? nestAlert(doc) : doc);
  }
  await formatter.end({ summary, ...diagnostics, ...(histogram && { timeline: histogram.timeline() }) });
}

export async function runScan(inputs: string[], raw: Record<string, unknown>): Promise<number> {
  const opts = parseOptions(scanOptionsSchema, raw);
  requireInput(inputs, 'scan');
  const active = await loadActiveRule(opts.rule, opts.ruleId, opts.ruleVersion);
  const format = opts.format ?? defaultFormat(opts.output);
  const lib = await libraryOptions(opts, active, format);
  const scan: FileScan = createEngine(() => createFileScan(inputs, lib));
  guardStream(process.stderr);

  let sink: OutputSink;
  try {
    sink = await openSink(opts.output);
  } catch (e) {
    throw new UserFacingError(`--output ${opts.output}: ${(e as Error).message}`);
  }
  const onSigint = () => {
    void sink.abort().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSigint);
  const progress = createProgress({ stream: process.stderr, quiet: opts.quiet, env: process.env });
  const histogram = wantsHistogram(opts, format) ? timelineCollector(active.rule) : undefined;

  try {
    let result: ScanFilesResult;
    try {
      result = await scan.run({
        onProgress: (p) => progress.update(p),
        shouldStop: () => sink.closed,
        ...(histogram && { onMatches: (evs) => evs.forEach((ev) => histogram.addEvent(ev.source, 'match')) }),
      });
    } catch (e) {
      if (e instanceof InputError) throw new UserFacingError(e.message);
      throw e;
    } finally {
      progress.done();
    }
    await writeResult(opts, active, result, sink, format, histogram);
    await sink.close();
    if (opts.state !== undefined) saveState(opts.state, result.state);
    return result.alerts.length > 0 && !opts.exitZero ? EXIT_ALERTS : EXIT_OK;
  } catch (e) {
    await sink.abort();
    throw e;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
