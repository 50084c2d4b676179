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
import { compileFilterExcluder, describeFilter, ruleFilterJob } from '../rule/filters.js';
import { ruleFilterTypeTable } from './rule-filters.js';
import { compileKql } from '../kql/compile.js';
import { explainKql, summarizeExplanation } from '../kql/explain.js';
import { withoutExclusions } from '../kql/positive-part.js';
import { derivePrefilter, type Prefilter } from '../kql/prefilter.js';
import { createProgress } from '../output/progress.js';
import { loadReportAssets } from '../output/report/assets.js';
import { renderReportHtml } from '../output/report/html.js';
import { ReportCollector, type ReportRule } from '../output/report/model.js';
import { guardStream, openSink } from '../output/sink.js';
import { diagnosticText, renderDiagnostics } from '../output/summary.js';
import { createChalk } from '../output/color.js';
import { engineOptionsFrom, withConfigErrors } from './engine-options.js';
import { EXIT_ALERTS, EXIT_OK, UserFacingError, requireInput } from './exit.js';
import { parseOptions, scanOptionsSchema } from './options.js';
import { loadActiveRule } from './rule-source.js';
import { kqlDiagnostic, problemDiagnostics, scanDiagnostics } from './diagnostics.js';
import { detectionSection, inputSection } from './scan-summary.js';
import { idleSinceLoad, threadPlan } from './thread-plan.js';

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
  const active = await loadActiveRule(opts.rule, opts.ruleId, opts.ruleVersion);
  const { rule, ast } = active;
  const engineOpts = await engineOptionsFrom(opts, active);
  const tracer = withConfigErrors(() => createFateTracer(rule, engineOpts));
  const assets = (() => {
    try {
      return loadReportAssets();
    } catch (e) {
      throw new UserFacingError(`report: ${(e as Error).message}`);
    }
  })();

  const positive = withoutExclusions(ast);
  const readQuery = positive ?? ast;
  const matches = compileKql(ast);
  // The rule's Kibana filters narrow what the query matches; an event they exclude is a near miss.
  const filterJob = ruleFilterJob(rule);
  const excludedBy = compileFilterExcluder(filterJob, engineOpts.fieldTypes === undefined ? undefined : ruleFilterTypeTable(rule, filterJob, engineOpts.fieldTypes));
  const pf: Prefilter | null = opts.prefilter && !opts.strict ? derivePrefilter(readQuery) : null;
  const prefilterState = !opts.prefilter ? 'off (--no-prefilter)' : opts.strict ? 'off (--strict parses every line)' : pf === null ? 'none: the query has no required literal' : '';
  const pairFields = rule.new_terms_fields && rule.new_terms_fields.length > 0 ? rule.new_terms_fields : DEFAULT_PAIR_FIELDS;
  const collector = new ReportCollector(pairFields);

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

  const env = process.env;
  const progress = createProgress({ stream: process.stderr, quiet: opts.quiet, env });
  const acct = new Accounting({ strict: opts.strict, maxProblems: MAX_PROBLEMS_SHOWN });
  let events = 0;
  let matched = 0;
  let bytes = { bytesDone: 0 } as { bytesDone: number; bytesTotal?: number };
  const scanJob = createScanJob({ query: readQuery, prefilter: pf, indexPatterns: rule.index });
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
          const queryMatched = positive === null || matches(ev.source);
          const filtered = queryMatched ? excludedBy(ev.source) : undefined;
          if (queryMatched && filtered === undefined) {
            matched++;
            collector.match(ev);
            tracer.add(ev);
          } else if (filtered !== undefined) {
            collector.nearMiss(ev, { ...summarizeExplanation(explainKql(ast, ev.source)), matched: false, text: `excluded by the rule's filter ${describeFilter(filtered)}` });
          } else {
            collector.nearMiss(ev, summarizeExplanation(explainKql(ast, ev.source)));
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

    const { scan, fates } = withConfigErrors(() => tracer.finish());
    // Diagnostics as objects for the terminal (bounded there), as text for the page's model.
    const diagnostics = scanDiagnostics({
      problems: [],
      malformed: acct.total.malformedByKind,
      kqlWarnings: active.warnings.map((w) => kqlDiagnostic({ ...(active.file !== undefined && { file: active.file }), where: `${active.origin}: query` }, w)),
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
      inputs: inputs.length > 0 ? inputs : ['-'],
      fates,
      alerts: scan.alerts.map((doc) => {
        const raw = sourceOfAlert(doc);
        return { doc, raw, explanation: summarizeExplanation(explainKql(ast, raw)) };
      }),
      summary: [inputSection(acct.total, acct.files.size, matched, prefilterText), detectionSection(scan.summary)],
      warnings,
      errors,
      malformed: { count: acct.total.malformed, shown: acct.problemLines() },
      timeRange: scan.summary.timeRange,
      truncatedRuns: [...new Set(scan.warnings.map((w) => w.run))],
      hasExclusions: positive !== null,
    });
    await sink.write(renderReportHtml(data, assets));
    await sink.close();
    if (opts.state !== undefined) {
      const { saveState } = await import('../engine/state.js');
      saveState(opts.state, scan.state);
    }
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
    throw e;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
