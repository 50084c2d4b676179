/**
 * A rule's query compiled into the reader's job (io/job.ts): the predicate, the index filter and the
 * literal prefilter, calibrated on the first line batch of the run and then sent as plain data to any
 * worker threads, which rebuild the same job with `compileReadJob` (engine/scan-worker.ts). Worker
 * start-up loads only this module's imports: the tree compiler and the prefilter scan, no KQL parser
 * and no zod.
 */
import type { KueryNode } from '../kql/ast.js';
import { compileKqlTree } from '../kql/compile-tree.js';
import { compileDslQuery } from '../kql/query-dsl/compile.js';
import { ECS_KEYWORD_IGNORE_ABOVE, type JsonObject } from '../ecs/fields.js';
import type { Prefilter } from '../kql/prefilter.js';
import { calibratePrefilter, createArenaPrefilter, prefilterBatch } from '../kql/prefilter-scan.js';
import type { FieldTypeTable } from '../kql/compile-typed.js';
import { READ_CHUNK_BYTES } from '../io/sources.js';
import type { PortableJob, ReadJob } from '../io/job.js';
import { compileIndexFilter } from '../rule/index-patterns.js';

/** A job as plain data (posted to each worker thread once). */
export interface ReadJobSpec {
  /** A KQL tree already checked (compileKql, or a parsed rule query). */
  query: KueryNode;
  /** The literal prefilter; null: every line is parsed. */
  prefilter: Prefilter | null;
  /** The rule's index patterns (see rule/index-patterns.ts); empty: every index is in scope. */
  indexPatterns: readonly string[];
  /** Mappings of the query's and the filters' fields (kql/compile-typed.ts); absent: every field a keyword. */
  fieldTypes?: FieldTypeTable;
  /**
   * The rule's Kibana filters as one Query DSL clause (rule/filters.ts `filtersClause`), already
   * checked; an event must match it too (buildEsQuery ANDs them with the query).
   */
  filters?: JsonObject;
  /** The evaluation time (epoch ms) of `now` in date clauses: one instant for every worker. */
  now?: number;
}

function compileQuery(spec: ReadJobSpec): (event: unknown) => boolean {
  const query = compileKqlTree(spec.query, { ...(spec.fieldTypes !== undefined && { fieldTypes: spec.fieldTypes }), ...(spec.now !== undefined && { now: spec.now }) });
  if (spec.filters === undefined) return query;
  const filters = compileDslQuery(spec.filters, { ignoreAbove: ECS_KEYWORD_IGNORE_ABOVE, ...(spec.fieldTypes !== undefined && { fieldTypes: spec.fieldTypes }) });
  return (e) => query(e) && filters(e);
}

/** The worker's module: it compiles the spec it is started with (see io/worker-loop.ts). */
const WORKER = new URL(import.meta.url.endsWith('.ts') ? './scan-worker.ts' : './scan-worker.js', import.meta.url);

function portable(spec: ReadJobSpec): PortableJob {
  return { worker: WORKER, data: spec, parsesEveryLine: spec.prefilter === null };
}

/**
 * The job as given, its prefilter used as it is (in a worker: as the main thread calibrated it). The
 * prefilter's search has memory of its own that the worker's reads go straight into.
 */
export function compileReadJob(spec: ReadJobSpec): ReadJob {
  const pf = spec.prefilter;
  const job: ReadJob = {
    predicate: compileQuery(spec),
    indexFilter: compileIndexFilter(spec.indexPatterns),
    portable: () => portable(spec),
  };
  if (pf !== null) {
    const arena = createArenaPrefilter(pf, 2 * READ_CHUNK_BYTES);
    job.prefilter = arena.mark;
    if (arena.arena.length > 0) job.readBuffer = arena.arena;
  }
  return job;
}

/** A scan's job on the main thread, with the prefilter as calibrated so far (for the summary). */
export interface ScanReadJob {
  job: ReadJob;
  /** The prefilter after calibration (null when none); final once the reading is done. */
  prefilter(): Prefilter | null;
}

/**
 * The main thread's job: its prefilter redoes the choice among `and` children once, on the first
 * line batch it is asked about, and workers receive it calibrated.
 */
export function createScanJob(spec: ReadJobSpec): ScanReadJob {
  let pf = spec.prefilter;
  let calibrated = false;
  const job: ReadJob = {
    predicate: compileQuery(spec),
    indexFilter: compileIndexFilter(spec.indexPatterns),
    portable: () => portable({ ...spec, prefilter: pf }),
  };
  if (pf !== null) {
    job.prefilter = (lines) => {
      if (!calibrated) {
        pf = calibratePrefilter(pf!, lines);
        calibrated = true;
      }
      return prefilterBatch(pf!, lines);
    };
  }
  return { job, prefilter: () => pf };
}
