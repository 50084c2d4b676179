/**
 * `report`: the scan, written as one self-contained HTML page for an analyst (timeline per host,
 * near misses, pairs, alerts with their explanations). Takes every option `scan` takes; the alerts
 * are the scan's (the same engine runs, watched by the fate tracer).
 *
 * The reader is given the query without its top-level exclusions, so the events an exclusion drops
 * (the near misses) come out too; each is then tested against the whole query here: a match goes to
 * the engine, a near miss to `explain`'s machinery for the exclusion that fired. The prefilter
 * literals come from the positive clauses either way, so the reading costs what a scan's does.
 */
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { statSync } from 'node:fs';
import { z } from 'zod';
import { createFateTracer } from '../engine/fate.js';
import { sourceOfAlert } from '../engine/alert-source.js';
import { Accounting } from '../io/accounting.js';
import { InputError } from '../io/errors.js';
import { readInputs } from '../io/read-events.js';
import { createScanJob } from '../engine/read-job.js';
import { ruleReadSpec } from '../engine/rule-read-spec.js';
import { withFilterErrors } from './rule-filters.js';
import { untilAborted } from '../io/abortable.js';
import { compileKql } from '../kql/compile.js';
import { explainKql, summarizeExplanation } from '../kql/explain.js';
import { withoutExclusions } from '../kql/positive-part.js';
import type { Prefilter } from '../kql/prefilter.js';
import { createProgress } from '../output/progress.js';
import { loadReportAssets } from '../output/report/assets.js';
import { renderReportHtml } from '../output/report/html.js';
import { ReportCollector, type ReportRule } from '../output/report/model.js';
import { diagnosticText, renderDiagnostics } from '../output/summary.js';
import { createChalk } from '../output/color.js';
import { engineOptionsFrom, withConfigErrors } from './engine-options.js';
import { EXIT_ALERTS, EXIT_OK, UserFacingError, requireInput } from './exit.js';
import { parseOptions, scanOptionsSchema } from './options.js';
import { loadActiveRule } from './rule-source.js';
import { ruleDiagnostics, problemDiagnostics, scanDiagnostics } from './diagnostics.js';
import { detectionSection, inputSection } from './scan-summary.js';
import { idleSinceLoad, threadPlan } from './thread-plan.js';
import { queryTypeTable } from './field-types.js';
import { expandInputs, inputVerdicts } from './input-report.js';
import { Interrupted, keptMessage, trapStopSignals } from './interrupt.js';
import { openOutputTarget } from './output-target.js';
import { stateSessionFor } from './state-session.js';
import { defaultQueryNow } from '../ecs/query-clock.js';

const require = createRequire(import.meta.url);

/** The new-terms fields, or the rule's pair when a query rule has none. */
const DEFAULT_PAIR_FIELDS = ['process.executable', 'process.parent.executable'];
/** Malformed lines listed in the report (all are counted). */
const MAX_PROBLEMS_SHOWN = 100;

export const reportOptionsSchema = scanOptionsSchema.omit({ format: true, explain: true }).extend({
  output: z.string({ message: 'report writes a file: give -o report.html' }).min(1),
});

export async function runReport(inputs: string[], raw: Record<string, unknown>): Promise<number> {
  const opts = parseOptions(reportOptionsSchema, raw);
  requireInput(inputs, 'report');
  const active = await loadActiveRule(opts.rule, opts.ruleId, opts.ruleVersion, { allowUnsupported: opts.allowUnsupported, exceptions: opts.exceptions });
  const { rule, ast } = active;
  // The --state file is loaded under its lock below (stateSessionFor), not here.
  const engineOpts = await engineOptionsFrom({ ...opts, state: undefined }, active);
  const assets = (() => {
    try {
      return loadReportAssets();
    } catch (e) {
      throw new UserFacingError(`report: ${(e as Error).message}`);
    }
  })();

  const positive = withoutExclusions(ast);
  const readQuery = positive ?? ast;
  const prefilterOn = opts.prefilter && !opts.strict;
  // The scan's read (engine/rule-read-spec.ts): the query by field types, the typed prefilter.
  // `now` in date clauses: one instant for the reader, the predicate and the explanations.
  const now = engineOpts.now?.getTime() ?? defaultQueryNow();
  const read = withFilterErrors(rule, () => ruleReadSpec(rule, { query: readQuery, fieldTypes: engineOpts.fieldTypes, prefilter: prefilterOn, now, ...(active.exceptionFilter !== undefined && { exceptionFilter: active.exceptionFilter }) }));
  const typeTable = engineOpts.fieldTypes === undefined ? undefined : queryTypeTable(ast, engineOpts.fieldTypes);
  const matches = compileKql(ast, typeTable === undefined ? { now } : { fieldTypes: typeTable, now });
  const explain = (source: unknown) => summarizeExplanation(explainKql(ast, source, typeTable));
  const pf: Prefilter | null = read.spec.prefilter;
  const prefilterState = !opts.prefilter ? 'off (--no-prefilter)' : opts.strict ? 'off (--strict parses every line)' : pf === null ? 'none: the query has no required literal' : '';
  const pairFields = rule.new_terms_fields && rule.new_terms_fields.length > 0 ? rule.new_terms_fields : DEFAULT_PAIR_FIELDS;
  const collector = new ReportCollector(pairFields);
  const expanded = await expandInputs(inputs, { glob: opts.glob, exclude: opts.exclude });

  // --state: locked from loading to replacing, as scan does (cli/state-session.ts).
  const session = await stateSessionFor(opts);
  // Until the run's own try block takes over, a failure drops the staged state and the lock.
  const dropState = (): void => session?.drop();
  let tracer: ReturnType<typeof createFateTracer>;
  try {
    tracer = withConfigErrors(() => createFateTracer(rule, { ...engineOpts, ...(session?.loaded && { state: session.loaded }) }));
  } catch (e) {
    dropState();
    throw e;
  }

  const sink = await openOutputTarget(opts.output, dropState);
  const interrupt = trapStopSignals();

  const env = process.env;
  const progress = createProgress({ stream: process.stderr, quiet: opts.quiet, env });
  const acct = new Accounting({ strict: opts.strict, maxProblems: MAX_PROBLEMS_SHOWN });
  let events = 0;
  let matched = 0;
  let bytes = { bytesDone: 0 } as { bytesDone: number; bytesTotal?: number };
  const scanJob = createScanJob(read.spec);
  const input = readInputs(expanded.inputs, scanJob.job, acct, {
    ...threadPlan(opts.threads, availableParallelism(), idleSinceLoad),
    onProgress: (p) => {
      bytes = p;
    },
  });

  try {
    try {
      for await (const batch of untilAborted(input.batches, interrupt.signal)) {
        events += batch.events;
        for (const ev of batch.matches) {
          if (positive === null || matches(ev.source)) {
            matched++;
            collector.match(ev);
            tracer.add(ev);
          } else {
            collector.nearMiss(ev, explain(ev.source));
          }
        }
        progress.update({ ...bytes, events, matches: matched });
      }
    } catch (e) {
      if (e instanceof InputError) throw new UserFacingError(e.message);
      throw e;
    } finally {
      progress.done();
    }

    // Nothing passes as clean that was not read: undecodable files and --max-malformed fail the run.
    inputVerdicts(acct, opts.maxMalformed);
    const { scan, fates } = withConfigErrors(() => tracer.finish());
    // Diagnostics as objects for the terminal (bounded there), as text for the page's model.
    const diagnostics = scanDiagnostics({
      problems: [],
      skipped: expanded.skipped,
      malformed: acct.total.malformedByKind,
      kqlWarnings: ruleDiagnostics(active),
      timeIssues: scan.summary.timeIssues,
      eventsWithoutTime: scan.summary.eventsWithoutTime,
      runWarnings: scan.warnings,
      runErrors: scan.errors,
    });
    const warnings = diagnostics.warnings.map(diagnosticText);
    const errors = diagnostics.errors.map(diagnosticText);
    const prefilterText = prefilterState || (scanJob.prefilter()?.needles.map((n) => n.text).join(', ') ?? '');
    const reportRule: ReportRule = {
      name: rule.name,
      ruleId: rule.rule_id,
      version: rule.version,
      mode: engineOpts.mode,
      query: rule.query,
      newTermsFields: engineOpts.mode === 'new_terms' ? [...(rule.new_terms_fields ?? [])] : [],
      index: [...rule.index],
      interval: opts.interval ?? rule.interval,
      from: opts.from ?? rule.from,
      to: rule.to,
      historyWindowStart: engineOpts.mode === 'new_terms' ? (opts.historyWindowStart ?? rule.history_window_start ?? null) : null,
      maxSignals: opts.maxSignals ?? rule.max_signals,
      timestampOverride: rule.timestamp_override ?? null,
      source: active.origin,
    };
    const data = collector.build({
      tool: { name: 'kmod-enum-detect', version: (require('../../package.json') as { version: string }).version },
      rule: reportRule,
      inputs: expanded.inputs.length > 0 ? expanded.inputs : ['-'],
      fates,
      alerts: scan.alerts.map((doc) => {
        const raw = sourceOfAlert(doc);
        return { doc, raw, explanation: explain(raw) };
      }),
      summary: [inputSection(acct.total, acct.files.size, matched, prefilterText, expanded), detectionSection(scan.summary)],
      warnings,
      errors,
      malformed: { count: acct.total.malformed, shown: acct.problemLines() },
      timeRange: scan.summary.timeRange,
      truncatedRuns: [...new Set(scan.warnings.map((w) => w.run))],
      hasExclusions: positive !== null,
    });
    await sink.write(renderReportHtml(data, assets));
    // Committed together with signals held back, as scan does: the state written (fsynced) first,
    // then the page renamed into place, then the state.
    await interrupt.commit(async () => {
      session?.write(scan.state);
      await sink.finish();
      await sink.commit();
      session?.commit();
    });
    if (!opts.quiet) {
      const chalk = createChalk({ ...(opts.color !== undefined && { flag: opts.color }), env, isTTY: process.stderr.isTTY === true });
      const size = statSync(opts.output).size;
      process.stderr.write(
        `${chalk.bold('report')} ${opts.output} (${(size / 1024).toFixed(0)} KiB): ${matched} matching event(s) on ${data.hosts.length} host(s), ` +
          `${scan.alerts.length} alert(s), ${data.nearMisses.total} near miss(es), ${data.pairs.length} pair(s)\n`,
      );
      const bad = problemDiagnostics(acct.problems, acct.total.malformedByKind);
      process.stderr.write(renderDiagnostics({ warnings: [...diagnostics.warnings, ...bad.warnings], errors: diagnostics.errors, warningTotals: bad.warningTotals }, chalk));
    }
    return scan.alerts.length > 0 && !opts.exitZero ? EXIT_ALERTS : EXIT_OK;
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
