/**
 * In-process versions of the two pipelines the equivalence tests compare: `scan --rule-version N`
 * (the reader with version N's own query, prefilter and index patterns, then its scanner) and
 * `compare` (one read for all versions). Both read real files through the same reader as the CLI.
 */
import { compareInputs, loadVersions } from '../../src/cli/compare.js';
import { createComparer, type CompareResult, type VersionUnderTest } from '../../src/engine/compare.js';
import { createScanner, type ScanResult } from '../../src/engine/scan.js';
import { Accounting } from '../../src/io/accounting.js';
import { readInputs } from '../../src/io/read-events.js';
import { createScanJob } from '../../src/engine/read-job.js';
import { derivePrefilter } from '../../src/kql/prefilter.js';

export const NOW = new Date('2026-12-01T00:00:00Z');
const READ = { threads: 1, parallelMinBytes: Number.MAX_SAFE_INTEGER } as const;

/**
 * `prefilter: false` reads like `--no-prefilter` (same answer by the prefilter's own tests; on tiny
 * files its calibration costs more than the parse it saves).
 */
export async function scanVersion(inputs: string[], v: VersionUnderTest, prefilter = true): Promise<ScanResult> {
  const scanner = createScanner(v.rule, { mode: v.rule.type, now: NOW });
  const job = createScanJob({ query: v.ast, prefilter: prefilter ? derivePrefilter(v.ast) : null, indexPatterns: v.rule.index }).job;
  const input = readInputs(inputs, job, new Accounting({ strict: false }), READ);
  for await (const b of input.batches) for (const ev of b.matches) scanner.add(ev);
  return scanner.finish();
}

export async function compareAll(inputs: string[], versions: readonly VersionUnderTest[]): Promise<CompareResult> {
  const cmp = createComparer(versions, { now: NOW });
  return compareInputs(inputs, versions, cmp, new Accounting({ strict: false }), { prefilter: true, strict: false, ...READ });
}

export { loadVersions };
