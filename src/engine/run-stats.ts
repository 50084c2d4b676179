/**
 * The simulated schedule and what the summary says about the runs: which runs the schedule holds
 * (explicit run times, or every interval from the first to the last matching event, continuing after
 * the state's last run), how many had matches in their windows, how many catch-up tuples they
 * searched, and the summary object itself.
 */
import { formatTime } from '../ecs/time.js';
import type { AlertMode } from './alert.js';
import { wrapConfig, type ScanConfig } from './scan-config.js';
import type { ScanIntake, TimeIssue } from './scan-intake.js';
import type { LostDetection, TupleDecisions } from './scan-tuples.js';
import { explicitSchedule, regularSchedule, type Schedule } from './schedule.js';

/** What a scan did: events taken, runs simulated, tuples decided, alerts written and lost, time range. */
export interface ScanSummary {
  mode: AlertMode;
  ruleUuid: string;
  space: string;
  eventsAdded: number;
  /** Matching events without a usable time (never in any window); samples of where and why. */
  eventsWithoutTime: number;
  timeIssues: TimeIssue[];
  /** new_terms: matching events lacking a value in some new-terms field. */
  eventsWithoutCombination: number;
  distinctCombinations: number;
  runsSimulated: number;
  runsWithMatches: number;
  tuplesWithCandidates: number;
  catchupTuples: number;
  alerts: number;
  truncatedRuns: number;
  lostDetections: LostDetection[];
  timeRange: {
    firstRun: string | null;
    lastRun: string | null;
    firstEvent: string | null;
    lastEvent: string | null;
  };
  /** Counted over every invocation that shared the state file. */
  cumulative: { runs: number; alerts: number };
  /**
   * Matching events nested deeper than Elasticsearch accepts (ecs/depth.ts): never indexed, so not
   * evaluated here either; samples of where and why.
   */
  eventsTooDeep: number;
  depthIssues: TimeIssue[];
  /**
   * Matching events older than the state file's last run and before the first window this invocation
   * searches: no run can find them new (Kibana would never have seen them in a window either), so they
   * count as history only. Null without a state file's last run.
   */
  late: LateEvents | null;
  /** alert_suppression: matching events counted into an alert's docs_count instead of alerting (absent without suppression). */
  suppressed?: number;
}

export interface LateEvents {
  events: number;
  /** Their time span, UTC ISO (null when there are none). */
  first: string | null;
  last: string | null;
  /** The state file's last run and the start of the first window after it, UTC ISO. */
  lastRun: string;
  firstWindowFrom: string;
}

/** When the runs happen: explicit times, or a first and last run (each defaulting to the data). */
export interface RunTimes {
  start?: Date | undefined;
  end?: Date | undefined;
  runs?: readonly Date[] | undefined;
}

/** The runs to simulate, or undefined when there is nothing to run (no timed match after the state's last run). */
export function buildSchedule(cfg: ScanConfig, intake: ScanIntake, times: RunTimes): Schedule | undefined {
  const { interval, prevRun } = cfg;
  const params = { interval, from: cfg.rule.from, to: cfg.rule.to };
  if (times.runs) {
    const runs = times.runs;
    return wrapConfig(() => explicitSchedule(params, runs.map((d) => d.getTime()), prevRun));
  }
  const off = cfg.toOffset ?? 0;
  const { minTime, maxTime } = intake;
  if (!times.start && !times.end && (maxTime === undefined || (prevRun !== null && maxTime - off <= prevRun))) return undefined;
  const start = times.start?.getTime() ?? (prevRun !== null ? prevRun + interval : minTime !== undefined ? minTime - off : times.end!.getTime());
  const end = times.end?.getTime() ?? (maxTime !== undefined ? maxTime - off : start);
  return wrapConfig(() => regularSchedule(params, start, end, prevRun));
}

/** Runs one of whose tuples holds a matching event's time. */
function runsWithMatches(schedule: Schedule, intake: ScanIntake): number {
  const runs = new Set<number>();
  for (const span of intake.matchSpans) schedule.forEachTupleIntersecting(span.first, span.last, (t) => runs.add(t.run));
  return runs.size;
}

/** Every run's tuples beyond the first; constant per run after the first for a regular schedule. */
function catchupTuples(schedule: Schedule, explicit: boolean): number {
  if (schedule.runCount === 0) return 0;
  if (explicit) {
    let n = 0;
    for (let k = 0; k < schedule.runCount; k++) n += schedule.tuplesOfRun(k).length - 1;
    return n;
  }
  const perRun0 = schedule.tuplesOfRun(0).length - 1;
  const perRun1 = schedule.runCount > 1 ? schedule.tuplesOfRun(1).length - 1 : 0;
  return perRun0 + perRun1 * (schedule.runCount - 1);
}

export function summarize(
  cfg: ScanConfig,
  intake: ScanIntake,
  schedule: Schedule | undefined,
  decided: TupleDecisions,
  explicitRuns: boolean,
): ScanSummary {
  const runCount = schedule?.runCount ?? 0;
  const runAt = (k: number): string | null => (schedule && runCount > 0 ? formatTime(schedule.runTime(k)) : null);
  const totals = cfg.loaded?.state.totals;
  return {
    mode: cfg.mode,
    ruleUuid: cfg.ruleUuid,
    space: cfg.space,
    eventsAdded: intake.eventsAdded,
    eventsWithoutTime: intake.eventsWithoutTime,
    timeIssues: intake.timeIssues,
    eventsWithoutCombination: intake.eventsWithoutCombination,
    distinctCombinations: intake.tracker.size,
    runsSimulated: runCount,
    runsWithMatches: schedule ? runsWithMatches(schedule, intake) : 0,
    tuplesWithCandidates: decided.tuplesWithCandidates,
    catchupTuples: schedule ? catchupTuples(schedule, explicitRuns) : 0,
    alerts: decided.alerts.length,
    truncatedRuns: decided.truncatedRuns,
    lostDetections: decided.lostDetections,
    timeRange: {
      firstRun: runAt(0),
      lastRun: runAt(runCount - 1),
      firstEvent: intake.minTime === undefined ? null : formatTime(intake.minTime),
      lastEvent: intake.maxTime === undefined ? null : formatTime(intake.maxTime),
    },
    cumulative: {
      runs: (totals?.runs ?? 0) + runCount,
      alerts: (totals?.alerts ?? 0) + decided.alerts.length,
    },
    eventsTooDeep: intake.eventsTooDeep,
    depthIssues: intake.depthIssues,
    ...(decided.suppression && { suppressed: decided.suppression.suppressedEvents }),
    late:
      cfg.prevRun === null || cfg.lateBefore === null
        ? null
        : {
            events: intake.late.events,
            first: intake.late.events > 0 ? formatTime(intake.late.first) : null,
            last: intake.late.events > 0 ? formatTime(intake.late.last) : null,
            lastRun: formatTime(cfg.prevRun),
            firstWindowFrom: formatTime(cfg.lateBefore),
          },
  };
}
