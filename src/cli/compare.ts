/**
 * `compare`: what upgrading (or downgrading) the built-in rule would change on the user's own events.
 * Reads the input once for all chosen versions (engine/compare.ts), prints per version its matches
 * and alerts, then per consecutive pair the alerts gained and lost with their reasons. Exit 1 when
 * the versions disagree (a CI gate for rule upgrades), 0 when they agree, 2 on usage or input errors.
 */
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { createComparer, identityAlert, unionIndexPatterns, unionQuery, type CompareOptions, type CompareResult, type Comparer, type VersionUnderTest } from '../engine/compare.js';
import { ScanConfigError } from '../engine/scan.js';
import { Accounting } from '../io/accounting.js';
import { InputError } from '../io/errors.js';
import { readInputs, type ReadInputsOptions } from '../io/read-events.js';
import { createScanJob } from '../engine/read-job.js';
import { derivePrefilter } from '../kql/prefilter.js';
import { prefilterQuery } from '../kql/prefilter-typed.js';
import { queryFields } from '../kql/query-fields.js';
import { fieldTypeTable, type FieldTypes } from '../ecs/field-types.js';
import { queryTypeTable, resolveFieldTypes } from './field-types.js';
import { createChalk } from '../output/color.js';
import { compareToJson, differenceRecord, renderComparePretty } from '../output/compare.js';
import { createProgress } from '../output/progress.js';
import { guardStream, stdoutSink } from '../output/sink.js';
import { renderDiagnostics } from '../output/summary.js';
import { problemDiagnostics } from './diagnostics.js';
import type { Diagnostic } from '../output/types.js';
import { DEFAULT_RULE_VERSION, describeVersionRanges, evaluableVersions, loadRuleVersion, RuleVersionError } from '../rule/versions.js';
import { EXIT_ALERTS, EXIT_OK, UserFacingError, requireInput } from './exit.js';
import { parseOptions, scanOptionsSchema } from './options.js';
import { compileRuleQuery } from './rule-source.js';
import { readRunsFile } from './scan.js';
import { idleSinceLoad, threadPlan } from './thread-plan.js';
import { defaultQueryNow } from '../ecs/query-clock.js';

const versionList = z
  .string()
  .regex(/^\s*\d+(\s*,\s*\d+)*\s*$/, 'expected comma-separated version numbers such as 210,215')
  .transform((s) => [...new Set(s.split(',').map((x) => Number(x.trim())))].sort((a, b) => a - b));

const compareOptionsSchema = scanOptionsSchema
  .pick({ start: true, end: true, runs: true, ruleUuid: true, space: true, strict: true, prefilter: true, exitZero: true, quiet: true, color: true, threads: true, mapping: true })
  .extend({
    versions: versionList.optional(),
    all: z.boolean().default(false),
    format: z.enum(['pretty', 'json', 'ndjson'], { message: 'expected one of pretty, json, ndjson' }).optional(),
  });

/** The versions to compare: --all, --versions, or the default and the newest. */
export function chooseVersions(versions: number[] | undefined, all: boolean): number[] {
  const evaluable = evaluableVersions();
  if (all && versions !== undefined) throw new UserFacingError('give --versions or --all, not both');
  const chosen = all ? evaluable : (versions ?? [DEFAULT_RULE_VERSION, evaluable[evaluable.length - 1]!]);
  if (chosen.length < 2) throw new UserFacingError(`--versions: name at least two versions to compare (evaluable: ${describeVersionRanges(evaluable)})`);
  return chosen;
}

export function loadVersions(numbers: readonly number[]): VersionUnderTest[] {
  return numbers.map((version) => {
    let rule;
    try {
      rule = loadRuleVersion(version);
    } catch (e) {
      if (e instanceof RuleVersionError) throw new UserFacingError(`--versions ${version}: ${e.message}`);
      throw e;
    }
    return { version, rule, ast: compileRuleQuery(rule.query, `built-in rule v${version}: query`).ast };
  });
}

export interface CompareReadOptions {
  prefilter: boolean;
  strict: boolean;
  threads: ReadInputsOptions['threads'];
  parallelMinBytes: number;
  onProgress?: ReadInputsOptions['onProgress'];
  /** After each batch: events decoded so far and events some version's query matched. */
  onBatch?: (events: number, matches: number) => void;
  /** The field types the versions' queries are evaluated with (the reader's union query too). */
  fieldTypes?: FieldTypes;
  /** The evaluation time (epoch ms) of `now` in date clauses. */
  now?: number;
}

/**
 * Reads the inputs once for every version: the reader runs the union of the versions' queries (one
 * prefilter over the union of their literals, each candidate line parsed once), then the comparer
 * tests each event against each version.
 */
export async function compareInputs(
  inputs: readonly string[],
  versions: readonly VersionUnderTest[],
  comparer: Comparer,
  acct: Accounting,
  opts: CompareReadOptions,
): Promise<CompareResult> {
  const query = unionQuery(versions);
  if (opts.strict) acct.strict = true;
  // Typed like each version's own predicate, so the reader yields a superset of every version's matches.
  const typeTable = opts.fieldTypes === undefined ? undefined : fieldTypeTable(opts.fieldTypes, queryFields(query));
  const scanJob = createScanJob({
    query,
    // --strict parses every line, so nothing a prefilter passes over can hide a malformed one.
    prefilter: opts.prefilter && !opts.strict ? derivePrefilter(typeTable === undefined ? query : prefilterQuery(query, typeTable)) : null,
    indexPatterns: unionIndexPatterns(versions),
    ...(typeTable !== undefined && { fieldTypes: typeTable }),
    ...(opts.now !== undefined && { now: opts.now }),
  });
  const input = readInputs(inputs, scanJob.job, acct, {
    threads: opts.threads,
    parallelMinBytes: opts.parallelMinBytes,
    ...(opts.onProgress && { onProgress: opts.onProgress }),
  });
  let events = 0;
  let matches = 0;
  for await (const batch of input.batches) {
    for (const ev of batch.matches) comparer.add(ev);
    events += batch.events;
    matches += batch.matches.length;
    opts.onBatch?.(events, matches);
  }
  return comparer.finish();
}

export async function runCompare(inputs: string[], raw: Record<string, unknown>): Promise<number> {
  const opts = parseOptions(compareOptionsSchema, raw);
  const versions = loadVersions(chooseVersions(opts.versions, opts.all));
  requireInput(inputs, 'compare');
  // Field types as scan reads them (Elastic Defend's process data stream for the built-in rule, or
  // --mapping); a clause a version's query cannot run on these types is a usage error naming it.
  const fieldTypes = resolveFieldTypes(versions[0]!.rule, opts.mapping);
  for (const v of versions) queryTypeTable(v.ast, fieldTypes);
  const now = new Date(defaultQueryNow());
  // The CLI reports events, not alert documents: each version builds only its alerts' identities.
  const cmpOpts: CompareOptions = { space: opts.space, alertDocument: identityAlert, fieldTypes, now };
  if (opts.ruleUuid !== undefined) cmpOpts.ruleUuid = opts.ruleUuid;
  if (opts.start !== undefined) cmpOpts.start = opts.start;
  if (opts.end !== undefined) cmpOpts.end = opts.end;
  if (opts.runs !== undefined) {
    if (opts.start !== undefined || opts.end !== undefined) throw new UserFacingError('--runs replaces --start/--end: give one or the other');
    cmpOpts.runs = await readRunsFile(opts.runs);
  }
  let comparer;
  try {
    comparer = createComparer(versions, cmpOpts);
  } catch (e) {
    if (e instanceof ScanConfigError) throw new UserFacingError(e.message);
    throw e;
  }

  const acct = new Accounting({ strict: opts.strict });
  const progress = createProgress({ stream: process.stderr, quiet: opts.quiet, env: process.env });
  guardStream(process.stderr);
  let bytes: { bytesDone: number; bytesTotal?: number } = { bytesDone: 0 };
  let result;
  try {
    result = await compareInputs(inputs, versions, comparer, acct, {
      prefilter: opts.prefilter,
      strict: opts.strict,
      fieldTypes,
      now: now.getTime(),
      ...threadPlan(opts.threads, availableParallelism(), idleSinceLoad),
      onProgress: (p) => {
        bytes = p;
      },
      onBatch: (events, matches) => progress.update({ ...bytes, events, matches }),
    });
  } catch (e) {
    if (e instanceof InputError) throw new UserFacingError(e.message);
    throw e;
  } finally {
    progress.done();
  }
  const format = opts.format ?? (process.stdout.isTTY === true ? 'pretty' : 'ndjson');
  const out = stdoutSink();
  if (format === 'json') {
    await out.write(`${JSON.stringify(compareToJson(result), null, 2)}\n`);
  } else if (format === 'ndjson') {
    for (const p of result.pairs) {
      for (const d of [...p.gained, ...p.lost].sort((x, y) => x.record.seq - y.record.seq)) {
        await out.write(`${JSON.stringify(differenceRecord(d, result.versions))}\n`);
        if (out.closed) break;
      }
    }
  } else {
    const chalk = createChalk({ ...(opts.color !== undefined && { flag: opts.color }), env: process.env, isTTY: process.stdout.isTTY === true });
    await out.write(renderComparePretty(result, chalk, process.stdout.columns || 120));
  }
  await out.close();

  if (!opts.quiet) {
    const bad = problemDiagnostics(acct.problems, acct.total.malformedByKind);
    const warnings: Diagnostic[] = [...bad.warnings];
    for (const v of result.versions) {
      for (const w of v.result.warnings) warnings.push({ kind: 'max-signals', run: w.run, message: `v${v.version}: ${w.message}` });
    }
    const errors: Diagnostic[] = result.versions.flatMap((v) => v.result.errors.map((e) => ({ kind: 'gap', run: e.run, message: `v${v.version}: ${e.message}` })));
    if (format === 'ndjson') {
      const counts = result.versions.map((v) => `v${v.version}: ${v.matches} matches, ${v.alerts} alerts`).join('; ');
      process.stderr.write(`compare: ${acct.total.read} lines read; ${counts}\n`);
    }
    process.stderr.write(renderDiagnostics({ warnings, errors, warningTotals: bad.warningTotals }));
  }
  return result.agree || opts.exitZero ? EXIT_OK : EXIT_ALERTS;
}
