/**
 * A scan end to end, as one library call: inputs (files, directories, `-` for stdin; gzip and every
 * event shape) → the reader core with the rule's compiled job (predicate, index patterns, calibrated
 * literal prefilter; worker threads for large plain files) → the engine → alerts, summary, warnings
 * and the state for the next invocation. The CLI's `scan` is this plus options, output and exit code.
 *
 *   const result = await scanFiles(['events.ndjson'], { rule: BUILTIN_RULE });
 *   for (const alert of result.alerts) console.log(alert['kibana.alert.uuid']);
 */
import { Accounting } from '../io/accounting.js';
import type { SourceEvent } from '../io/types.js';
import { untilAborted } from '../io/abortable.js';
import { readInputs, type ReadProgress } from '../io/read-events.js';
import type { KueryNode } from '../kql/ast.js';
import { parseKql } from '../kql/parse.js';
import type { Prefilter } from '../kql/prefilter.js';
import type { Rule } from '../rule/schema.js';
import type { AlertMode } from './alert.js';
import { createScanJob } from './read-job.js';
import { ruleReadSpec } from './rule-read-spec.js';
import type { RuleFilter } from '../rule/filters.js';
import { DslQueryError } from '../kql/query-dsl/types.js';
import { ScanConfigError } from './scan-config.js';
import { createScanner, type ScanOptions, type ScanResult } from './scan.js';
import { createTimeFilter } from './time-filter.js';
import { timestampFieldsOf } from '../ecs/time.js';
import { defaultQueryNow } from '../ecs/query-clock.js';

/** A scan end to end: the rule, the engine's options (mode, schedule, state) and how to read. */
export interface ScanFilesOptions extends Omit<ScanOptions, 'mode'> {
  rule: Rule;
  /** The negated filter of the rule's exception lists (rule/exceptions.ts buildExceptionFilter). */
  exceptionFilter?: RuleFilter;
  /** The rule's query already parsed (e.g. to have reported its warnings); default: parsed here. */
  query?: KueryNode;
  /** Default: `query` for a query rule, `new_terms` for a new_terms rule. */
  mode?: AlertMode;
  /** Stop at the first bad input line with an `InputError` instead of counting it; parses every line. */
  strict?: boolean;
  /** The literal prefilter (default true); it never changes the result, only the speed. */
  prefilter?: boolean;
  /** Worker threads for large plain files (default 1); a function is asked once, when one comes up. */
  threads?: number | (() => number | Promise<number>);
  /** Files smaller than this stay on the calling thread (default 512 MiB; 0: split every plain file). */
  parallelMinBytes?: number;
  /** Longest line (or pretty-printed value) decoded; longer ones are malformed "too long". Default 64 MiB. */
  maxLineBytes?: number;
  /** After each read: bytes consumed, events decoded, events matching so far. */
  onProgress?: (p: ScanProgress) => void;
  /** Asked after each read; true stops reading (the alerts are then those of the events read). */
  shouldStop?: () => boolean;
  /**
   * Only events whose time (the rule's) is within these bounds take part (`--since`/`--until`, epoch
   * ms, inclusive); the others are left out entirely, as if not in the input. Unlike `start`/`end`,
   * which place the schedule and keep earlier events as history.
   */
  since?: number;
  until?: number;
  /** Bad lines kept as problems (all are counted); default 10. */
  maxProblems?: number;
  /** After each read, the events the query matched in it, in input order (before the engine sees them). */
  onMatches?: (events: readonly SourceEvent[]) => void;
  /**
   * Aborting it stops the scan between two reads, even one waiting on a pipe: `run` then rejects
   * with the signal's reason (see io/abortable.ts).
   */
  signal?: AbortSignal;
}

/** Where a scan is: bytes read (of the total when known), events decoded, events matching. */
export interface ScanProgress extends ReadProgress {
  events: number;
  matches: number;
  /** Input lines read so far. */
  lines: number;
}

/** The engine's result plus what the reading found: accounting, event counts, the calibrated prefilter. */
export interface ScanFilesResult extends ScanResult {
  /** Every input line accounted for, per file and in total, with the first problems as text. */
  accounting: Accounting;
  /** Events decoded and in the rule's index patterns. */
  events: number;
  /** Of them, the events the query matched. */
  matched: number;
  /** Of the matched, those `since`/`until` left out (the engine was given the rest). */
  outsideSinceUntil: number;
  /** The literal prefilter as calibrated on the data; null when lines were all parsed. */
  prefilter: Prefilter | null;
  /** Inputs read by worker threads. */
  splitFiles: number;
}

/** What a caller may watch while a scan reads (given to `run`, or with the options). */
export type ScanHooks = Pick<ScanFilesOptions, 'onProgress' | 'shouldStop' | 'onMatches' | 'signal'>;

/** A scan whose configuration is checked (schedule, state) and whose inputs are not read yet. */
export interface FileScan {
  mode: AlertMode;
  run(hooks?: ScanHooks): Promise<ScanFilesResult>;
}

/** The mode a rule runs in unless asked otherwise: its own type (a new_terms rule can also be triaged in query mode). */
export function defaultMode(rule: Rule): AlertMode {
  return rule.type === 'query' ? 'query' : 'new_terms';
}

/**
 * Checks the configuration now (throws `ScanConfigError`, or `StateFileError` for a state of another
 * rule) and reads the inputs when `run` is called (throws `InputError` for a missing input, or for a
 * bad line under `strict`).
 */
export function createFileScan(inputs: readonly string[], options: ScanFilesOptions): FileScan {
  const { rule, query, exceptionFilter, strict = false, prefilter = true, threads, parallelMinBytes, maxLineBytes, onProgress, shouldStop, onMatches, signal: optionSignal, since, until, maxProblems, ...engine } = options;
  const mode = options.mode ?? defaultMode(rule);
  const ast = query ?? parseKql(rule.query);
  // Alert ids hash the rule's saved-object id: a Kibana export carries it; otherwise the rule_id.
  const ruleUuid = engine.ruleUuid ?? rule.id;
  const scanner = createScanner(rule, { ...engine, mode, ...(ruleUuid !== undefined && { ruleUuid }) });
  // Strict parses every line, so nothing a prefilter passes over can hide a malformed one.
  // `now` in date clauses: ScanOptions.now when given, else the process's query clock (the one
  // explain reads), one instant for every worker and run.
  const now = engine.now?.getTime() ?? defaultQueryNow();
  let spec;
  try {
    // The rule's Kibana filters (and exception lists) narrow the query as buildEsQuery ANDs them.
    spec = ruleReadSpec(rule, { query: ast, fieldTypes: engine.fieldTypes, prefilter: prefilter && !strict, now, ...(exceptionFilter !== undefined && { exceptionFilter }) }).spec;
  } catch (e) {
    if (e instanceof DslQueryError) throw new ScanConfigError(`rule "${rule.name}": filters: ${e.message}`);
    throw e;
  }
  const inTime = since !== undefined || until !== undefined ? createTimeFilter({ since, until }, timestampFieldsOf(rule)) : undefined;

  const run = async (hooks: ScanHooks = {}): Promise<ScanFilesResult> => {
    const progress = hooks.onProgress ?? onProgress;
    const stop = hooks.shouldStop ?? shouldStop;
    const matchesSeen = hooks.onMatches ?? onMatches;
    const signal = hooks.signal ?? optionSignal;
    const accounting = new Accounting({ strict, ...(maxProblems !== undefined && { maxProblems }) });
    const scanJob = createScanJob(spec);
    let bytes: ReadProgress = { bytesDone: 0 };
    const read = readInputs(inputs, scanJob.job, accounting, {
      ...(threads !== undefined && { threads }),
      ...(parallelMinBytes !== undefined && { parallelMinBytes }),
      ...(maxLineBytes !== undefined && { maxLineBytes }),
      onProgress: (p) => {
        bytes = p;
      },
    });
    let events = 0;
    let matched = 0;
    let outsideSinceUntil = 0;
    for await (const batch of signal ? untilAborted(read.batches, signal) : read.batches) {
      events += batch.events;
      matched += batch.matches.length;
      // The events the engine is given: those within --since/--until.
      const kept = inTime ? batch.matches.filter((ev) => inTime(ev.source)) : batch.matches;
      outsideSinceUntil += batch.matches.length - kept.length;
      matchesSeen?.(kept);
      for (const ev of kept) scanner.add(ev);
      progress?.({ ...bytes, events, matches: matched, lines: accounting.total.read });
      if (stop?.()) break;
    }
    return { ...scanner.finish(), accounting, events, matched, outsideSinceUntil, prefilter: scanJob.prefilter(), splitFiles: read.splitFiles() };
  };
  return { mode, run };
}

/** Scans `inputs` with `options.rule` end to end; see `createFileScan` for what it throws. */
export function scanFiles(inputs: readonly string[], options: ScanFilesOptions): Promise<ScanFilesResult> {
  return createFileScan(inputs, options).run();
}
