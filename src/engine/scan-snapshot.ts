/**
 * The state an invocation leaves for the next one (saved with saveState), pruned of what can no
 * longer matter for runs after its last run (assuming, as for any continuation, that new events come
 * after it): alert ids whose source is older than the oldest window a later run can search,
 * combinations' clusters that ended more than one history window (plus one window and the catch-up
 * reach) before it, and match spans older than a window plus the catch-up reach.
 */
import { formatTime } from '../ecs/time.js';
import type { ScanConfig } from './scan-config.js';
import type { ScanIntake } from './scan-intake.js';
import { STATE_FORMAT, STATE_VERSION, type ScanState } from './state.js';
import type { SuppressionLedger } from './suppression-run.js';

export interface SnapshotInput {
  ruleCreatedAt: number;
  /** The last run simulated (or the state's, when none was). */
  lastRun: number | null;
  /** Every alert id written, with its source's time. */
  emittedTimes: Map<string, number>;
  totals: { runs: number; alerts: number };
  /** Alert suppression state after the last run (rules with alert_suppression). */
  suppression?: SuppressionLedger;
}

export function snapshotState(cfg: ScanConfig, intake: ScanIntake, p: SnapshotInput): ScanState {
  // Windows that are not a fixed offset from the run (an absolute `from`) reach back without bound:
  // nothing may be pruned, or a continuation would alert again on what it already wrote.
  const fixedWindows = cfg.toOffset !== undefined && cfg.windowLength > 0;
  const reach = fixedWindows ? cfg.windowLength + 4 * cfg.interval : Number.POSITIVE_INFINITY;
  const historyLength = cfg.historyOffset === undefined ? undefined : -cfg.historyOffset;
  const idHorizon = p.lastRun === null ? Number.NEGATIVE_INFINITY : p.lastRun - reach;
  const comboHorizon = p.lastRun === null || historyLength === undefined ? Number.NEGATIVE_INFINITY : p.lastRun - historyLength - reach;
  const combos: ScanState['combos'] = [];
  for (const e of intake.tracker.entries()) {
    const clusters = e.clusters.filter((c) => c.last >= comboHorizon).map((c) => ({ first: c.first, last: c.last, event: c.payload }));
    if (clusters.length > 0) combos.push({ values: e.values, clusters });
  }
  return {
    format: STATE_FORMAT,
    version: STATE_VERSION,
    identity: cfg.identity,
    ruleCreatedAt: formatTime(p.ruleCreatedAt),
    lastRunTime: p.lastRun === null ? null : formatTime(p.lastRun),
    emitted: [...p.emittedTimes].filter(([, t]) => t >= idHorizon).map(([id, time]) => ({ id, time })),
    combos,
    matchSpans: intake.matchSpans.filter((s) => s.last >= idHorizon).map((s) => [s.first, s.last] as [number, number]),
    totals: p.totals,
    ...(p.suppression && {
      // An existing alert is looked up from now-<duration> (or, per execution, from the tuple's from).
      suppression: p.suppression.snapshot(p.lastRun === null ? Number.NEGATIVE_INFINITY : p.lastRun - Math.max(reach, cfg.suppression?.durationMs ?? 0), idHorizon),
    }),
  };
}
