/**
 * Deciding the tuples (one run's search windows) in execution order, per mode: which candidates each
 * tuple has, which of them become alerts (select.ts: duplicates of ids already written dropped, then
 * at most max_signals), and what max_signals cut off (Kibana's warning once per run; for new_terms the
 * combinations lost). Alert documents are built as they are created.
 *
 *   new_terms: candidates are the first occurrences of combinations new in a tuple (new-terms.ts),
 *              ordered by their values as the composite aggregation pages them;
 *   query:     candidates are the matching events inside a tuple's window, in Elasticsearch's hit
 *              order (timestamp ascending, missing last, then input order).
 */
import { createHash } from 'node:crypto';
import { formatTime } from '../ecs/time.js';
import { executionUuid, type AlertContext, type AlertDocument } from './alert.js';
import { eventIdentity, newTermsAlertId, queryAlertId, type EventIdentity } from './alert-id.js';
import { evalDateMath } from './datemath.js';
import { compareTerms, newTermsCandidates, typedTerms, type NewTermsCandidate, type TermCodecs, type TupleCandidates } from './new-terms.js';
import type { ScanConfig } from './scan-config.js';
import type { QueryCandidate, ScanIntake } from './scan-intake.js';
import { observeTuple, type ScanObserver } from './scan-observer.js';
import { tupleKey, type RunMessage, type Schedule, type Tuple } from './schedule.js';
import { MAX_SIGNALS_WARNING, selectForTuple, type TupleOutcome } from './select.js';
import type { StoredEvent } from './state.js';
import { decideSuppressedNewTermsTuple, decideSuppressedQueryTuple, SuppressionLedger, type AlertSink, type SuppressionScope } from './suppression-run.js';

/** A new combination no alert was written for because max_signals cut off every run that found it. */
export interface LostDetection {
  newTerms: string[];
  /** Time of the combination's first occurrence that would have been alerted. */
  firstSeen: string;
  /** Runs (start times) whose max_signals cut it off. */
  truncatedIn: string[];
}

export interface TupleDecisions {
  alerts: AlertDocument[];
  /** Kibana's max-signals warning, once per truncated run. */
  warnings: RunMessage[];
  truncatedRuns: number;
  tuplesWithCandidates: number;
  lostDetections: LostDetection[];
  /** The rule's alert suppression state after these tuples (undefined without alert_suppression). */
  suppression?: SuppressionLedger;
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

/** Composite-key order of the candidates, by each field's type. */
const newTermsOrder =
  (codecs: TermCodecs | undefined) =>
  (a: NewTermsCandidate<StoredEvent>, b: NewTermsCandidate<StoredEvent>): number =>
    compareTerms(a.values, b.values, codecs);

/** Writes alerts: the documents, the time of each id written (dedup bookkeeping), truncated runs. */
class AlertWriter implements AlertSink {
  readonly alerts: AlertDocument[] = [];
  readonly warnings: RunMessage[] = [];
  readonly truncatedRuns = new Set<number>();
  private readonly execUuids = new Map<number, string>();
  private readonly identities = new WeakMap<StoredEvent, EventIdentity>();

  constructor(
    private readonly cfg: ScanConfig,
    private readonly ctx: AlertContext,
    /** Ids already written, with their source's time; created ids are added. */
    readonly emittedTimes: Map<string, number>,
  ) {}

  identityOf(e: StoredEvent): EventIdentity {
    let id = this.identities.get(e);
    if (!id) {
      id = eventIdentity(e);
      this.identities.set(e, id);
    }
    return id;
  }

  create(tuple: Tuple, id: string, candidate: { event: StoredEvent; time: number }, newTerms?: string[], extra?: Record<string, unknown>): AlertDocument {
    this.emittedTimes.set(id, candidate.time);
    const doc = this.cfg.buildAlert(this.ctx, {
      source: candidate.event.source,
      identity: this.identityOf(candidate.event),
      alertUuid: id,
      runTime: tuple.runTime,
      executionUuid: this.executionOf(tuple),
      ...(newTerms !== undefined && { newTerms: typedTerms(newTerms, this.cfg.termCodecs) }),
    });
    if (extra !== undefined) Object.assign(doc, extra);
    this.alerts.push(doc);
    return doc;
  }

  truncated(t: Tuple, message: string = MAX_SIGNALS_WARNING): void {
    if (this.truncatedRuns.has(t.run)) return;
    this.truncatedRuns.add(t.run);
    this.warnings.push({ run: formatTime(t.runTime), message });
  }

  executionOf(t: Tuple): string {
    let u = this.execUuids.get(t.run);
    if (!u) {
      const { space, ruleUuid } = this.cfg;
      u = executionUuid(createHash('sha1').update(`${space}:${ruleUuid}:${formatTime(t.runTime)}`).digest('hex'));
      this.execUuids.set(t.run, u);
    }
    return u;
  }
}

function suppressionScope(cfg: ScanConfig): SuppressionScope | undefined {
  if (!cfg.suppression) return undefined;
  const fixed = cfg.toOffset !== undefined && cfg.windowLength > 0;
  const windowReach = fixed ? cfg.windowLength + Math.abs(cfg.toOffset!) + 4 * cfg.interval : Number.POSITIVE_INFINITY;
  const alertReach = Math.max(windowReach, cfg.suppression.durationMs ?? 0);
  return { space: cfg.space, ruleUuid: cfg.ruleUuid, maxSignals: cfg.rule.max_signals, sup: cfg.suppression, alertReach };
}

function inKeyOrder<G>(groups: Map<number, G>): G[] {
  return [...groups.keys()].sort((a, b) => a - b).map((k) => groups.get(k)!);
}

/** new_terms: returns the combinations max_signals cut off and no later tuple alerted. */
function decideNewTerms(cfg: ScanConfig, intake: ScanIntake, schedule: Schedule, w: AlertWriter, emitted: Set<string>, observer?: ScanObserver, ledger?: SuppressionLedger): { tuples: number; lost: LostDetection[] } {
  const history = cfg.history!;
  const groups = newTermsCandidates(intake.tracker, schedule, (to) => evalDateMath(history, to));
  const idOf = (c: NewTermsCandidate<StoredEvent>): string => {
    const i = w.identityOf(c.event);
    return newTermsAlertId(i.index, i.id, cfg.space, cfg.ruleUuid, typedTerms(c.values, cfg.termCodecs));
  };
  const lost = new Map<string, { values: string[]; time: number; runs: string[] }>();
  const suppression = suppressionScope(cfg);
  for (const g of inKeyOrder(groups)) {
    if (suppression && ledger) {
      const scope = { ...suppression, ...(observer && { observer }) };
      decideSuppressedNewTermsTuple({ scope, ledger, tuple: g.tuple, candidates: [...g.candidates].sort(newTermsOrder(cfg.termCodecs)), sink: w, emitted, idOf });
      continue;
    }
    const out: TupleOutcome<NewTermsCandidate<StoredEvent>> = selectForTuple(g.tuple, g.candidates, newTermsOrder(cfg.termCodecs), idOf, emitted, cfg.rule.max_signals);
    if (observer) observeTuple(observer, out, g.candidates, idOf);
    for (const s of out.created) {
      w.create(g.tuple, s.id, s.candidate, s.candidate.values);
      lost.delete(s.id);
    }
    if (out.dropped.length === 0) continue;
    w.truncated(g.tuple);
    const run = formatTime(g.tuple.runTime);
    for (const d of out.dropped) {
      const entry = lost.get(d.id) ?? { values: d.candidate.values, time: d.candidate.time, runs: [] };
      if (!entry.runs.includes(run)) entry.runs.push(run);
      lost.set(d.id, entry);
    }
  }
  const lostDetections = [...lost.values()]
    .sort((a, b) => compareTerms(a.values, b.values, cfg.termCodecs) || a.time - b.time)
    .map((l) => ({ newTerms: l.values, firstSeen: formatTime(l.time), truncatedIn: l.runs }));
  return { tuples: groups.size, lost: lostDetections };
}

function decideQuery(cfg: ScanConfig, intake: ScanIntake, schedule: Schedule, w: AlertWriter, emitted: Set<string>, observer?: ScanObserver, ledger?: SuppressionLedger): number {
  const groups = new Map<number, TupleCandidates<QueryCandidate>>();
  for (const q of intake.queryEvents) {
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
    const i = w.identityOf(c.event);
    return queryAlertId(i.index, i.id, cfg.space, cfg.ruleUuid);
  };
  const suppression = suppressionScope(cfg);
  for (const g of inKeyOrder(groups)) {
    if (suppression && ledger) {
      const scope = { ...suppression, ...(observer && { observer }) };
      decideSuppressedQueryTuple({ scope, ledger, tuple: g.tuple, candidates: [...g.candidates].sort(compareQueryCandidates), sink: w, emitted, idOf });
      continue;
    }
    const out = selectForTuple(g.tuple, g.candidates, compareQueryCandidates, idOf, emitted, cfg.rule.max_signals);
    if (observer) observeTuple(observer, out, g.candidates, idOf);
    for (const s of out.created) w.create(g.tuple, s.id, s.candidate);
    if (out.dropped.length > 0) w.truncated(g.tuple);
  }
  return groups.size;
}

/**
 * Decides every tuple of `schedule` in execution order. `emittedTimes` holds the ids written by
 * earlier invocations (from the state) and receives the ids created here.
 */
export function decideTuples(
  cfg: ScanConfig,
  intake: ScanIntake,
  schedule: Schedule,
  ctx: AlertContext,
  emittedTimes: Map<string, number>,
  observer?: ScanObserver,
): TupleDecisions {
  // Duplicates are judged against what was written before this invocation and by earlier tuples:
  // selectForTuple adds each created id to this set.
  const emitted = new Set(emittedTimes.keys());
  const w = new AlertWriter(cfg, ctx, emittedTimes);
  const ledger = cfg.suppression ? new SuppressionLedger(cfg.loaded?.state.suppression) : undefined;
  let tuples: number;
  let lostDetections: LostDetection[] = [];
  if (cfg.mode === 'new_terms') {
    const r = decideNewTerms(cfg, intake, schedule, w, emitted, observer, ledger);
    tuples = r.tuples;
    lostDetections = r.lost;
  } else {
    tuples = decideQuery(cfg, intake, schedule, w, emitted, observer, ledger);
  }
  return { alerts: w.alerts, warnings: w.warnings, truncatedRuns: w.truncatedRuns.size, tuplesWithCandidates: tuples, lostDetections, ...(ledger && { suppression: ledger }) };
}
