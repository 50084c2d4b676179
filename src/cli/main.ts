#!/usr/bin/env node
/**
 * Command-line wiring only: commander parses, src/cli/options.ts validates, and each command's module
 * calls the rooms (kql, io, engine, output). Exit codes: 0 no alerts, 1 alerts, 2 usage/rule/input error.
 */
import { Command, CommanderError, Option } from 'commander';
import { createRequire } from 'node:module';
import { EXIT_USAGE, UserFacingError } from './exit.js';
import { faultFromSystemError, isSystemError, nameFault, STDOUT_DOING, STDOUT_NAME, WorldFault } from '../io/faults.js';

const require = createRequire(import.meta.url);
const { version } = require('../../package.json') as { version: string };

let debug = process.argv.includes('--debug');

const EXAMPLES = `
Examples:
  pipe:    cat events.ndjson | kmod-enum-detect --format ndjson > alerts.ndjson
  CI:      kmod-enum-detect --quiet --state .kmod-state.json logs/   # exit 1 when alerts are found
  triage:  kmod-enum-detect --mode query export.ndjson.gz           # every matching event, as a table
           kmod-enum-detect explain --matches-only export.ndjson.gz # why each event matched

Exit codes: 0 no alerts, 1 alerts found, 2 usage, rule or input error.`;

/** Repeatable options collect into an array. */
const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** A directory walk reads every file whose content is events; these narrow it on purpose. */
function walkOptions(cmd: Command): Command {
  return cmd
    .option('--glob <pattern>', 'in directories, read only files whose path (or name) matches; repeatable', collect, [])
    .option('--exclude <pattern>', 'in directories, leave out files or directories whose path (or name) matches; repeatable', collect, []);
}

function scanOptions(cmd: Command): Command {
  return walkOptions(cmd)
    .option('--mode <mode>', "new_terms: alerts as the scheduled rule would write them; query: every matching event (default: the rule's type)")
    .addOption(new Option('-f, --format <format>', 'pretty (default on a terminal), ndjson (default when piped), json, bulk'))
    .option('-o, --output <file>', 'write alerts to FILE (atomically) instead of stdout')
    .option('--start <iso>', 'first scheduled run (when the rule was enabled); default: from the data')
    .option('--end <iso>', 'last scheduled run; default: from the data')
    .option('--runs <file>', 'explicit run times, one ISO time per line (simulates late or missed runs)')
    .option('--interval <interval>', "rule interval (default: the rule's, 5m)")
    .option('--from <datemath>', "look-back per run (default: the rule's, now-9m)")
    .option('--history-window-start <datemath>', "new_terms history (default: the rule's, now-14d)")
    .option('--max-signals <n>', "alerts per run at most (default: the rule's, 100)")
    .option('--rule <file>', 'load another rule: detection-rules TOML, prebuilt package JSON, or Kibana export NDJSON')
    .option('--rule-id <id>', 'pick one rule by rule_id from a multi-rule --rule file')
    .option('--rule-version <n>', 'a released version of the built-in rule (default 210; see `rule versions`)')
    .option('--mapping <file>', 'field types from FILE: the JSON of GET <index>/_mapping (one or several indices); default ECS (+ Elastic Defend for its process data stream)')
    .option('--rule-uuid <uuid>', "the rule's saved-object id in Kibana (kibana.alert.rule.uuid; alert ids depend on it)")
    .option('--space <id>', 'Kibana space id', 'default')
    .option('--state <file>', 'keep new_terms history between invocations in FILE')
    .option('--lock-timeout <duration>', 'wait this long for another invocation using the same --state (e.g. 60s, 2m; 0: do not wait)', '60s')
    .option('--max-malformed <n|p%>', 'fail (exit 2) when more than N lines, or P% of the lines read, are malformed')
    .option('--strict', 'stop at the first malformed input line (exit 2)', false)
    .option('--no-prefilter', 'parse every line (no raw-bytes literal prefilter)')
    .option('--exit-zero', 'exit 0 even when alerts are found', false)
    .option('-q, --quiet', 'no progress, no summary on stderr', false)
    .option('--color', 'force colour')
    .option('--no-color', 'no colour')
    .option('--explain', 'add kmod_enum_detect.explain and .branches (why the event matched) to each alert', false)
    .option('--follow', 'a stream that does not end (tail -F … |): write each simulated run\'s alerts as soon as the run is final')
    .option('--lateness <duration>', 'with --follow: how far behind the newest event time an event may arrive, e.g. 30s (default 0)')
    .option('--threads <n>', 'worker threads over byte ranges of plain files (default: 2 for plain files of 512 MiB or more when a core is idle; 1: one thread)')
    .option('--debug', 'print stack traces for internal errors', false);
}

function buildProgram(): Command {
  const program = new Command('kmod-enum-detect')
    .description(
      'Run Elastic Security\'s prebuilt rule "Enumeration of Kernel Modules" (v210) offline over NDJSON ECS events,\n' +
        'with Kibana\'s KQL and new_terms semantics.',
    )
    .version(version, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .exitOverride()
    .addHelpText('after', EXAMPLES);

  scanOptions(
    program
      .command('scan', { isDefault: true })
      .description('scan events for alerts (the default command); reads stdin when no file is given')
      .argument('[inputs...]', 'NDJSON files or directories (.gz detected by content); - for stdin'),
  )
    .addHelpText('after', EXAMPLES)
    .action(async (inputs: string[], opts: Record<string, unknown>) => {
      const { runScan } = await import('./scan.js');
      process.exitCode = await runScan(inputs, opts);
    });

  scanOptions(
    program
      .command('report')
      .description('write the scan as one self-contained HTML page: timeline per host, near misses, pairs, alerts with why they matched')
      .argument('[inputs...]', 'NDJSON files or directories (.gz detected by content); - for stdin'),
  )
    .addHelpText('after', '\nExample:\n  kmod-enum-detect report logs/ -o report.html   # open report.html in a browser (works offline)')
    .action(async (inputs: string[], opts: Record<string, unknown>) => {
      const { runReport } = await import('./report.js');
      process.exitCode = await runReport(inputs, opts);
    });

  program
    .command('compare')
    .description('what upgrading the rule changes on your events: per version matches and alerts, then the alerts gained and lost between consecutive versions, with reasons')
    .argument('[inputs...]', 'NDJSON files or directories; stdin when none')
    .option('--versions <list>', 'comma-separated versions, e.g. 210,215 (default: 210 and the newest)')
    .option('--all', 'every version that can be evaluated (1–7, 100–103, 204–215)', false)
    .addOption(new Option('-f, --format <format>', 'pretty (default on a terminal), ndjson (one record per difference; default when piped), json'))
    .option('--start <iso>', 'first scheduled run, for every version; default: each version from its own matches')
    .option('--end <iso>', 'last scheduled run, for every version; default: from the data')
    .option('--runs <file>', 'explicit run times, one ISO time per line, for every version')
    .option('--rule-uuid <uuid>', "the rule's saved-object id in Kibana (alert ids depend on it)")
    .option('--space <id>', 'Kibana space id', 'default')
    .option('--strict', 'stop at the first malformed input line (exit 2)', false)
    .option('--no-prefilter', 'parse every line (no raw-bytes literal prefilter)')
    .option('--exit-zero', 'exit 0 even when the versions disagree', false)
    .option('-q, --quiet', 'no progress, no counts or warnings on stderr', false)
    .option('--color', 'force colour')
    .option('--no-color', 'no colour')
    .option('--threads <n>', 'worker threads over byte ranges of plain files (as for scan)')
    .addHelpText('after', '\nExit codes: 0 the versions alert on the same events, 1 they disagree, 2 usage, rule or input error.')
    .action(async (inputs: string[], opts: Record<string, unknown>) => {
      const { runCompare } = await import('./compare.js');
      process.exitCode = await runCompare(inputs, opts);
    });

  const kql = program.command('kql').description('KQL tools: parse a query, or filter events by one');
  kql
    .command('parse')
    .description("print a query's AST (Kibana KueryNode JSON) on stdout; warnings on stderr")
    .argument('<query>', 'KQL query')
    .action(async (query: string) => {
      const { runKqlParse } = await import('./kql.js');
      process.exitCode = runKqlParse(query);
    });
  kql
    .command('match')
    .description('print the input lines whose events match the query, unchanged, in input order (like jq select)')
    .argument('<query>', 'KQL query')
    .argument('[inputs...]', 'NDJSON files or directories; stdin when none')
    .option('--mapping <file>', 'field types from FILE: the JSON of GET <index>/_mapping (default: ECS)')
    .option('--strict', 'stop at the first malformed line (exit 2)', false)
    .option('-q, --quiet', 'no summary on stderr', false)
    .option('--glob <pattern>', 'in directories, read only files whose path (or name) matches; repeatable', collect, [])
    .option('--exclude <pattern>', 'in directories, leave out files or directories whose path (or name) matches; repeatable', collect, [])
    .action(async (query: string, inputs: string[], opts: Record<string, unknown>) => {
      const { runKqlMatch } = await import('./kql.js');
      process.exitCode = await runKqlMatch(query, inputs, opts);
    });

  program
    .command('explain')
    .description('for each event: the branch of the rule that matched, or the clause/exclusion that stopped it; then per-clause counts')
    .argument('[inputs...]', 'NDJSON files or directories; stdin when none')
    .addOption(new Option('-f, --format <format>', 'tree or json').choices(['tree', 'json']).default('tree'))
    .option('--rule <file>', 'explain another rule (TOML, package JSON, Kibana export NDJSON)')
    .option('--rule-id <id>', 'pick one rule by rule_id from a multi-rule --rule file')
    .option('--rule-version <n>', 'a released version of the built-in rule (default 210; see `rule versions`)')
    .option('--mapping <file>', 'field types from FILE: the JSON of GET <index>/_mapping (default: ECS, + Elastic Defend for its process data stream)')
    .option('--matches-only', 'only show events that match', false)
    .option('--all-versions', 'per event: which versions of the built-in rule match it, and why not for the others', false)
    .option('--color', 'force colour')
    .option('--no-color', 'no colour')
    .option('--strict', 'stop at the first malformed line (exit 2)', false)
    .option('--glob <pattern>', 'in directories, read only files whose path (or name) matches; repeatable', collect, [])
    .option('--exclude <pattern>', 'in directories, leave out files or directories whose path (or name) matches; repeatable', collect, [])
    .action(async (inputs: string[], opts: Record<string, unknown>) => {
      const { runExplain } = await import('./explain.js');
      process.exitCode = await runExplain(inputs, opts);
    });

  program
    .command('dsl')
    .description("print the Elasticsearch Query DSL Kibana builds for the rule's query (and new_terms aggregations with --window)")
    .option('--rule <file>', 'another rule file')
    .option('--rule-id <id>', 'pick one rule by rule_id from a multi-rule --rule file')
    .option('--rule-version <n>', 'a released version of the built-in rule (default 210; see `rule versions`)')
    .option('--mapping <file>', 'field types from FILE: the JSON of GET <index>/_mapping (the data view Kibana would resolve against)')
    .option('--window <from,to>', 'ISO times of one run window: print the new_terms phase 1 request (and 2/3 with --terms)')
    .option('--terms <json>', 'JSON array of term combinations for phases 2 and 3, e.g. \'[["/usr/bin/kmod","/usr/bin/bash"]]\'')
    .action(async (opts: Record<string, unknown>) => {
      const { runDsl } = await import('./dsl.js');
      process.exitCode = await runDsl(opts);
    });

  const rule = program.command('rule').description('rule tools');
  rule
    .command('show')
    .description('print the active rule (built-in v210 unless --rule) as JSON')
    .option('--rule <file>', 'another rule file')
    .option('--rule-id <id>', 'pick one rule by rule_id from a multi-rule --rule file')
    .option('--rule-version <n>', 'a released version of the built-in rule (default 210; see `rule versions`)')
    .option('--mapping <file>', 'field types from FILE (GET <index>/_mapping JSON); the types used are listed on stderr')
    .action(async (opts: Record<string, unknown>) => {
      const { runRuleShow } = await import('./rule.js');
      process.exitCode = await runRuleShow(opts);
    });

  rule
    .command('versions')
    .description('every released version of the built-in rule: date, type, index, new-terms fields, window, and what changed')
    .addOption(new Option('-f, --format <format>', 'pretty or json').default('pretty'))
    .option('--color', 'force colour')
    .option('--no-color', 'no colour')
    .action(async (opts: Record<string, unknown>) => {
      const { runRuleVersions } = await import('./rule-versions.js');
      process.exitCode = runRuleVersions(opts);
    });

  return program;
}

function reportAndExit(err: unknown): void {
  if (err instanceof CommanderError) {
    // Help and --version are not errors; everything else commander rejects is a usage error.
    const ok = err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help';
    process.exitCode = ok ? 0 : EXIT_USAGE;
    return;
  }
  if (err instanceof UserFacingError) {
    process.stderr.write(`kmod-enum-detect: ${err.message}\n`);
    process.exitCode = err.exitCode;
    return;
  }
  // The world's faults (full disk, permissions, failing device) are named, not reported as our bug;
  // a system error that reached here unnamed still carries Node's path and syscall.
  if (err instanceof WorldFault || isSystemError(err)) {
    reportFault(err instanceof WorldFault ? err : faultFromSystemError(err));
    return;
  }
  const e = err instanceof Error ? err : new Error(String(err));
  process.stderr.write(`kmod-enum-detect: internal error: ${e.message}\n`);
  if (debug) process.stderr.write(`${e.stack ?? ''}\n`);
  else process.stderr.write('(run again with --debug for a stack trace)\n');
  process.exitCode = EXIT_USAGE;
}

const faultsReported = new Set<string>();
/** Prints a fault once (stdout's error handler and the failing command may both report it). */
function reportFault(fault: WorldFault): void {
  process.exitCode = EXIT_USAGE;
  if (faultsReported.has(fault.message)) return;
  faultsReported.add(fault.message);
  process.stderr.write(`kmod-enum-detect: ${fault.message}\n`);
  if (debug && fault.systemError?.stack) process.stderr.write(`${fault.systemError.stack}\n`);
}

/**
 * stdout that fails for a reason other than its reader going away (`> /dev/full`, a full disk) is
 * named as such and makes the exit code 2, whichever command was writing.
 */
function guardStdout(): void {
  process.stdout.on('error', (err: Error) => {
    const code = (err as { code?: unknown }).code;
    if (code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED') return;
    const named = nameFault(err, STDOUT_NAME, STDOUT_DOING);
    if (named instanceof WorldFault) reportFault(named);
  });
}

async function main(): Promise<void> {
  debug = process.argv.includes('--debug');
  guardStdout();
  try {
    await buildProgram().parseAsync(process.argv);
  } catch (err) {
    reportAndExit(err);
  }
}

await main();
