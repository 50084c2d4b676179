/**
 * When the rule runs and which windows each run searches, as Kibana's task manager and
 * `getRuleRangeTuples` (security_solution `rule_types/utils/utils.ts`) decide it.
 *
 * A run started at `t` searches the tuple `[from(t), to(t)]`; when the previous run started too long
 * ago it first searches up to 4 earlier windows, each shifted back by one interval (oldest first, each
 * with its own max_signals budget and its own history start, computed with `now` = the tuple's `to`).
 *
 * Two schedules: a regular one (`t_k = start + k × interval` until the first `t_k >= end`), which is
 * never materialised so a year of 5-minute runs costs nothing until a window holds an event, and an
 * explicit list of run times (late or missed runs). Both answer "which tuples intersect [a, b]".
 */
import { evalDateMath, fixedOffset, parseRuleRange, type DateMath } from './datemath.js';

export const MAX_RULE_GAP_RATIO = 4;

/** One search window of one run. `slot` 0 is the run's oldest tuple. */
export interface Tuple {
  run: number;
  slot: number;
  runTime: number;
  from: number;
  to: number;
}

/** Order key of a tuple in execution order (runs in order, a run's tuples oldest first). */
export function tupleKey(t: Pick<Tuple, 'run' | 'slot'>): number {
  return t.run * 8 + t.slot;
}

export interface ScheduleParams {
  interval: number;
  from: string;
  to: string;
}

/** A message Kibana would log for one run (its start time, UTC ISO). */
export interface RunMessage {
  /** The run's start time, UTC ISO. */
  run: string;
  message: string;
}

export interface Schedule {
  readonly runCount: number;
  runTime(run: number): number;
  /** The run's tuples, oldest first. */
  tuplesOfRun(run: number): Tuple[];
  /** Calls `fn` for every tuple with `to >= a` and `from <= b` (unordered). */
  forEachTupleIntersecting(a: number, b: number, fn: (t: Tuple) => void): void;
  /** Gap errors, one per run that could not catch up fully. */
  readonly gapErrors: RunMessage[];
  /** Smallest `to − from` of any tuple (all tuples of a schedule share it for relative from/to). */
  readonly windowLength: number;
}

// moment's relative-time thresholds (ss 44, s 45, m 45, h 22, d 26, M 11) with rounding per unit.
export function humanizeDuration(ms: number): string {
  const abs = Math.abs(ms);
  const seconds = Math.round(abs / 1000);
  const minutes = Math.round(abs / 60_000);
  const hours = Math.round(abs / 3_600_000);
  const days = Math.round(abs / 86_400_000);
  const monthsExact = ((abs / 86_400_000) * 4800) / 146_097;
  const months = Math.round(monthsExact);
  const years = Math.round(monthsExact / 12);
  if (seconds <= 44) return 'a few seconds';
  if (seconds < 45) return `${seconds} seconds`;
  if (minutes <= 1) return 'a minute';
  if (minutes < 45) return `${minutes} minutes`;
  if (hours <= 1) return 'an hour';
  if (hours < 22) return `${hours} hours`;
  if (days <= 1) return 'a day';
  if (days < 26) return `${days} days`;
  if (months <= 1) return 'a month';
  if (months < 11) return `${months} months`;
  if (years <= 1) return 'a year';
  return `${years} years`;
}

/** The error Kibana logs when catch-up could not cover the time since the previous run. */
export function gapErrorMessage(remainingGapMs: number): string {
  return (
    `${humanizeDuration(remainingGapMs)} (${remainingGapMs}ms) were not queried between this rule execution ` +
    'and the last execution, so signals may have been missed. Consider increasing your look behind time ' +
    'or adding more Kibana instances'
  );
}

export interface RangeTuples {
  /** Oldest first. */
  windows: Array<{ from: number; to: number }>;
  remainingGapMs: number;
}

/** getRuleRangeTuples: the windows one run searches, given when it and the previous run started. */
export function ruleRangeTuples(
  startedAt: number,
  previousStartedAt: number | null,
  range: { from: DateMath; to: DateMath },
  interval: number,
): RangeTuples {
  const from = evalDateMath(range.from, startedAt);
  const to = evalDateMath(range.to, startedAt);
  const gap = previousStartedAt === null ? 0 : startedAt - previousStartedAt - (to - from);
  const catchup = gap <= 0 || interval <= 0 ? 0 : Math.min(Math.ceil(gap / interval), MAX_RULE_GAP_RATIO);
  const windows: Array<{ from: number; to: number }> = [];
  for (let j = catchup; j >= 0; j--) windows.push({ from: from - j * interval, to: to - j * interval });
  return { windows, remainingGapMs: Math.max(gap - catchup * interval, 0) };
}

function catchupCount(gap: number, interval: number): number {
  return gap <= 0 ? 0 : Math.min(Math.ceil(gap / interval), MAX_RULE_GAP_RATIO);
}

export class ScheduleError extends Error {
  override readonly name = 'ScheduleError';
}

/**
 * Runs at `start + k × interval`, k = 0…K where t_K is the first run time >= end (K = 0 when
 * end <= start). `previousStartedAt` is the run before the first (from a state file), which may
 * trigger catch-up windows and a gap error for the first run only: later runs follow each other at
 * exactly one interval, so their catch-up count is constant (0 unless the interval exceeds the
 * window) and never leaves a gap.
 */
export function regularSchedule(
  params: ScheduleParams,
  start: number,
  end: number,
  previousStartedAt: number | null = null,
): Schedule {
  const range = parseRuleRange(params.from, params.to);
  const fOff = fixedOffset(range.from);
  const tOff = fixedOffset(range.to);
  if (fOff === undefined || tOff === undefined) {
    throw new ScheduleError(
      `a regular schedule needs 'from' and 'to' relative to now in s, m, h, d or w (got '${params.from}', '${params.to}'); use explicit run times instead`,
    );
  }
  const I = params.interval;
  const L = tOff - fOff;
  const K = end <= start ? 0 : Math.ceil((end - start) / I);
  const c = catchupCount(I - L, I);
  const first = ruleRangeTuples(start, previousStartedAt, range, I);
  const c0 = first.windows.length - 1;
  const gapErrors: RunMessage[] =
    first.remainingGapMs > 0
      ? [{ run: new Date(start).toISOString(), message: gapErrorMessage(first.remainingGapMs) }]
      : [];

  const runTime = (k: number): number => start + k * I;
  // Grid position m: a tuple whose to = start + m × I + tOff. Run k ≥ 1 owns m = k−c … k (slot = m−k+c),
  // run 0 owns m = −c0 … 0 (slot = m + c0).
  const tupleAt = (k: number, m: number): Tuple => ({
    run: k,
    slot: k === 0 ? m + c0 : m - k + c,
    runTime: runTime(k),
    from: start + m * I + fOff,
    to: start + m * I + tOff,
  });

  return {
    runCount: K + 1,
    runTime,
    windowLength: L,
    gapErrors,
    tuplesOfRun(k) {
      const out: Tuple[] = [];
      const lo = k === 0 ? -c0 : k - c;
      for (let m = lo; m <= k; m++) out.push(tupleAt(k, m));
      return out;
    },
    forEachTupleIntersecting(a, b, fn) {
      const mLo = Math.max(Math.ceil((a - start - tOff) / I), -Math.max(c0, c));
      const mHi = Math.min(Math.floor((b - start - fOff) / I), K);
      for (let m = mLo; m <= mHi; m++) {
        if (m <= 0 && m >= -c0) fn(tupleAt(0, m));
        for (let j = 0; j <= c; j++) {
          const k = m + j;
          if (k >= 1 && k <= K) fn(tupleAt(k, m));
        }
      }
    },
  };
}

/**
 * Explicit run times (strictly increasing), each with Kibana's catch-up relative to the run before
 * it (the first relative to `previousStartedAt`).
 */
export function explicitSchedule(
  params: ScheduleParams,
  runTimes: readonly number[],
  previousStartedAt: number | null = null,
): Schedule {
  const range = parseRuleRange(params.from, params.to);
  const perRun: Tuple[][] = [];
  const gapErrors: RunMessage[] = [];
  let prev = previousStartedAt;
  runTimes.forEach((t, run) => {
    if (prev !== null && t <= prev) {
      throw new ScheduleError(
        `run times must be strictly increasing and after the last recorded run: ${new Date(t).toISOString()} is not after ${new Date(prev).toISOString()}`,
      );
    }
    const rt = ruleRangeTuples(t, prev, range, params.interval);
    perRun.push(rt.windows.map((w, slot) => ({ run, slot, runTime: t, from: w.from, to: w.to })));
    if (rt.remainingGapMs > 0) gapErrors.push({ run: new Date(t).toISOString(), message: gapErrorMessage(rt.remainingGapMs) });
    prev = t;
  });
  const byTo = perRun.flat().sort((x, y) => x.to - y.to);
  let maxLen = 0;
  let minLen = Number.POSITIVE_INFINITY;
  for (const t of byTo) {
    maxLen = Math.max(maxLen, t.to - t.from);
    minLen = Math.min(minLen, t.to - t.from);
  }
  return {
    runCount: runTimes.length,
    runTime: (k) => runTimes[k]!,
    windowLength: Number.isFinite(minLen) ? minLen : 0,
    gapErrors,
    tuplesOfRun: (k) => perRun[k] ?? [],
    forEachTupleIntersecting(a, b, fn) {
      let lo = 0;
      let hi = byTo.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (byTo[mid]!.to < a) lo = mid + 1;
        else hi = mid;
      }
      for (let i = lo; i < byTo.length; i++) {
        const t = byTo[i]!;
        if (t.to - maxLen > b) break;
        if (t.from <= b) fn(t);
      }
    },
  };
}
