/**
 * What the reader is asked to do, already compiled by its caller: `io/` knows bytes, lines, shapes
 * and accounting, never KQL or rules. The scan compiles a rule into a job (engine/read-job.ts);
 * `kql match` compiles a bare query into one that emits raw records; `explain` reads with an empty
 * job (every event, no filter).
 */
import type { LineBatch } from './lines.js';

/** A compiled event predicate over the ECS document (`_source`). */
export type SourcePredicate = (source: Record<string, unknown>) => boolean;

/** Whether an event with this `_index` is in scope; events without an index get `undefined`. */
export type IndexScope = (index: string | undefined) => boolean;

/**
 * A mask over a batch of lines: 0 at line `i` means no event on it can match, so it only gets a
 * structural check. Called once per line-mode batch, in input order, before any decoding; it may
 * keep state (the scan calibrates its choice of literals on the first batch).
 */
export type LinePrefilter = (lines: LineBatch) => Uint8Array | undefined;

export interface ReadJob {
  indexFilter?: IndexScope;
  prefilter?: LinePrefilter;
  /** Events kept; without one every event in scope is kept. */
  predicate?: SourcePredicate;
  /**
   * `events` (default): the kept events. `records`: also the raw bytes of every record (line or
   * pretty-printed value) holding a kept event, as written, for a filter that prints its input.
   */
  emit?: 'events' | 'records';
  /**
   * Memory the prefilter searches in place (the SIMD literal search's, two reads long): a reader of
   * byte ranges fills it with its 1 MiB reads, its halves in turn, instead of fresh buffers, which
   * spares the search a copy of every read. Empty or absent: fresh buffers.
   */
  readBuffer?: Buffer;
  /**
   * How a worker thread rebuilds this job; without it the job is never sent to workers. Asked at
   * the moment a file is handed to workers, so a prefilter calibrated by then travels calibrated.
   */
  portable?: () => PortableJob;
}

/** A job as plain data for a worker thread, plus the module that compiles it there. */
export interface PortableJob {
  /**
   * The worker's entry module: it calls `serveReadJobs` (io/worker-loop.ts) with the function that
   * turns `data` into a ReadJob (engine/scan-worker.ts for the scan).
   */
  worker: URL;
  /** Structured-cloneable data the entry module compiles. */
  data: unknown;
  /** Every line is parsed (no prefilter): the worker then needs a larger young generation. */
  parsesEveryLine: boolean;
}
