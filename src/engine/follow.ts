/**
 * `--follow`: the scheduler simulation on a stream that does not end. A simulated run is *final*
 * once nothing that can still arrive in time can change it: when the newest event time seen (the
 * rule's timestamp, `event.ingested` else `@timestamp`) has passed the run's end by `lateness`.
 * Final runs are evaluated at once and their alerts handed out; the caller writes them and saves
 * the state before reading on.
 *
 * How it stays identical to the batch scan: final runs are evaluated by the batch engine itself
 * (createScanner), continued from one step to the next through the same state a `--state` file
 * carries between invocations. Each step is "the batch scan of the runs [next .. last final],
 * continuing from the previous step's state", with the schedule's start and end given explicitly,
 * so the runs, their windows, the catch-up of the first run, the history, the dedup of alert ids and
 * max_signals are the batch engine's. What the state does not carry is kept here:
 *
 * - query mode keeps every matching event (the state keeps none): the events a run that is not
 *   final yet can still search are handed to the next step again (their ids, if already alerted,
 *   are in the state's dedup list, so nothing is written twice);
 * - the summary is summed over the steps (each run is evaluated in exactly one step), except what
 *   must count every event once (events, events without time, distinct combinations).
 *
 * Late events: an event that arrives when a run whose window holds its time is already final is
 * counted and reported (`file:line`, its time, the first run it missed); it still enters the
 * history, so later runs see it as the batch scan would. Whenever no event is later than
 * `lateness`, the alerts (ids included), warnings, errors and final state equal the batch scan's
 * over the same events (test/engine/follow.property.test.ts).
 *
 * Memory: the state (combinations and their clusters, pruned as for a state file), the events that
 * arrived since the last step, and in query mode the events of the last window and its catch-up
 * reach: bounded by combinations and by time, not by the events of the whole stream.
 *
 * The watermark counts every event the reader saw, not only those that matched: `observe(ms)` takes
 * the time of events the reader passed over (see the CLI's follow reader).
 */
import { eventTimeOf, formatTime, timestampFieldsOf } from '../ecs/time.js';
import type { SourceEvent } from '../io/types.js';
import type { Rule } from '../rule/schema.js';
import type { AlertDocument } from './alert.js';
import { DateMathError, fixedOffset, parseInterval, parseRuleRange } from './datemath.js';
import { combinationsOf, compareTerms } from './new-terms.js';
import type { RunMessage } from './schedule.js';
import { createScanner, ScanConfigError, type LostDetection, type ScanOptions, type ScanResult, type ScanSummary, type TimeIssue } from './scan.js';
import type { LoadedState, ScanState } from './state.js';
import type { AlertUpdate } from './suppression-run.js';

const MAX_LATE_SAMPLES = 10;
const MAX_TIME_ISSUE_SAMPLES = 10;

export interface FollowOptions extends Omit<ScanOptions, 'end' | 'runs'> {
  /** How far (ms) an event may lag behind the newest event time and still be in time. */
  lateness: number;
}

/** What one step made final. */
export interface FollowStep {
  /** Alerts of the runs made final, in the batch scan's order. */
  alerts: AlertDocument[];
  warnings: RunMessage[];
  errors: RunMessage[];
  /** Alerts of earlier steps (or of the state's invocation) that suppression updated in these runs. */
  updates: AlertUpdate[];
  /** The state after these runs: save it (atomically) once the alerts are written. */
  state: ScanState;
  /** Runs made final in this step (0 when the step only brings the state up to date). */
  runs: number;
}

export interface LateArrivals {
  /** Events that arrived after a run whose window holds them was final (in this follow). */
  count: number;
  /** `file:line: event at <time> arrived after run <run> was final`, the first few. */
  samples: string[];
  /**
   * Events at or before the last run of the state the follow started from: a restarted follower's
   * replay of input it had seen, or events late for the previous invocation. They only enter the
   * history, as in a batch scan continuing from the same state.
   */
  beforeState: number;
}

/** `lateArrivals`: events later than --lateness (the scan's own `late` counts events before a --state file's last run). */
export interface FollowSummary extends ScanSummary {
  lateness: number;
  lateArrivals: LateArrivals;
}

export interface Follower {
  /** A matching event, in input order. */
  add(event: SourceEvent): void;
  /** The time of an event the reader saw but did not hand over (it did not match): moves the watermark. */
  observe(ms: number): void;
  /** The runs that became final since the last call, if any. */
  poll(): FollowStep | undefined;
  /**
   * The input ended: the remaining runs, as the batch scan would end them (its last run is the first
   * at or after the newest matching event), and the summary of the whole follow.
   */
  finish(): { step: FollowStep | undefined; summary: FollowSummary };
  /** The summary so far (runs made final, events seen): what an interrupted follow reports. */
  summary(): FollowSummary;
  /** What the follower holds now, to show that memory follows combinations and time, not events. */
  held(): { pendingEvents: number; combinations: number; stateClusters: number; stateIds: number };
}

function wrapConfig<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof DateMathError) throw new ScanConfigError(e.message);
    throw e;
  }
}

export function createFollower(rule: Rule, opts: FollowOptions): Follower {
  if (!Number.isFinite(opts.lateness) || opts.lateness < 0) {
    throw new ScanConfigError(`lateness must be a duration of 0 or more (got ${opts.lateness} ms)`);
  }
  const { lateness, state: initialState, ...scanOpts } = opts;
  // The batch engine checks every option (and the state's identity) now rather than at the first step.
  createScanner(rule, { ...scanOpts, ...(initialState && { state: initialState }) });

  const interval = wrapConfig(() => parseInterval(scanOpts.interval ?? rule.interval));
  const range = wrapConfig(() => parseRuleRange(scanOpts.from ?? rule.from, rule.to));
  const fOff = fixedOffset(range.from);
  const tOff = fixedOffset(range.to);
  if (fOff === undefined || tOff === undefined) {
    throw new ScanConfigError(`--follow needs 'from' and 'to' relative to now in s, m, h, d or w (got '${scanOpts.from ?? rule.from}', '${rule.to}')`);
  }
  // How far back a run can search: its window plus Kibana's catch-up of at most 4 intervals.
  const reach = tOff - fOff + 4 * interval;
  const tsFields = timestampFieldsOf(rule);
  const fields = rule.new_terms_fields ?? [];
  const stateFile = initialState?.file ?? '(follow)';

  let current: LoadedState | undefined = initialState;
  const prevRunAtStart = current?.state.lastRunTime ? Date.parse(current.state.lastRunTime) : undefined;
  /** Start time of the oldest run not yet final; undefined until the schedule's start is known. */
  let nextRun: number | undefined =
    prevRunAtStart !== undefined ? prevRunAtStart + interval : scanOpts.start ? scanOpts.start.getTime() : undefined;
  let steps = 0;
  let watermark = Number.NEGATIVE_INFINITY;
  let minMatch: number | undefined;
  let maxMatch: number | undefined;

  /** Matching events since the last step (query mode: plus those a later run can still search). */
  let pending: Array<{ event: SourceEvent; time: number | undefined }> = [];
  let eventsAdded = 0;
  let eventsWithoutTime = 0;
  const timeIssues: TimeIssue[] = [];
  const combos = new Set<string>();
  for (const c of initialState?.state.combos ?? []) combos.add(JSON.stringify(c.values));
  const late: LateArrivals = { count: 0, samples: [], beforeState: 0 };
  const depth = { eventsTooDeep: 0, depthIssues: [] as TimeIssue[] };

  // Summed over steps.
  const totals = { eventsWithoutCombination: 0, runsSimulated: 0, runsWithMatches: 0, tuplesWithCandidates: 0, catchupTuples: 0, alerts: 0, truncatedRuns: 0 };
  /** alert_suppression: events suppressed, summed over steps (undefined without suppression). */
  let suppressed: number | undefined;
  let firstRun: string | null = null;
  let lastRun: string | null = null;
  const lost = new Map<string, LostDetection>();
  let last: ScanResult | undefined;

  /**
   * For an event at `t` that a final run should have seen: that run (the oldest final run whose window
   * ends at or after `t`), or the first run when `t` is before every window. Undefined when in time.
   */
  const missedRun = (t: number): string | undefined => {
    if (nextRun === undefined || steps === 0) return undefined;
    const lastFinal = nextRun - interval;
    if (t > lastFinal + tOff) return undefined;
    const run = lastFinal - Math.floor((lastFinal + tOff - t) / interval) * interval;
    if (firstRun !== null && run < Date.parse(firstRun)) return `${firstRun} (before its window)`;
    return formatTime(run);
  };

  const step = (end: number | undefined, startOverride?: number): FollowStep => {
    const stepOpts: ScanOptions = { ...scanOpts };
    delete stepOpts.start;
    if (current) stepOpts.state = current;
    if (startOverride !== undefined) stepOpts.start = new Date(startOverride);
    if (end !== undefined) stepOpts.end = new Date(end);
    const scanner = createScanner(rule, stepOpts);
    for (const p of pending) scanner.add(p.event);
    const result = scanner.finish();
    last = result;
    steps++;
    const s = result.summary;
    totals.eventsWithoutCombination += s.eventsWithoutCombination;
    totals.runsSimulated += s.runsSimulated;
    totals.runsWithMatches += s.runsWithMatches;
    totals.tuplesWithCandidates += s.tuplesWithCandidates;
    totals.catchupTuples += s.catchupTuples;
    totals.alerts += s.alerts;
    if (s.suppressed !== undefined) suppressed = (suppressed ?? 0) + s.suppressed;
    depth.eventsTooDeep += s.eventsTooDeep;
    for (const d of s.depthIssues) if (depth.depthIssues.length < 10) depth.depthIssues.push(d);
    totals.truncatedRuns += s.truncatedRuns;
    firstRun ??= s.timeRange.firstRun;
    lastRun = s.timeRange.lastRun ?? lastRun;
    // A detection max_signals cut off in one run may be written by a later one (windows overlap), and
    // then it was not lost, as in the batch scan: the same terms, alerted by a run within a window and
    // its catch-up of the run that cut it off.
    for (const a of result.alerts) {
      const terms = JSON.stringify(a['kibana.alert.new_terms'] ?? null);
      const runTime = Date.parse(String(a['@timestamp']));
      for (const [key, l] of lost) {
        const cutOff = Date.parse(l.truncatedIn[l.truncatedIn.length - 1]!);
        if (JSON.stringify(l.newTerms) === terms && runTime > cutOff && runTime - cutOff <= reach) lost.delete(key);
      }
    }
    // One detection cut off in runs of two steps is one entry, as in the batch scan.
    for (const l of s.lostDetections) {
      const key = JSON.stringify([l.newTerms, l.firstSeen]);
      const known = lost.get(key);
      if (known) {
        for (const r of l.truncatedIn) if (!known.truncatedIn.includes(r)) known.truncatedIn.push(r);
      } else {
        lost.set(key, { ...l, truncatedIn: [...l.truncatedIn] });
      }
    }
    current = { file: stateFile, state: result.state };
    if (s.timeRange.lastRun !== null) nextRun = Date.parse(s.timeRange.lastRun) + interval;
    if (scanOpts.mode === 'query' && nextRun !== undefined) {
      const keepFrom = nextRun - reach;
      pending = pending.filter((p) => p.time !== undefined && p.time >= keepFrom);
    } else {
      pending = [];
    }
    return { alerts: result.alerts, updates: result.updates, warnings: result.warnings, errors: result.errors, state: result.state, runs: s.runsSimulated };
  };

  const summaryNow = (): FollowSummary => {
    const s = last?.summary;
    return {
      mode: scanOpts.mode,
      ruleUuid: s?.ruleUuid ?? scanOpts.ruleUuid ?? rule.rule_id,
      space: s?.space ?? scanOpts.space ?? 'default',
      eventsAdded,
      eventsWithoutTime,
      timeIssues,
      ...totals,
      distinctCombinations: scanOpts.mode === 'new_terms' ? combos.size : 0,
      lostDetections: [...lost.values()].sort((a, b) => compareTerms(a.newTerms, b.newTerms) || a.firstSeen.localeCompare(b.firstSeen)),
      timeRange: {
        firstRun,
        lastRun,
        firstEvent: minMatch === undefined ? null : formatTime(minMatch),
        lastEvent: maxMatch === undefined ? null : formatTime(maxMatch),
      },
      cumulative: s?.cumulative ?? { runs: 0, alerts: 0 },
      lateness,
      lateArrivals: late,
      // Events before the --state file's last run are counted in lateArrivals.beforeState here.
      late: null,
      ...depth,
      ...(suppressed !== undefined && { suppressed }),
    };
  };

  return {
    add(event) {
      eventsAdded++;
      const t = eventTimeOf(event.source, tsFields);
      if (!t.ok) {
        // Counted by the step that gets it; kept here too so the summary counts it once.
        eventsWithoutTime++;
        if (timeIssues.length < MAX_TIME_ISSUE_SAMPLES) {
          const what = t.reason === 'missing' ? `no ${t.field}` : `${t.field} ${JSON.stringify(t.value)} is not a valid date`;
          timeIssues.push({ file: event.origin.file, line: event.origin.line, message: what });
        }
        pending.push({ event, time: undefined });
        return;
      }
      const ms = t.ms;
      if (prevRunAtStart !== undefined && ms <= prevRunAtStart + tOff) {
        late.beforeState++;
      } else {
        const missed = missedRun(ms);
        if (missed !== undefined) {
          late.count++;
          if (late.samples.length < MAX_LATE_SAMPLES) {
            late.samples.push(`${event.origin.file}:${event.origin.line}: event at ${formatTime(ms)} arrived after run ${missed} was final`);
          }
        }
      }
      if (scanOpts.mode === 'new_terms') for (const c of combinationsOf(event.source, fields)) combos.add(JSON.stringify(c));
      minMatch = minMatch === undefined || ms < minMatch ? ms : minMatch;
      maxMatch = maxMatch === undefined || ms > maxMatch ? ms : maxMatch;
      if (ms > watermark) watermark = ms;
      pending.push({ event, time: ms });
    },

    observe(ms) {
      if (ms > watermark) watermark = ms;
    },

    poll() {
      const horizon = watermark - lateness;
      let first = nextRun;
      // Without --start or a state, the first run is at the earliest matching event (as in the batch
      // scan); it is final, and so is that earliest event, once the watermark has passed it.
      if (first === undefined) {
        if (minMatch === undefined || !(horizon > minMatch)) return undefined;
        first = minMatch - tOff;
      }
      if (!(first + tOff < horizon)) return undefined;
      // The newest run whose end is strictly before the horizon.
      const lastFinal = first + (Math.ceil((horizon - tOff - first) / interval) - 1) * interval;
      return step(lastFinal, current ? undefined : first);
    },

    summary: summaryNow,

    held() {
      const st = current?.state;
      return {
        pendingEvents: pending.length,
        combinations: combos.size,
        stateClusters: st ? st.combos.reduce((n, c) => n + c.clusters.length, 0) : 0,
        stateIds: st ? st.emitted.length : 0,
      };
    },

    finish() {
      let result: FollowStep | undefined;
      if (steps === 0) {
        // Nothing was final during the stream: this is exactly the batch scan.
        result = step(undefined, scanOpts.start?.getTime());
      } else if (pending.length > 0 || (maxMatch !== undefined && lastRun !== null && maxMatch - tOff > Date.parse(lastRun))) {
        const end = maxMatch !== undefined && lastRun !== null && maxMatch - tOff > Date.parse(lastRun) ? maxMatch - tOff : undefined;
        result = step(end);
      }
      return { step: result, summary: summaryNow() };
    },
  };
}
