/**
 * The engine's front door: feed it the events that matched the rule's query and index filter, in
 * input order, then ask for the alerts Kibana would have written over the simulated schedule.
 *
 *   const scanner = createScanner(BUILTIN_RULE, { mode: 'new_terms', ruleUuid, space: 'default' });
 *   for (const ev of matchingEvents) scanner.add(ev);
 *   const { alerts, summary, warnings, errors, state } = scanner.finish();
 *
 * The steps live in their own modules: configuration (scan-config.ts), events into memory
 * (scan-intake.ts), the schedule and the run statistics (run-stats.ts), the tuples decided per mode
 * (scan-tuples.ts), and the state left for the next invocation (scan-snapshot.ts).
 */
import type { SourceEvent } from '../io/types.js';
import type { Rule } from '../rule/schema.js';
import type { AlertContext, AlertDocument } from './alert.js';
import { evalDateMath } from './datemath.js';
import { buildSchedule, summarize, type ScanSummary } from './run-stats.js';
import { DEFAULT_KIBANA_VERSION, resolveScanConfig, type ScanConfig, type ScanOptions } from './scan-config.js';
import { ScanIntake } from './scan-intake.js';
import { snapshotState } from './scan-snapshot.js';
import { decideTuples, type TupleDecisions } from './scan-tuples.js';
import type { RunMessage, Schedule } from './schedule.js';
import type { ScanState } from './state.js';
import { SuppressionLedger, type AlertUpdate } from './suppression-run.js';

export { DEFAULT_KIBANA_VERSION, DEFAULT_SPACE, ScanConfigError, type ScanOptions } from './scan-config.js';
export type { ObservedCandidate, ScanObserver, TupleObservation } from './scan-observer.js';
export type { LostDetection } from './scan-tuples.js';
export type { LateEvents, ScanSummary } from './run-stats.js';
export type { TimeIssue } from './scan-intake.js';

/** What `finish` gives: the alerts, the summary, Kibana's warnings and gap errors, the state to save. */
export interface ScanResult {
  alerts: AlertDocument[];
  summary: ScanSummary;
  /** Kibana's max-signals warning, once per truncated run. */
  warnings: RunMessage[];
  /** Kibana's gap error, once per run whose catch-up could not cover the time since the previous run. */
  errors: RunMessage[];
  /** The state to save with saveState for the next invocation. */
  state: ScanState;
  /**
   * Alert suppression: alerts written by an earlier invocation (the state) that this one's runs
   * suppressed more events into, as the partial documents Kibana's bulk update writes. Alerts created
   * in this invocation are returned in `alerts` already updated.
   */
  updates: AlertUpdate[];
}

/** The engine fed event by event: `add` the matching events in input order, then `finish` once. */
export interface Scanner {
  add(event: SourceEvent): void;
  finish(): ScanResult;
}

const NO_TUPLES: TupleDecisions = { alerts: [], warnings: [], truncatedRuns: 0, tuplesWithCandidates: 0, lostDetections: [] };

/** When the rule was created: the state's, else the first run (else the first event). */
function ruleCreatedAt(cfg: ScanConfig, schedule: Schedule | undefined, intake: ScanIntake): number {
  if (cfg.loaded) return Date.parse(cfg.loaded.state.ruleCreatedAt);
  if (schedule && schedule.runCount > 0) return schedule.runTime(0);
  return intake.minTime ?? 0;
}

function finish(cfg: ScanConfig, intake: ScanIntake, opts: ScanOptions): ScanResult {
  const schedule = buildSchedule(cfg, intake, opts);
  const emittedTimes = new Map<string, number>();
  for (const e of cfg.loaded?.state.emitted ?? []) emittedTimes.set(e.id, e.time);
  const createdAt = ruleCreatedAt(cfg, schedule, intake);
  const ctx: AlertContext = {
    rule: cfg.rule,
    mode: cfg.mode,
    ruleUuid: cfg.ruleUuid,
    spaceId: cfg.space,
    ruleCreatedAt: createdAt,
    kibanaVersion: opts.kibanaVersion ?? DEFAULT_KIBANA_VERSION,
  };
  const history = cfg.history;
  opts.observer?.schedule(schedule, history !== undefined && cfg.mode === 'new_terms' ? (to) => evalDateMath(history, to) : undefined);
  const decided = schedule ? decideTuples(cfg, intake, schedule, ctx, emittedTimes, opts.observer) : NO_TUPLES;
  const summary = summarize(cfg, intake, schedule, decided, opts.runs !== undefined);
  const runCount = schedule?.runCount ?? 0;
  const lastRun = schedule && runCount > 0 ? schedule.runTime(runCount - 1) : cfg.prevRun;
  // Without a run the suppression state carries over unchanged.
  const suppression = decided.suppression ?? (cfg.suppression && new SuppressionLedger(cfg.loaded?.state.suppression));
  const state = snapshotState(cfg, intake, { ruleCreatedAt: createdAt, lastRun, emittedTimes, totals: summary.cumulative, ...(suppression && { suppression }) });
  return { alerts: decided.alerts, summary, warnings: decided.warnings, errors: schedule ? [...schedule.gapErrors] : [], state, updates: decided.suppression?.updates() ?? [] };
}

/**
 * A scanner for `rule` in `opts.mode`. Throws a `ScanConfigError` for a schedule parameter Kibana
 * would refuse, and a `StateFileError` for a state written for another rule or schedule.
 */
export function createScanner(rule: Rule, opts: ScanOptions): Scanner {
  const cfg = resolveScanConfig(rule, opts);
  const intake = new ScanIntake(cfg, opts.maxTimeIssues);
  return {
    add: (ev) => intake.add(ev),
    finish: () => finish(cfg, intake, opts),
  };
}
