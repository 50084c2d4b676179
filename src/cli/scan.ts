/**
 * `scan` (the default command): events in, alerts out. Reads the inputs once, keeps only the events
 * that match the rule's query (and its index patterns), hands them to the engine, and writes the
 * alerts in the chosen format. Exit code: 1 when alerts were written (unless --exit-zero), 0 when
 * none, 2 for usage, rule or input errors.
 */
import { availableParallelism } from 'node:os';
import { timestampFieldsOf } from '../ecs/time.js';
import { createScanner } from '../engine/scan.js';
import { saveState } from '../engine/state.js';
import { createTimeFilter } from '../engine/time-filter.js';
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
import { nestAlert } from '../output/nest.js';
import { JSON_MAX_PROBLEMS, renderDiagnostics, type SummaryStyle } from '../output/summary.js';
import { guardStream, openSink } from '../output/sink.js';
import type { OutputFormat } from '../output/types.js';
import { EXIT_ALERTS, EXIT_OK, UserFacingError, requireInput } from './exit.js';
import { parseOptions, scanOptionsSchema } from './options.js';
import { loadActiveRule } from './rule-source.js';
import { kqlDiagnostic, scanDiagnostics } from './diagnostics.js';
import { detectionSection, inputSection, timeFilterRow } from './scan-summary.js';
import { idleSinceLoad, threadPlan } from './thread-plan.js';
import { createEngine, engineOptions } from './engine-options.js';

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

  const format = opts.format ?? defaultFormat(opts.output);
  // json lists every problem (up to a bound); human output shows ten of each kind.
  const maxProblems = format === 'json' ? JSON_MAX_PROBLEMS : undefined;
  const engineOpts = await engineOptions(opts, rule, maxProblems === undefined ? {} : { maxTimeIssues: maxProblems });
  const scanner = createEngine(() => createScanner(rule, engineOpts));

  const env = process.env;
  const chalk = createChalk({ ...(opts.color !== undefined && { flag: opts.color }), env, isTTY: process.stdout.isTTY === true && opts.output === undefined });
  const diagnosticsChalk = createChalk({ ...(opts.color !== undefined && { flag: opts.color }), env, isTTY: process.stderr.isTTY === true });
  guardStream(process.stderr);

  let sink;
  try {
    sink = await openSink(opts.output);
  } catch (e) {
    throw new UserFacingError(`--output ${opts.output}: ${(e as Error).message}`);
  }
  const onSigint = () => {
    void sink.abort().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSigint);

  const progress = createProgress({ stream: process.stderr, quiet: opts.quiet, env });
  const acct = new Accounting({ strict: opts.strict, ...(maxProblems !== undefined && { maxProblems }) });
  const timeFields = timestampFieldsOf(rule);
  // --since/--until leave events out of the run altogether; --start/--end only place the schedule.
  const inTime = opts.since !== undefined || opts.until !== undefined ? createTimeFilter({ since: opts.since, until: opts.until }, timeFields) : undefined;
  let events = 0;
  let matched = 0;
  let outsideTime = 0;
  let bytes = { bytesDone: 0 } as { bytesDone: number; bytesTotal?: number };

  const scanJob = createScanJob({ query: active.ast, prefilter: pf, indexPatterns: rule.index });
  const input = readInputs(inputs, scanJob.job, acct, {
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
          if (inTime && !inTime(ev.source)) outsideTime++;
          else scanner.add(ev);
        }
        progress.update({ ...bytes, events, lines: acct.total.read, matches: matched });
        if (sink.closed) break;
      }
    } catch (e) {
      if (e instanceof InputError) throw new UserFacingError(e.message);
      throw e;
    } finally {
      progress.done();
    }

    const result = scanner.finish();
    const diagnostics = scanDiagnostics({
      problems: acct.problems,
      malformed: acct.total.malformedByKind,
      kqlWarnings: active.warnings.map((w) => kqlDiagnostic({ ...(active.file !== undefined && { file: active.file }), where: `${active.origin}: query` }, w)),
      timeIssues: result.summary.timeIssues,
      eventsWithoutTime: result.summary.eventsWithoutTime,
      runWarnings: result.warnings,
      runErrors: result.errors,
    });
    const input_ = inputSection(acct.total, acct.files.size, matched, prefilterState || (scanJob.prefilter()?.needles.map((n) => n.text).join(', ') ?? ''));
    if (inTime) input_.rows.push(timeFilterRow(outsideTime));
    const summary = [input_, detectionSection(result.summary, timeFields)];

    if (opts.count) {
      // -c: the number of alerts, as grep -c counts lines; warnings still go to stderr.
      await sink.write(`${result.alerts.length}\n`);
      process.stderr.write(renderDiagnostics(diagnostics, diagnosticsChalk));
    } else {
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
      });
      await formatter.begin?.();
      for (const alert of result.alerts) {
        if (sink.closed) break;
        const doc = opts.explain ? withExplanation(active.ast, alert) : alert;
        await formatter.alert(opts.nested ? nestAlert(doc) : doc);
      }
      await formatter.end({ summary, ...diagnostics });
    }
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
