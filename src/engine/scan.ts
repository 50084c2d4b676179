/**
 * The API the CLI calls: feed it the events that matched the rule's query and index filter, in input
 * order, then ask for the alerts Kibana would have written over the simulated schedule.
 *
 *   const scanner = createScanner(BUILTIN_RULE, { mode: 'new_terms', ruleUuid, space: 'default' });
 *   for (const ev of matchingEvents) scanner.add(ev);
 *   const { alerts, summary, warnings, errors, state } = scanner.finish();
 *
 * Memory: new_terms keeps per combination a few clusters (see new-terms.ts) plus the times of matching
 * events merged into 9-minute clusters; query mode keeps every matching event (it alerts on each).
 */
import { createHash } from 'node:crypto';
import type { SourceEvent } from '../io/types.js';
import type { Rule } from '../rule/schema.js';
import { eventTimeOf, formatTime, parseEventTime, timestampFieldsOf, type TimestampFields } from '../ecs/time.js';
import { fieldVisitor } from '../ecs/fields.js';
import {
  DateMathError,
  evalDateMath,
  fixedOffset,
  parseInterval,
  parseNamedDateMath,
  parseRuleRange,
  validateHistoryWindowStart,
  type DateMath,
} from './datemath.js';
import {
  explicitSchedule,
  regularSchedule,
  ScheduleError,
  tupleKey,
  type RunMessage,
  type Schedule,
  type Tuple,
} from './schedule.js';
import { insertPoint, type Cluster } from './clusters.js';
import { compareTerms, newTermsCandidates, NewTermsTracker, type NewTermsCandidate, type TupleCandidates } from './new-terms.js';
import { eventIdentity, newTermsAlertId, queryAlertId, type EventIdentity } from './alert-id.js';
import { buildAlertDocument, executionUuid, type AlertContext, type AlertDocument, type AlertMode } from './alert.js';
import { MAX_SIGNALS_WARNING, selectForTuple, type TupleOutcome } from './select.js';
import {
  identityMismatch,
  STATE_FORMAT,
  STATE_VERSION,
  StateFileError,
  type LoadedState,
  type ScanState,
  type StateIdentity,
  type StoredEvent,
} from './state.js';

export const DEFAULT_SPACE = 'default';
export const DEFAULT_KIBANA_VERSION = '8.16.0';
const MAX_TIME_ISSUE_SAMPLES = 10;

export interface ScanOptions {
  mode: AlertMode;
  /** The rule's saved-object id (`kibana.alert.rule.uuid`); default: the rule's `rule_id`. */
  ruleUuid?: string;
  /** Kibana space; default `default`. */
  space?: string;
  /** First run time (when the rule was enabled); default from the data or the state file. */
  start?: Date;
  /** The last run is the first scheduled run at or after this; default from the data. */
  end?: Date;
  /** Explicit run start times (late or missed runs); replaces start/end. */
  runs?: readonly Date[];
  /** Overrides of the rule's schedule parameters (validated as Kibana validates them). */
  interval?: string;
  from?: string;
  historyWindowStart?: string;
  maxSignals?: number;
  /** A state loaded with loadState, to continue from. */
  state?: LoadedState;
  kibanaVersion?: string;
  /** The wall-clock time Kibana validates the history window against; default now. */
  now?: Date;
  /** Sees every tuple's decision and the schedule (the per-event fate module listens here: fate.ts). */
  observer?: ScanObserver;
  /** How many events without a usable time are kept as samples (all are counted); default 10. */
  maxTimeIssues?: number;
}

/** One candidate of a tuple as the engine decided on it. */
export interface ObservedCandidate {
  event: StoredEvent;
  /** The source event's time (epoch ms). */
  time: number;
  id: string;
  /** new_terms: the combination's values in field order. */
  newTerms?: string[];
}

/** What one tuple with candidates wrote, in execution order. */
export interface TupleObservation {
  tuple: Tuple;
  created: ObservedCandidate[];
  /** Left out by max_signals. */
  dropped: ObservedCandidate[];
  /** Left out because their alert id was already written (by an earlier tuple, or by an earlier invocation: the state). */
  duplicates: ObservedCandidate[];
}

export interface ScanObserver {
  tuple(o: TupleObservation): void;
  /**
   * Once, at the end of `finish`, before any `tuple` call: the schedule the runs followed (undefined
   * when none was simulated) and, in new_terms mode, the history start of a tuple ending at `to`.
   */
  schedule(s: Schedule | undefined, historyStartOf: ((to: number) => number) | undefined): void;
}

/** The observation of one tuple: candidates neither created nor dropped were duplicates. */
function observeTuple<C extends { event: StoredEvent; time: number; values?: string[] }>(
  observer: ScanObserver,
  out: TupleOutcome<C>,
  candidates: readonly C[],
  idOf: (c: C) => string,
): void {
  const seen = new Set<C>();
  const one = (s: { candidate: C; id: string }): ObservedCandidate => {
    seen.add(s.candidate);
    return observed(s.candidate, s.id);
  };
  const observed = (c: C, id: string): ObservedCandidate => ({
    event: c.event,
    time: c.time,
    id,
    ...(c.values !== undefined && { newTerms: c.values }),
  });
  const created = out.created.map(one);
  const dropped = out.dropped.map(one);
  const duplicates = candidates.filter((c) => !seen.has(c)).map((c) => observed(c, idOf(c)));
  observer.tuple({ tuple: out.tuple, created, dropped, duplicates });
}

export interface LostDetection {
  newTerms: string[];
  /** Time of the combination's first occurrence that would have been alerted. */
  firstSeen: string;
  /** Runs (start times) whose max_signals cut it off. */
  truncatedIn: string[];
}

/** A matching event without a usable time, by where it was read. */
export interface TimeIssue {
  file: string;
  line: number;
  message: string;
}

export interface ScanSummary {
  mode: AlertMode;
  ruleUuid: string;
  space: string;
  eventsAdded: number;
  /** Matching events without a usable time (never in any window); samples as `file:line: why`. */
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
}

export interface ScanResult {
  alerts: AlertDocument[];
  summary: ScanSummary;
  /** Kibana's max-signals warning, once per truncated run. */
  warnings: RunMessage[];
  /** Kibana's gap error, once per run whose catch-up could not cover the time since the previous run. */
  errors: RunMessage[];
  /** The state to save with saveState for the next invocation. */
  state: ScanState;
}

export interface Scanner {
  add(event: SourceEvent): void;
  finish(): ScanResult;
}

/** Configuration problems: bad date math, interval, max_signals, runs or state for another rule. */
export class ScanConfigError extends Error {
  override readonly name = 'ScanConfigError';
}

interface QueryCandidate {
  event: StoredEvent;
  time: number;
  primary: number | undefined;
  secondary: number | undefined;
  seq: number;
}

function firstTime(doc: unknown, path: string | undefined): number | undefined {
  if (path === undefined) return undefined;
  let v: unknown;
  fieldVisitor(path)(doc, (x) => {
    v = x;
    return true;
  });
  return v === undefined || v === null || v === '' ? undefined : parseEventTime(v);
}

/** Elasticsearch's hit sort: primary then secondary timestamp ascending, missing last; then input order. */
function compareQueryCandidates(a: QueryCandidate, b: QueryCandidate): number {
  for (const k of ['primary', 'secondary'] as const) {
    const x = a[k];
    const y = b[k];
    if (x !== y) {
      if (x === undefined) return 1;
      if (y === undefined) return -1;
      return x - y;
    }
  }
  return a.seq - b.seq;
}

function compareNewTerms(a: NewTermsCandidate<StoredEvent>, b: NewTermsCandidate<StoredEvent>): number {
  return compareTerms(a.values, b.values);
}

function storedEvent(ev: SourceEvent): StoredEvent {
  const out: StoredEvent = { source: ev.source, origin: { file: ev.origin.file, line: ev.origin.line } };
  if (ev.index !== undefined) out.index = ev.index;
  if (ev.id !== undefined) out.id = ev.id;
  return out;
}

function wrapConfig<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof DateMathError || e instanceof ScheduleError) throw new ScanConfigError(e.message);
    throw e;
  }
}

export function createScanner(baseRule: Rule, opts: ScanOptions): Scanner {
  const mode = opts.mode;
  const space = opts.space ?? DEFAULT_SPACE;
  const ruleUuid = opts.ruleUuid ?? baseRule.rule_id;
  const rule: Rule = {
    ...baseRule,
    interval: opts.interval ?? baseRule.interval,
    from: opts.from ?? baseRule.from,
    max_signals: opts.maxSignals ?? baseRule.max_signals,
    history_window_start: opts.historyWindowStart ?? baseRule.history_window_start,
  };
  if (!Number.isInteger(rule.max_signals) || rule.max_signals < 1) {
    throw new ScanConfigError(`max_signals must be a positive integer (got ${rule.max_signals})`);
  }
  const interval = wrapConfig(() => parseInterval(rule.interval));
  const range = wrapConfig(() => parseRuleRange(rule.from, rule.to));
  let history: DateMath | undefined;
  const fields = rule.new_terms_fields ?? [];
  if (mode === 'new_terms') {
    if (fields.length === 0) throw new ScanConfigError('new_terms mode needs the rule to have new_terms_fields');
    if (rule.history_window_start === undefined) {
      throw new ScanConfigError('new_terms mode needs the rule to have history_window_start');
    }
    const hws = rule.history_window_start;
    history = wrapConfig(() => parseNamedDateMath(hws, 'historyWindowStart'));
    wrapConfig(() => validateHistoryWindowStart(hws, rule.from, (opts.now ?? new Date()).getTime()));
  }

  const identity: StateIdentity = {
    rule_id: rule.rule_id,
    rule_version: rule.version,
    rule_uuid: ruleUuid,
    space,
    mode,
    interval: rule.interval,
    from: rule.from,
    to: rule.to,
    history_window_start: mode === 'new_terms' ? (rule.history_window_start ?? null) : null,
    max_signals: rule.max_signals,
    new_terms_fields: mode === 'new_terms' ? [...fields] : [],
    timestamp_override: rule.timestamp_override ?? null,
  };
  const loaded = opts.state;
  if (loaded) {
    const diff = identityMismatch(loaded.state.identity, identity);
    if (diff) throw new StateFileError(loaded.file, 'mismatch', `belongs to another rule or schedule (${diff})`);
  }
  const prevRun = loaded?.state.lastRunTime ? Date.parse(loaded.state.lastRunTime) : null;
  if (prevRun !== null && opts.start && opts.start.getTime() <= prevRun) {
    throw new ScanConfigError(
      `--start ${formatTime(opts.start.getTime())} is not after the last run recorded in ${loaded!.file} (${formatTime(prevRun)})`,
    );
  }

  const fOff = fixedOffset(range.from);
  const tOff = fixedOffset(range.to);
  const hOff = history ? fixedOffset(history) : undefined;
  const windowLength = fOff !== undefined && tOff !== undefined ? tOff - fOff : 0;
  const mergeGap =
    fOff !== undefined && tOff !== undefined && hOff !== undefined ? Math.max(0, fOff - tOff - hOff) : 0;

  const tsFields: TimestampFields = timestampFieldsOf(rule);
  const tracker = new NewTermsTracker<StoredEvent>(fields, mergeGap);
  const matchSpans: Cluster<null>[] = [];
  const queryEvents: QueryCandidate[] = [];
  const timeIssues: TimeIssue[] = [];
  const maxTimeIssues = opts.maxTimeIssues ?? MAX_TIME_ISSUE_SAMPLES;
  let eventsAdded = 0;
  let eventsWithoutTime = 0;
  let eventsWithoutCombination = 0;
  let minT: number | undefined;
  let maxT: number | undefined;

  if (loaded) {
    for (const c of loaded.state.combos) {
      tracker.restore(
        c.values,
        c.clusters.map((k) => ({ first: k.first, last: k.last, payload: k.event })),
      );
    }
    for (const [a, b] of loaded.state.matchSpans) {
      insertPoint(matchSpans, a, null, windowLength);
      insertPoint(matchSpans, b, null, windowLength);
    }
  }

  const add = (ev: SourceEvent): void => {
    eventsAdded++;
    const t = eventTimeOf(ev.source, tsFields);
    if (!t.ok) {
      eventsWithoutTime++;
      if (timeIssues.length < maxTimeIssues) {
        const what =
          t.reason === 'missing' ? `no ${t.field}` : `${t.field} ${JSON.stringify(t.value)} is not a valid date`;
        timeIssues.push({ file: ev.origin.file, line: ev.origin.line, message: what });
      }
      return;
    }
    const ms = t.ms;
    minT = minT === undefined || ms < minT ? ms : minT;
    maxT = maxT === undefined || ms > maxT ? ms : maxT;
    insertPoint(matchSpans, ms, null, windowLength);
    const stored = storedEvent(ev);
    if (mode === 'new_terms') {
      if (tracker.add(ev.source, ms, stored) === 0) eventsWithoutCombination++;
    } else {
      queryEvents.push({
        event: stored,
        time: ms,
        primary: firstTime(ev.source, tsFields.primary),
        secondary: firstTime(ev.source, tsFields.secondary),
        seq: queryEvents.length,
      });
    }
  };

  const buildSchedule = (): Schedule | undefined => {
    const schedParams = { interval, from: rule.from, to: rule.to };
    if (opts.runs) {
      return wrapConfig(() => explicitSchedule(schedParams, opts.runs!.map((d) => d.getTime()), prevRun));
    }
    const off = tOff ?? 0;
    if (!opts.start && !opts.end && (maxT === undefined || (prevRun !== null && maxT - off <= prevRun))) {
      return undefined;
    }
    const start =
      opts.start?.getTime() ??
      (prevRun !== null ? prevRun + interval : minT !== undefined ? minT - off : opts.end!.getTime());
    const end = opts.end?.getTime() ?? (maxT !== undefined ? maxT - off : start);
    return wrapConfig(() => regularSchedule(schedParams, start, end, prevRun));
  };

  const finish = (): ScanResult => {
    const schedule = buildSchedule();
    const emittedTimes = new Map<string, number>();
    for (const e of loaded?.state.emitted ?? []) emittedTimes.set(e.id, e.time);
    const emitted = new Set(emittedTimes.keys());
    const identities = new WeakMap<StoredEvent, EventIdentity>();
    const identityOf = (e: StoredEvent): EventIdentity => {
      let id = identities.get(e);
      if (!id) {
        id = eventIdentity(e);
        identities.set(e, id);
      }
      return id;
    };
    const ruleCreatedAt = loaded
      ? Date.parse(loaded.state.ruleCreatedAt)
      : schedule && schedule.runCount > 0
        ? schedule.runTime(0)
        : (minT ?? 0);
    const ctx: AlertContext = {
      rule,
      mode,
      ruleUuid,
      spaceId: space,
      ruleCreatedAt,
      kibanaVersion: opts.kibanaVersion ?? DEFAULT_KIBANA_VERSION,
    };

    const alerts: AlertDocument[] = [];
    const warnings: RunMessage[] = [];
    const truncatedRuns = new Set<number>();
    const lost = new Map<string, { values: string[]; time: number; runs: string[] }>();
    let tuplesWithCandidates = 0;
    let runsWithMatches = 0;
    let catchupTuples = 0;

    const observer = opts.observer;
    observer?.schedule(schedule, mode === 'new_terms' ? (to) => evalDateMath(history!, to) : undefined);
    if (schedule) {
      const execUuids = new Map<number, string>();
      const execUuidOf = (t: Tuple): string => {
        let u = execUuids.get(t.run);
        if (!u) {
          u = executionUuid(
            createHash('sha1').update(`${space}:${ruleUuid}:${formatTime(t.runTime)}`).digest('hex'),
          );
          execUuids.set(t.run, u);
        }
        return u;
      };
      /** Records a created alert: its time for dedup bookkeeping, and its document. */
      const create = (tuple: Tuple, id: string, candidate: { event: StoredEvent; time: number }, newTerms?: string[]): void => {
        emittedTimes.set(id, candidate.time);
        alerts.push(
          buildAlertDocument(ctx, {
            source: candidate.event.source,
            identity: identityOf(candidate.event),
            alertUuid: id,
            runTime: tuple.runTime,
            executionUuid: execUuidOf(tuple),
            ...(newTerms !== undefined && { newTerms }),
          }),
        );
      };
      const onTruncated = (t: Tuple): void => {
        if (!truncatedRuns.has(t.run)) {
          truncatedRuns.add(t.run);
          warnings.push({ run: formatTime(t.runTime), message: MAX_SIGNALS_WARNING });
        }
      };

      if (mode === 'new_terms') {
        const historyDm = history!;
        const groups = newTermsCandidates(tracker, schedule, (to) => evalDateMath(historyDm, to));
        const idOf = (c: NewTermsCandidate<StoredEvent>): string => {
          const i = identityOf(c.event);
          return newTermsAlertId(i.index, i.id, space, ruleUuid, c.values);
        };
        tuplesWithCandidates = groups.size;
        for (const key of [...groups.keys()].sort((a, b) => a - b)) {
          const g = groups.get(key)!;
          const out: TupleOutcome<NewTermsCandidate<StoredEvent>> = selectForTuple(
            g.tuple,
            g.candidates,
            compareNewTerms,
            idOf,
            emitted,
            rule.max_signals,
          );
          if (observer) observeTuple(observer, out, g.candidates, idOf);
          for (const s of out.created) {
            create(g.tuple, s.id, s.candidate, s.candidate.values);
            lost.delete(s.id);
          }
          if (out.dropped.length > 0) {
            onTruncated(g.tuple);
            for (const d of out.dropped) {
              const entry = lost.get(d.id) ?? { values: d.candidate.values, time: d.candidate.time, runs: [] };
              const run = formatTime(g.tuple.runTime);
              if (!entry.runs.includes(run)) entry.runs.push(run);
              lost.set(d.id, entry);
            }
          }
        }
      } else {
        const groups = new Map<number, TupleCandidates<QueryCandidate>>();
        for (const q of queryEvents) {
          schedule.forEachTupleIntersecting(q.time, q.time, (tuple) => {
            const key = tupleKey(tuple);
            let g = groups.get(key);
            if (!g) {
              g = { tuple, candidates: [] };
              groups.set(key, g);
            }
            g.candidates.push(q);
          });
        }
        const idOf = (c: QueryCandidate): string => {
          const i = identityOf(c.event);
          return queryAlertId(i.index, i.id, space, ruleUuid);
        };
        tuplesWithCandidates = groups.size;
        for (const key of [...groups.keys()].sort((a, b) => a - b)) {
          const g = groups.get(key)!;
          const out = selectForTuple(g.tuple, g.candidates, compareQueryCandidates, idOf, emitted, rule.max_signals);
          if (observer) observeTuple(observer, out, g.candidates, idOf);
          for (const s of out.created) create(g.tuple, s.id, s.candidate);
          if (out.dropped.length > 0) onTruncated(g.tuple);
        }
      }

      const runs = new Set<number>();
      for (const span of matchSpans) {
        schedule.forEachTupleIntersecting(span.first, span.last, (t) => runs.add(t.run));
      }
      runsWithMatches = runs.size;
      // Catch-up tuples: every run's tuples beyond the first; constant per run for a regular schedule.
      if (schedule.runCount > 0) {
        const perRun0 = schedule.tuplesOfRun(0).length - 1;
        const perRun1 = schedule.runCount > 1 ? schedule.tuplesOfRun(1).length - 1 : 0;
        if (opts.runs) {
          for (let k = 0; k < schedule.runCount; k++) catchupTuples += schedule.tuplesOfRun(k).length - 1;
        } else {
          catchupTuples = perRun0 + perRun1 * (schedule.runCount - 1);
        }
      }
    }

    const runCount = schedule?.runCount ?? 0;
    const lastRun = schedule && runCount > 0 ? schedule.runTime(runCount - 1) : prevRun;
    const lostDetections: LostDetection[] = [...lost.values()]
      .sort((a, b) => compareTerms(a.values, b.values) || a.time - b.time)
      .map((l) => ({ newTerms: l.values, firstSeen: formatTime(l.time), truncatedIn: l.runs }));

    const summary: ScanSummary = {
      mode,
      ruleUuid,
      space,
      eventsAdded,
      eventsWithoutTime,
      timeIssues,
      eventsWithoutCombination,
      distinctCombinations: tracker.size,
      runsSimulated: runCount,
      runsWithMatches,
      tuplesWithCandidates,
      catchupTuples,
      alerts: alerts.length,
      truncatedRuns: truncatedRuns.size,
      lostDetections,
      timeRange: {
        firstRun: schedule && runCount > 0 ? formatTime(schedule.runTime(0)) : null,
        lastRun: schedule && runCount > 0 ? formatTime(schedule.runTime(runCount - 1)) : null,
        firstEvent: minT === undefined ? null : formatTime(minT),
        lastEvent: maxT === undefined ? null : formatTime(maxT),
      },
      cumulative: {
        runs: (loaded?.state.totals.runs ?? 0) + runCount,
        alerts: (loaded?.state.totals.alerts ?? 0) + alerts.length,
      },
    };

    const state = snapshotState({
      identity,
      ruleCreatedAt,
      lastRun,
      emittedTimes,
      tracker,
      matchSpans,
      totals: summary.cumulative,
      interval,
      windowLength,
      historyLength: hOff === undefined ? undefined : -hOff,
    });

    return { alerts, summary, warnings, errors: schedule ? [...schedule.gapErrors] : [], state };
  };

  return { add, finish };
}

/**
 * The state after this invocation, pruned of what can no longer matter for runs after `lastRun`
 * (assuming, as for any continuation, that new events come after the last run):
 * alert ids whose source is older than the oldest window a later run can search, combinations'
 * clusters that ended more than one history window (plus one window and the catch-up reach) before
 * it, and match spans older than a window plus the catch-up reach.
 */
function snapshotState(p: {
  identity: StateIdentity;
  ruleCreatedAt: number;
  lastRun: number | null;
  emittedTimes: Map<string, number>;
  tracker: NewTermsTracker<StoredEvent>;
  matchSpans: Cluster<null>[];
  totals: { runs: number; alerts: number };
  interval: number;
  windowLength: number;
  historyLength: number | undefined;
}): ScanState {
  const reach = p.windowLength + 4 * p.interval;
  const idHorizon = p.lastRun === null ? Number.NEGATIVE_INFINITY : p.lastRun - reach;
  const comboHorizon =
    p.lastRun === null || p.historyLength === undefined
      ? Number.NEGATIVE_INFINITY
      : p.lastRun - p.historyLength - reach;
  const combos: ScanState['combos'] = [];
  for (const e of p.tracker.entries()) {
    const clusters = e.clusters
      .filter((c) => c.last >= comboHorizon)
      .map((c) => ({ first: c.first, last: c.last, event: c.payload }));
    if (clusters.length > 0) combos.push({ values: e.values, clusters });
  }
  return {
    format: STATE_FORMAT,
    version: STATE_VERSION,
    identity: p.identity,
    ruleCreatedAt: formatTime(p.ruleCreatedAt),
    lastRunTime: p.lastRun === null ? null : formatTime(p.lastRun),
    emitted: [...p.emittedTimes].filter(([, t]) => t >= idHorizon).map(([id, time]) => ({ id, time })),
    combos,
    matchSpans: p.matchSpans.filter((s) => s.last >= idHorizon).map((s) => [s.first, s.last] as [number, number]),
    totals: p.totals,
  };
}
