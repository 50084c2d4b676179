/**
 * The command tree: commander parses, src/cli/options.ts validates, and each command's module
 * calls the rooms (kql, io, engine, output). Exit codes: 0 no alerts, 1 alerts, 2 usage/rule/input error.
 */
import { Argument, Command, Option } from 'commander';
import { createRequire } from 'node:module';
import { COLUMN_SPECS, DEFAULT_COLUMNS } from '../output/columns.js';
import { OUTPUT_FORMATS } from '../output/types.js';
import { SHELLS, type Shell } from './completion-shells.js';

const require = createRequire(import.meta.url);
const { version } = require('../../package.json') as { version: string };

const COLUMN_NAMES = COLUMN_SPECS.map((c) => c.name).join(', ');
const DEFAULT_COLUMN_LIST = DEFAULT_COLUMNS.join(',');

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

/**
 * What decides the simulated runs and so the alerts: shared by `scan` and `explain`, whose "why (no)
 * alert" must be the scan's.
 */
function engineOptions(cmd: Command, state: string): Command {
  return cmd
    .option('--mode <mode>', "new_terms: alerts as the scheduled rule would write them; query: every matching event (default: the rule's type)")
    .option('--since <time>', 'only events at or after TIME (ISO or date math such as now-24h): others are left out entirely, as if not in the input')
    .option('--until <time>', 'only events at or before TIME (ISO or date math); see --since')
    .option('--start <iso>', 'first scheduled run (when the rule was enabled; earlier events are history only); default: from the data')
    .option('--end <iso>', 'last scheduled run; default: from the data')
    .option('--runs <file>', 'explicit run times, one ISO time per line (simulates late or missed runs)')
    .option('--interval <interval>', "rule interval (default: the rule's, 5m)")
    .option('--from <datemath>', "look-back per run (default: the rule's, now-9m)")
    .option('--history-window-start <datemath>', "new_terms history (default: the rule's, now-14d)")
    .option('--max-signals <n>', "alerts per run at most (default: the rule's, 100)")
    .option('--rule-uuid <uuid>', "the rule's saved-object id in Kibana (kibana.alert.rule.uuid; alert ids depend on it)")
    .option('--space <id>', 'Kibana space id', 'default')
    .option('--mapping <file>', 'field types from FILE: the JSON of GET <index>/_mapping (one or several indices); default ECS (+ Elastic Defend for its process data stream)')
    .option('--exceptions <file>', "a Kibana exception-list export (NDJSON): the items of the lists the rule's exceptions_list names exclude events, as Kibana applies them")
    .option('--state <file>', state);
}

function scanOptions(cmd: Command): Command {
  return walkOptions(engineOptions(cmd, 'keep new_terms history between invocations in FILE'))
    .option('--lock-timeout <duration>', 'wait this long for another invocation using the same --state (e.g. 60s, 2m; 0: do not wait)', '60s')
    .option('--max-malformed <n|p%>', 'fail (exit 2) when more than N lines, or P% of the lines read, are malformed')
    .addOption(new Option('-f, --format <format>', 'pretty (default on a terminal), ndjson (default when piped), json, bulk').choices(OUTPUT_FORMATS))
    .option('-o, --output <file>', 'write alerts to FILE (atomically) instead of stdout')
    .option('-c, --count', 'print only the number of alerts (like grep -c); warnings still on stderr', false)
    .option('--rule <file>', 'load another rule: detection-rules TOML, prebuilt package JSON, or Kibana export NDJSON')
    .option('--allow-unsupported', 'run a --rule even when parameters the tool does not apply would change its alerts (see `rule show`): each is then a warning instead of exit 2', false)
    .option('--rule-id <id>', 'pick one rule by rule_id from a multi-rule --rule file')
    .option('--rule-version <n>', 'a released version of the built-in rule (default 210; see `rule versions`)')
    .option('--strict', 'stop at the first malformed input line (exit 2)', false)
    .option('--no-prefilter', 'parse every line (no raw-bytes literal prefilter)')
    .option('--exit-zero', 'exit 0 even when alerts are found', false)
    .option('-q, --quiet', 'no progress, no summary on stderr (warnings still)', false)
    .option('-v, --verbose', 'the full summary on stderr (same as --summary full)', false)
    .addOption(new Option('--summary <style>', 'summary on stderr: short (one line, default), full, none').choices(['short', 'full', 'none']))
    .option('--columns <list>', `table columns, comma-separated: ${COLUMN_NAMES} or any field path (default: ${DEFAULT_COLUMN_LIST})`)
    .option('--wide', 'table: full ISO-8601 times with milliseconds', false)
    .option('--tz <zone>', 'table: show times in this IANA time zone (display only; output documents stay UTC)', 'UTC')
    .option('--nested', 'alert documents with nested objects instead of Kibana\'s flat dotted keys (so jq .kibana.alert.uuid works)', false)
    .option('--color', 'force colour')
    .option('--no-color', 'no colour')
    .option('--explain', 'add kmod_enum_detect.explain and .branches (why the event matched) to each alert', false)
    .option('--follow', 'a stream that does not end (tail -F … |): write each simulated run\'s alerts as soon as the run is final')
    .option('--lateness <duration>', 'with --follow: how far behind the newest event time an event may arrive, e.g. 30s (default 0)')
    .option('--threads <n>', 'worker threads over byte ranges of plain files (default: 2 for plain files of 512 MiB or more when a core is idle; 1: one thread)')
    .option('--debug', 'print stack traces for internal errors', false);
}

/** The whole command tree; actions load their command's module on first use (start-up stays small). */
export function buildProgram(): Command {
  const program = new Command('kmod-enum-detect')
    .description(
      'Run Elastic Security\'s prebuilt rule "Enumeration of Kernel Modules" (v210) offline over NDJSON ECS events, ' +
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
    .option('--mapping <file>', 'field types from FILE: the JSON of GET <index>/_mapping (one or several indices); default ECS + Elastic Defend process data stream')
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
  walkOptions(kql.command('match'))
    .description('print the matching records one per line, in input order (like jq -c select): event lines unchanged, only the matching hits of a search response')
    .argument('<query>', 'KQL query')
    .argument('[inputs...]', 'NDJSON files or directories; stdin when none')
    .option('-c, --count', 'print only the number of matching records', false)
    .option('--mapping <file>', 'field types from FILE: the JSON of GET <index>/_mapping (default: ECS)')
    .option('--strict', 'stop at the first malformed line (exit 2)', false)
    .option('-q, --quiet', 'no summary on stderr', false)
    .action(async (query: string, inputs: string[], opts: Record<string, unknown>) => {
      const { runKqlMatch } = await import('./kql.js');
      process.exitCode = await runKqlMatch(query, inputs, opts);
    });

  walkOptions(
    engineOptions(
      program.command('explain'),
      'continue from the new_terms history in FILE, as scan --state would (read only: explain never writes it)',
    ),
  )
    .description('for each event: the branch of the rule that matched, or the clause/exclusion that stopped it, and for a match whether and why (not) it alerted; then per-clause counts')
    .argument('[inputs...]', 'NDJSON files or directories; stdin when none')
    .addOption(new Option('-f, --format <format>', 'tree or json').choices(['tree', 'json']).default('tree'))
    .option('--rule <file>', 'explain another rule (TOML, package JSON, Kibana export NDJSON)')
    .option('--allow-unsupported', 'run a --rule even when parameters the tool does not apply would change its alerts (see `rule show`): each is then a warning instead of exit 2', false)
    .option('--rule-id <id>', 'pick one rule by rule_id from a multi-rule --rule file')
    .option('--rule-version <n>', 'a released version of the built-in rule (default 210; see `rule versions`)')
    .option('--matches-only', 'only show events that match', false)
    .option('--all-versions', 'per event: which versions of the built-in rule match it, and why not for the others', false)
    .option('--color', 'force colour')
    .option('--no-color', 'no colour')
    .option('--strict', 'stop at the first malformed line (exit 2)', false)
    .action(async (inputs: string[], opts: Record<string, unknown>) => {
      const { runExplain } = await import('./explain.js');
      process.exitCode = await runExplain(inputs, opts);
    });

  program
    .command('dsl')
    .description("print the Elasticsearch requests Kibana sends for the rule, ready for Kibana Dev Tools (GET <index>/_search + body)")
    .option('--rule <file>', 'another rule file')
    .option('--allow-unsupported', 'run a --rule even when parameters the tool does not apply would change its alerts (see `rule show`): each is then a warning instead of exit 2', false)
    .option('--rule-id <id>', 'pick one rule by rule_id from a multi-rule --rule file')
    .option('--rule-version <n>', 'a released version of the built-in rule (default 210; see `rule versions`)')
    .option('--mapping <file>', 'field types from FILE: the JSON of GET <index>/_mapping (the data view Kibana would resolve against)')
    .option('--exceptions <file>', "a Kibana exception-list export (NDJSON): the exception filter of the lists the rule names joins must_not")
    .option('--window <from,to>', "one run window, ISO times or date math (now-9m,now): print its aggregation requests (new_terms phase 1, and 2, 3 with --terms; or a query rule's alert-suppression grouping)")
    .option('--terms <json>', 'JSON array of term combinations for phases 2 and 3, e.g. \'[["/usr/bin/kmod","/usr/bin/bash"]]\'')
    .option('--body', 'bare JSON instead of Dev Tools requests: the query clause (with --window: the window and the requests as data)', false)
    .action(async (opts: Record<string, unknown>) => {
      const { runDsl } = await import('./dsl.js');
      process.exitCode = await runDsl(opts);
    });

  program
    .command('completion')
    .description('print a shell completion script (bash, zsh or fish), generated from this program')
    .addArgument(new Argument('<shell>', 'bash, zsh or fish').choices(SHELLS))
    .addHelpText(
      'after',
      `
Load it:
  bash:  source <(kmod-enum-detect completion bash)      (or save it in ~/.local/share/bash-completion/completions/kmod-enum-detect)
  zsh:   source <(kmod-enum-detect completion zsh)
  fish:  kmod-enum-detect completion fish | source       (or save it in ~/.config/fish/completions/kmod-enum-detect.fish)`,
    )
    .action(async (shell: Shell) => {
      const { completionScript } = await import('./completion.js');
      process.stdout.write(completionScript(program, shell));
    });

  const rule = program.command('rule').description('rule tools');
  rule
    .command('show')
    .description('print the active rule (built-in v210 unless --rule): readable on a terminal, JSON when piped or with --format json')
    .option('--rule <file>', 'another rule file')
    .option('--rule-id <id>', 'pick one rule by rule_id from a multi-rule --rule file')
    .option('--rule-version <n>', 'a released version of the built-in rule (default 210; see `rule versions`)')
    .option('--mapping <file>', 'field types from FILE (GET <index>/_mapping JSON); the types used are listed on stderr')
    .addOption(new Option('-f, --format <format>', 'text (default on a terminal) or json (default when piped)').choices(['text', 'json']))
    .option('--color', 'force colour')
    .option('--no-color', 'no colour')
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

