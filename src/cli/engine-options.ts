/**
 * The engine's options for a command that drives the engine itself (`report`, which watches it with
 * the fate tracer): what `scan` hands its library call (libraryOptions: --runs read, schedule
 * overrides), without the reading options, with the mode and rule uuid defaulted as createFileScan
 * does and the state file loaded. Configuration mistakes become usage errors.
 */
import { defaultMode } from '../engine/scan-files.js';
import { ScanConfigError, type ScanOptions as EngineOptions } from '../engine/scan.js';
import { loadState, StateFileError } from '../engine/state.js';
import { UserFacingError } from './exit.js';
import type { ScanOptions } from './options.js';
import type { ActiveRule } from './rule-source.js';
import { libraryOptions } from './scan.js';

export async function engineOptionsFrom(opts: ScanOptions, active: ActiveRule): Promise<EngineOptions> {
  const lib = await libraryOptions(opts, active);
  const { rule, query: _query, strict: _strict, prefilter: _prefilter, threads: _threads, parallelMinBytes: _p, maxLineBytes: _m, onProgress: _o, shouldStop: _s, onMatches: _om, ...engine } = lib;
  const ruleUuid = engine.ruleUuid ?? rule.id;
  const out: EngineOptions = { ...engine, mode: engine.mode ?? defaultMode(rule), ...(ruleUuid !== undefined && { ruleUuid }) };
  if (opts.state !== undefined) {
    const loaded = withConfigErrors(() => loadState(opts.state!));
    if (loaded) out.state = loaded;
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
