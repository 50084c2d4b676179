/**
 * The `scan` pipeline in-process, for end-to-end tests of engine behaviour (alerts, ids, state, run
 * times, input shapes, warnings) that need no separate process: the library's scanFiles, which the
 * CLI's scan is plus options, output and exit code. Defaults to the built-in rule; adds the run
 * warnings and the per-line problems as the CLI words them on stderr.
 */
import { scanFiles, type ScanFilesOptions, type ScanFilesResult } from '../../src/engine/scan-files.js';
import { BUILTIN_RULE } from '../../src/rule/builtin.js';

export interface InProcessScan extends ScanFilesResult {
  /** Per-line problems, as the CLI prints them. */
  problems: string[];
  /** The run warnings as the CLI words them on stderr (`run <time>: <message>`). */
  runWarnings: string[];
}

export async function scanInProcess(files: readonly string[], opts: Partial<ScanFilesOptions> = {}): Promise<InProcessScan> {
  const result = await scanFiles(files, { rule: BUILTIN_RULE, ...opts });
  return {
    ...result,
    problems: result.accounting.problemLines(),
    runWarnings: result.warnings.map((w) => `run ${w.run}: ${w.message}`),
  };
}
