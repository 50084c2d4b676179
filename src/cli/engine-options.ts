/**
 * The engine's options from the command line, shared by `scan` and `explain` (whose fates must be
 * the scan's): mode, schedule (--start/--end or --runs), the rule's schedule parameters, alert-id
 * inputs (--rule-uuid, --space) and the state to continue from. Configuration errors become usage
 * errors naming what is wrong.
 */
import { ScanConfigError, type ScanOptions as EngineOptions } from '../engine/scan.js';
import { defaultMode } from '../engine/scan-files.js';
import { loadState, StateFileError } from '../engine/state.js';
import type { Rule } from '../rule/schema.js';
import { resolveFieldTypes } from './field-types.js';
import { UserFacingError } from './exit.js';
// --runs: times that must increase (runs-file.ts), read the same way by every command.
import { readRunsFile } from './runs-file.js';
import type { AlertMode as Mode } from '../engine/alert.js';

/** The command-line options the engine's configuration is made of. */
export interface EngineCliOptions {
  mode?: Mode | undefined;
  space: string;
  ruleUuid?: string | undefined;
  start?: Date | undefined;
  end?: Date | undefined;
  runs?: string | undefined;
  interval?: string | undefined;
  from?: string | undefined;
  historyWindowStart?: string | undefined;
  maxSignals?: number | undefined;
  state?: string | undefined;
}

export { readRunsFile };

/** The engine's options for `rule` from the command line; reads --runs and --state files. */
export async function engineOptions(opts: EngineCliOptions, rule: Rule, extra: Partial<EngineOptions> = {}): Promise<EngineOptions> {
  const mode = opts.mode ?? defaultMode(rule);
  const engineOpts: EngineOptions = { mode, space: opts.space, ...extra };
  // Alert ids hash the rule's saved-object id: a Kibana export carries it; otherwise --rule-uuid or the rule_id.
  const ruleUuid = opts.ruleUuid ?? rule.id;
  if (ruleUuid !== undefined) engineOpts.ruleUuid = ruleUuid;
  if (opts.start !== undefined) engineOpts.start = opts.start;
  if (opts.end !== undefined) engineOpts.end = opts.end;
  if (opts.interval !== undefined) engineOpts.interval = opts.interval;
  if (opts.from !== undefined) engineOpts.from = opts.from;
  if (opts.historyWindowStart !== undefined) engineOpts.historyWindowStart = opts.historyWindowStart;
  if (opts.maxSignals !== undefined) engineOpts.maxSignals = opts.maxSignals;
  if (opts.runs !== undefined) {
    if (opts.start !== undefined || opts.end !== undefined) throw new UserFacingError('--runs replaces --start/--end: give one or the other');
    engineOpts.runs = await readRunsFile(opts.runs);
  }
  if (opts.state !== undefined) {
    try {
      const loaded = loadState(opts.state);
      if (loaded) engineOpts.state = loaded;
    } catch (e) {
      if (e instanceof StateFileError) throw new UserFacingError(e.message);
      throw e;
    }
  }
  return engineOpts;
}

/** Builds an engine (a scanner, a fate tracer), turning its configuration errors into usage errors. */
export function createEngine<T>(make: () => T): T {
  try {
    return make();
  } catch (e) {
    if (e instanceof ScanConfigError || e instanceof StateFileError) throw new UserFacingError(e.message);
    throw e;
  }
}

/**
 * The engine's options for a command that drives the engine itself (`report`, which watches it with
 * the fate tracer; `explain`): scan's options with the mode and rule uuid defaulted as
 * createFileScan does and the state file loaded.
 */
export async function engineOptionsFrom(opts: EngineCliOptions & { mapping?: string | undefined }, active: { rule: Rule }): Promise<EngineOptions> {
  // Field types as scan reads them (--mapping, else ECS), so the same terms are new.
  const out = await engineOptions(opts, active.rule, { fieldTypes: resolveFieldTypes(active.rule, opts.mapping) });
  const ruleUuid = out.ruleUuid ?? active.rule.id;
  return ruleUuid === undefined ? out : { ...out, ruleUuid };
}

/** Runs `create` (which validates the engine options), turning configuration errors into usage errors. */
export const withConfigErrors = createEngine;
