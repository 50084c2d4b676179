/**
 * `explain`: why each event matched the rule's query (the branch taken, with the values that satisfied
 * it) or why not (the first clause that failed, or the exclusion that fired), and for a matching
 * event what the scheduled rule made of it (its fate: alerted in run T, not new because its terms were
 * first seen at T' in file:line, lost to max_signals, outside every run, outside the index patterns);
 * then per-clause counts over the whole input so a rule author sees which exclusions earn their keep.
 * The engine options are scan's, so the fates are those of `scan` with the same options.
 *
 * Explanations are about the query; the rule's index patterns are reported beside them (an event
 * outside them would never reach the query in Kibana) rather than silently dropping the event.
 */
import { z } from 'zod';
import { Accounting } from '../io/accounting.js';
import { InputError } from '../io/errors.js';
import { readEvents } from '../io/read-events.js';
import { ClauseCounter, explainKql, summarizeExplanation } from '../kql/explain.js';
import { createChalk } from '../output/color.js';
import { eventFacts, explanationToJson, renderClauseCounts, renderEventHeader, renderExplanationSummary, renderExplanationTree, renderFate } from '../output/explain.js';

const SINCE_UNTIL = 'left out by --since/--until: not part of this run';
import { guardStream, stdoutSink } from '../output/sink.js';
import { renderDiagnostics } from '../output/summary.js';
import { compileIndexFilter } from '../rule/index-patterns.js';
import { EXIT_OK, UserFacingError, requireInput } from './exit.js';
import { parseOptions, ruleVersionOption, scanOptionsSchema, walkOptionsShape } from './options.js';
import { expandInputs, inputVerdicts } from './input-report.js';
import { queryTypeTable, resolveFieldTypes } from './field-types.js';
import { engineOptions } from './engine-options.js';
import { computeFates, eventKeys, rereadable } from './explain-fates.js';
import { timestampFieldsOf } from '../ecs/time.js';
import { createTimeFilter } from '../engine/time-filter.js';
import { compileKql } from '../kql/compile.js';
import { fateText } from '../output/fate-text.js';
import { loadActiveRule } from './rule-source.js';
import { compileFilterExcluder, describeFilter, ruleFilterJob } from '../rule/filters.js';
import { ruleFilterTypeTable } from './rule-filters.js';
import { ruleDiagnostics, problemDiagnostics, skippedDiagnostics } from './diagnostics.js';

const explainOptionsSchema = scanOptionsSchema
  .pick({ mode: true, start: true, end: true, runs: true, interval: true, from: true, historyWindowStart: true, maxSignals: true, ruleUuid: true, space: true, state: true, since: true, until: true })
  .extend({
  format: z.enum(['tree', 'json']).default('tree'),
  rule: z.string().min(1).optional(),
  ruleId: z.string().min(1).optional(),
  ruleVersion: ruleVersionOption.optional(),
  allowUnsupported: z.boolean().default(false),
  mapping: z.string().min(1).optional(),
  matchesOnly: z.boolean().default(false),
  color: z.boolean().optional(),
  strict: z.boolean().default(false),
  allVersions: z.boolean().default(false),
  ...walkOptionsShape,
  });

export async function runExplain(inputs: string[], raw: Record<string, unknown>): Promise<number> {
  const opts = parseOptions(explainOptionsSchema, raw);
  requireInput(inputs, 'explain');
  if (opts.allVersions) {
    if (opts.rule !== undefined || opts.ruleVersion !== undefined) throw new UserFacingError('--all-versions explains every version of the built-in rule: it cannot be combined with --rule or --rule-version');
    const { runExplainAllVersions } = await import('./explain-versions.js');
    return runExplainAllVersions(inputs, opts);
  }
  const active = await loadActiveRule(opts.rule, opts.ruleId, opts.ruleVersion, { allowUnsupported: opts.allowUnsupported });
  const inScope = compileIndexFilter(active.rule.index);
  // Clauses on non-keyword fields are explained by type, as scan evaluates them.
  const fieldTypes = resolveFieldTypes(active.rule, opts.mapping);
  const typeTable = queryTypeTable(active.ast, fieldTypes);
  const counter = new ClauseCounter(active.ast, typeTable);
  const env = process.env;
  const chalk = createChalk({ ...(opts.color !== undefined && { flag: opts.color }), env, isTTY: process.stdout.isTTY === true });
  guardStream(process.stderr);
  const out = stdoutSink();
  const acct = new Accounting({ strict: opts.strict });
  const json = opts.format === 'json';
  // The fates are scan's with the same options, field types included.
  const engineOpts = await engineOptions(opts, active.rule, { fieldTypes });
  const inTime = opts.since !== undefined || opts.until !== undefined ? createTimeFilter({ since: opts.since, until: opts.until }, timestampFieldsOf(active.rule)) : undefined;
  // Directories expand into the files in them that hold events (--glob/--exclude narrow the walk).
  const expanded = await expandInputs(inputs, opts);
  const src = await rereadable(expanded.inputs);
  // Kibana filters narrow what the query matches (buildEsQuery): the fates and verdicts count them.
  const filterJob = ruleFilterJob(active.rule);
  const excludedBy = compileFilterExcluder(filterJob, ruleFilterTypeTable(active.rule, filterJob, fieldTypes));
  const queryMatches = compileKql(active.ast, { fieldTypes: typeTable });
  const predicate = filterJob.clause === undefined ? queryMatches : (e: unknown) => queryMatches(e) && excludedBy(e) === undefined;
  const filterCounts = new Map<string, number>();
  const fates = await computeFates(active.rule, engineOpts, src, { matches: predicate, inScope, ...(inTime && { inTime }) });
  const keyOf = eventKeys();

  // Counted like scan: an event outside the rule's index patterns is never searched by Kibana, so it
  // is shown (with a note) but not counted, and --matches-only leaves it out.
  let outsideIndex = 0;
  try {
    for await (const batch of readEvents(src.inputs, { strict: opts.strict }, acct)) {
      for (const read of batch) {
        const key = keyOf(read);
        const ev = { ...read, origin: { file: src.display(read.origin.file), line: read.origin.line } };
        const indexed = inScope(ev.index);
        const expl = indexed ? counter.add(ev.source) : explainKql(active.ast, ev.source, typeTable);
        if (!indexed) outsideIndex++;
        const filtered = expl.verdict ? excludedBy(ev.source) : undefined;
        if (filtered !== undefined && indexed) filterCounts.set(filtered.path, (filterCounts.get(filtered.path) ?? 0) + 1);
        const matched = expl.verdict && filtered === undefined;
        if (opts.matchesOnly && !(matched && indexed)) continue;
        const querySummary = summarizeExplanation(expl);
        const summary = filtered === undefined ? querySummary : { ...querySummary, matched: false, text: `${querySummary.text}, but the rule's filter ${describeFilter(filtered)} excludes it` };
        const facts = eventFacts(ev);
        const fate = matched ? fates.of(key) : undefined;
        const where = { file: ev.origin.file, line: ev.origin.line, ...(ev.index !== undefined && { index: ev.index }), ...(ev.id !== undefined && { id: ev.id }) };
        if (json) {
          const about = { time: facts.time, ...(facts.ingested !== null && { ingested: facts.ingested }), host: facts.host, user: facts.user, command_line: facts.commandLine };
          const fateJson = fate === undefined ? {} : fate === 'since-until' ? { fate: { kind: 'since-until' }, fate_text: SINCE_UNTIL } : { fate: fate.fate, fate_text: fateText(fate.fate), ...(fate.terms.length > 1 && { terms: fate.terms }) };
          const byFilter = filtered === undefined ? {} : { matched: false, excluded_by_filter: { filter: filtered.path, negate: filtered.negate, query: filtered.query } };
          await out.write(`${JSON.stringify({ type: 'event', ...where, ...about, in_rule_indices: indexed, ...explanationToJson(expl, summary), ...byFilter, ...fateJson })}\n`);
        } else {
          const scope = indexed ? '' : `\n${chalk.yellow('note:')} index ${ev.index} is outside the rule's index patterns (${active.rule.index.join(', ')}): Kibana would never evaluate it; not counted`;
          const fateLines = fate === undefined ? '' : `\n${renderFate(fate === 'since-until' ? SINCE_UNTIL : fate, chalk)}`;
          await out.write(`${renderEventHeader(facts, chalk)}\n${renderExplanationSummary(summary, chalk)}${fateLines}${scope}\n${renderExplanationTree(expl, chalk)}\n\n`);
        }
        if (out.closed) break;
      }
      if (out.closed) break;
    }
  } catch (e) {
    if (e instanceof InputError) throw new UserFacingError(e.message);
    throw e;
  } finally {
    src.cleanup();
  }
  const counts = counter.counts();
  const filterRows = filterJob.queries.clauses.map((c) => ({ filter: c.path, negate: c.negate, query: c.query, excluded: filterCounts.get(c.path) ?? 0 }));
  if (json) await out.write(`${JSON.stringify({ type: 'clause_counts', ...counts, events_outside_index: outsideIndex, ...(filterRows.length > 0 && { filters: filterRows }) })}\n`);
  else {
    const outside = outsideIndex > 0 ? `; ${outsideIndex} outside the index patterns, not counted` : '';
    await out.write(`${chalk.bold('Per-clause counts')} (${counts.events} events, ${counts.matched} matched, ${counts.matchedBeforeExclusions} before exclusions${outside})\n${renderClauseCounts(counts, chalk)}\n`);
    if (filterRows.length > 0) {
      const lines = filterJob.queries.clauses.map((c) => `  ${describeFilter(c)}: excluded ${filterCounts.get(c.path) ?? 0}`);
      await out.write(`${chalk.bold('Kibana filters')} (ANDed with the query as buildEsQuery does; events the query matched that a filter excluded)\n${lines.join('\n')}\n`);
    }
  }
  await out.close();
  inputVerdicts(acct, undefined);
  const bad = problemDiagnostics(
    acct.problems.map((p) => ({ ...p, file: src.display(p.file) })),
    acct.total.malformedByKind,
  );
  const warnings = [
    ...ruleDiagnostics(active),
    ...skippedDiagnostics(expanded.skipped),
    ...bad.warnings,
  ];
  process.stderr.write(renderDiagnostics({ warnings, errors: [], warningTotals: bad.warningTotals }));
  return EXIT_OK;
}
