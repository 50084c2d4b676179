/**
 * The `scan` pipeline run in-process, for end-to-end tests of engine behaviour (alerts, ids, state,
 * run times, warnings) that need no separate process: the same steps as src/cli/scan.ts runScan
 * (rule, compiled query, prefilter, index scope, io reader, scanner), minus option parsing and
 * output formatting, which the CLI tests still exercise through the built binary.
 */
import { derivePrefilter } from '../../src/kql/prefilter.js';
import { parseKql } from '../../src/kql/parse.js';
import { Accounting } from '../../src/io/accounting.js';
import { readInputs } from '../../src/io/read-events.js';
import { createScanJob } from '../../src/engine/read-job.js';
import { createScanner, type ScanOptions, type ScanResult } from '../../src/engine/scan.js';
import { BUILTIN_RULE } from '../../src/rule/builtin.js';
import type { Rule } from '../../src/rule/schema.js';

export interface InProcessScan extends ScanResult {
  /** Decoded events in index scope, and those the query matched. */
  events: number;
  matched: number;
  /** Per-line problems, as the CLI prints them. */
  problems: string[];
  /** The run warnings as the CLI words them on stderr (`run <time>: <message>`). */
  runWarnings: string[];
}

export async function scanInProcess(
  files: readonly string[],
  opts: Partial<ScanOptions> & { rule?: Rule; threads?: number } = {},
): Promise<InProcessScan> {
  const { rule = BUILTIN_RULE, threads = 1, ...rest } = opts;
  const ast = parseKql(rule.query);
  const engine: ScanOptions = { mode: rule.type === 'query' ? 'query' : 'new_terms', ...rest };
  if (engine.ruleUuid === undefined && rule.id !== undefined) engine.ruleUuid = rule.id;
  const scanner = createScanner(rule, engine);
  const acct = new Accounting({ strict: false });
  const { job } = createScanJob({ query: ast, prefilter: derivePrefilter(ast), indexPatterns: rule.index });
  const input = readInputs(files, job, acct, { threads });
  let events = 0;
  let matched = 0;
  for await (const batch of input.batches) {
    events += batch.events;
    for (const ev of batch.matches) {
      matched++;
      scanner.add(ev);
    }
  }
  const result = scanner.finish();
  return {
    ...result,
    events,
    matched,
    problems: acct.problemLines(),
    runWarnings: result.warnings.map((w) => `run ${w.run}: ${w.message}`),
  };
}
