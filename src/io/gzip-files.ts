/**
 * Compressed captures on every core: a run of gzip files in the inputs is handed to worker threads a
 * whole file at a time (each worker inflates and decodes its file with the same stream reader one
 * thread would use), and the results are put back in input order by parallel.ts. Inflating is
 * serial within a file, so this is where several files pay: rotated captures (`events-*.ndjson.gz`).
 * A single large gzip goes the other way (read-source.ts): inflated here, scanned on the workers.
 *
 * The prefilter is calibrated first, on the batch one thread would calibrate it on (the first
 * 1 MiB of the first file, decoded and thrown away here), so the workers pass over the same lines.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { Accounting } from './accounting.js';
import type { Decoded } from './decoder.js';
import { DEFAULT_HEAD_BYTES, SourceDecoder } from './decoder.js';
import { InputError } from './errors.js';
import type { ReadJob } from './job.js';
import { scanPieces } from './parallel.js';
import { isGzipMagic, openSource, type InputSource } from './sources.js';

/**
 * A gzip file holds several times its size in events (about 8× for Elastic Defend NDJSON at the
 * default level), so a run of them is worth the workers at a compressed size this much smaller than
 * a plain file's threshold.
 */
export const GZIP_SIZE_FACTOR = 8;

/** Whether a named regular file starts with gzip's magic bytes (unreadable: no, the reader reports it). */
export function isGzipFile(src: InputSource): boolean {
  if (src.kind !== 'file' || src.size === undefined || src.size < 2) return false;
  let fd: number | undefined;
  try {
    fd = openSync(src.name, 'r');
    const head = Buffer.alloc(2);
    return readSync(fd, head, 0, 2, 0) === 2 && isGzipMagic(head);
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The consecutive gzip files from `sources[from]` on. */
export function gzipRun(sources: readonly InputSource[], from: number): InputSource[] {
  const run: InputSource[] = [];
  for (let i = from; i < sources.length && isGzipFile(sources[i]!); i++) run.push(sources[i]!);
  return run;
}

/** Decodes the head of `src` with a throwaway decoder so that `job`'s prefilter calibrates on it. */
async function calibrateOn(src: InputSource, job: ReadJob, maxLineBytes: number | undefined): Promise<void> {
  const decoder = new SourceDecoder(src.name, job, new Accounting(), maxLineBytes !== undefined ? { maxLineBytes } : {});
  const it = openSource(src).chunks[Symbol.asyncIterator]();
  let n = 0;
  try {
    while (n < DEFAULT_HEAD_BYTES) {
      const r = await it.next();
      if (r.done === true) {
        decoder.end();
        return;
      }
      n += r.value.length;
      decoder.push(r.value);
    }
  } catch {
    // A broken file: one thread would calibrate on what it holds; the worker reports the break.
  } finally {
    await it.return?.();
  }
}

export interface GzipFilesOptions {
  threads: number;
  maxLineBytes?: number;
  /** Called as each file is done, in input order. */
  fileDone?: (src: InputSource) => void;
}

export async function* readGzipFiles(files: readonly InputSource[], job: ReadJob, acct: Accounting, opts: GzipFilesOptions): AsyncGenerator<Decoded> {
  await calibrateOn(files[0]!, job, opts.maxLineBytes);
  const limits = { strict: acct.strict, maxProblems: acct.maxProblems, ...(opts.maxLineBytes !== undefined && { maxLineBytes: opts.maxLineBytes }) };
  const byName = new Map(files.map((f) => [f.name, f]));
  for await (const r of scanPieces(
    files.map((f) => ({ kind: 'gzip' as const, file: f.name })),
    job,
    { threads: opts.threads, limits },
  )) {
    const f = r.failure;
    if (f !== undefined) throw new InputError(f.reason, f.path, f.detail, f.line, f.column);
    acct.merge(r.accounting);
    opts.fileDone?.(byName.get(r.piece.file)!);
    if (r.events > 0) yield { events: r.events, matches: r.matches, records: [] };
  }
}
