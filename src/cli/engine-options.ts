/**
 * The engine's options from validated `scan` options (shared by `scan` and `report`): mode, schedule
 * overrides, explicit runs, the rule's saved-object id and a loaded state. Configuration mistakes
 * become usage errors naming the option or file.
 */
import { ScanConfigError, type ScanOptions as EngineOptions } from '../engine/scan.js';
import { loadState, StateFileError } from '../engine/state.js';
import type { Rule } from '../rule/schema.js';
import { UserFacingError } from './exit.js';
import type { ScanOptions } from './options.js';
import { readRunsFile } from './scan.js';

/** The `scan` options that shape the engine. */
export type EngineOptionFields = Pick<
  ScanOptions,
  'mode' | 'space' | 'ruleUuid' | 'start' | 'end' | 'interval' | 'from' | 'historyWindowStart' | 'maxSignals' | 'runs' | 'state'
>;

export async function engineOptionsFrom(opts: EngineOptionFields, rule: Rule): Promise<EngineOptions> {
  // A query rule runs as a query rule unless asked otherwise; a new_terms rule can also be triaged with --mode query.
  const mode = opts.mode ?? (rule.type === 'query' ? 'query' : 'new_terms');
  const out: EngineOptions = { mode, space: opts.space };
  // Alert ids hash the rule's saved-object id: a Kibana export carries it; otherwise --rule-uuid or the rule_id.
  const ruleUuid = opts.ruleUuid ?? rule.id;
  if (ruleUuid !== undefined) out.ruleUuid = ruleUuid;
  if (opts.start !== undefined) out.start = opts.start;
  if (opts.end !== undefined) out.end = opts.end;
  if (opts.interval !== undefined) out.interval = opts.interval;
  if (opts.from !== undefined) out.from = opts.from;
  if (opts.historyWindowStart !== undefined) out.historyWindowStart = opts.historyWindowStart;
  if (opts.maxSignals !== undefined) out.maxSignals = opts.maxSignals;
  if (opts.runs !== undefined) {
    if (opts.start !== undefined || opts.end !== undefined) throw new UserFacingError('--runs replaces --start/--end: give one or the other');
    out.runs = await readRunsFile(opts.runs);
  }
  if (opts.state !== undefined) {
    try {
      const loaded = loadState(opts.state);
      if (loaded) out.state = loaded;
    } catch (e) {
      if (e instanceof StateFileError) throw new UserFacingError(e.message);
      throw e;
    }
  }
  return out;
}

/** Runs `create` (which validates the engine options), turning configuration errors into usage errors. */
export function withConfigErrors<T>(create: () => T): T {
  try {
    return create();
  } catch (e) {
    if (e instanceof ScanConfigError || e instanceof StateFileError) throw new UserFacingError(e.message);
    throw e;
  }
}
