/**
 * Alert suppression in the run loop: the tuples of a query or new_terms rule with `alert_suppression`
 * decided as Kibana decides them (the grouping in suppression-query.ts, the writes in suppression.ts),
 * and the ledger that carries the suppression state from tuple to tuple, run to run, and through
 * `--state` from one invocation to the next.
 *
 * new_terms (security_solution rule_types/new_terms/create_new_terms_alert_type.ts,
 * bulk_create_suppressed_alerts_in_memory.ts → utils/bulk_create_suppressed_alerts_in_memory.ts
 * executeBulkCreateAlerts): a tuple's new-term events, in composite order, in chunks of
 * 5 × max_signals; per chunk, with `doNotSuppress`, events missing a group_by field are written as
 * plain new_terms alerts (at most max_signals − created); the others carry suppression fields
 * (start = end = the event's time, docs_count 0) and go through alertWithSuppression with the window
 * `now-<duration>`, or per execution the tuple's `from`, and at most max_signals − created new
 * alerts. The tuple stops, with Kibana's suppression max-signals warning, once created + suppressed
 * reaches 5 × max_signals or created reaches max_signals (even exactly: Kibana warns then too).
 */
import type { Rule } from '../rule/schema.js';
import { suppressesMissingFields, suppressionDurationMs } from '../rule/alert-suppression.js';
import { formatTime } from '../ecs/time.js';
import type { FieldTypes } from '../ecs/field-types.js';
import type { AlertDocument } from './alert.js';
import type { EventIdentity } from './alert-id.js';
import { distinctTerms, type TermCodecs } from './new-terms.js';
import { newTermsCodecs } from './new-terms-codecs.js';
import type { Tuple } from './schedule.js';
import type { StoredEvent } from './state.js';
import type { ObservedCandidate, ScanObserver, TupleObservation } from './scan-observer.js';
import { persistWithSuppression, type CandidateOutcome, type SuppressedAlertRecord, type SuppressionCandidate } from './suppression.js';
import { groupQueryTuple, type BucketHistoryEntry } from './suppression-query.js';
import { bucketTerms, eventTerms, missesAnyField, suppressedQueryAlertId, suppressionInstanceId, type SuppressionTerm } from './suppression-terms.js';

/** getSuppressionMaxSignalsWarning (rule_types/utils/utils.ts). */
export const SUPPRESSION_MAX_SIGNALS_WARNING =
  'This rule reached the maximum alert limit for the rule execution. Some alerts were not created or suppressed.';

/** MAX_SIGNALS_SUPPRESSION_MULTIPLIER (rule_types/constants.ts). */
export const MAX_SIGNALS_SUPPRESSION_MULTIPLIER = 5;

export interface SuppressionConfig {
  groupBy: readonly string[];
  /** Window length in ms; undefined: per rule execution. */
  durationMs: number | undefined;
  /** `suppress` (default): a missing field is a group of its own; `doNotSuppress`: alerted one by one. */
  missingBucket: boolean;
  codecs: TermCodecs | undefined;
}

export function suppressionConfigOf(rule: Rule, fieldTypes: FieldTypes | undefined): SuppressionConfig | undefined {
  const s = rule.alert_suppression;
  if (s === undefined) return undefined;
  return {
    groupBy: s.group_by,
    durationMs: suppressionDurationMs(s),
    missingBucket: suppressesMissingFields(s),
    codecs: newTermsCodecs(s.group_by, fieldTypes),
  };
}

/** What the state file keeps of suppression (see {@link SuppressionLedger.snapshot}). */
export interface SavedSuppression {
  alerts: SuppressedAlertRecord[];
  history: BucketHistoryEntry[];
}

/**
 * The partial document Kibana's bulk `update` writes to an existing alert (create_persistence_rule_type_wrapper.ts:
 * the new bounds, last_detected and docs_count), with the alert's id.
 */
export interface AlertUpdate {
  'kibana.alert.uuid': string;
  'kibana.alert.suppression.docs_count': number;
  'kibana.alert.suppression.start': string;
  'kibana.alert.suppression.end': string;
  'kibana.alert.last_detected': string;
}

export function alertUpdateOf(r: SuppressedAlertRecord): AlertUpdate {
  return {
    'kibana.alert.uuid': r.id,
    'kibana.alert.suppression.docs_count': r.docsCount,
    'kibana.alert.suppression.start': formatTime(r.start),
    'kibana.alert.suppression.end': formatTime(r.end),
    'kibana.alert.last_detected': formatTime(r.lastDetected),
  };
}

/** Suppression state of one invocation: the simulated alerts index's suppressible alerts and the query bucket history. */
export class SuppressionLedger {
  private readonly latest: Map<string, SuppressedAlertRecord>;
  /** Size after the last prune: the next prune waits until the map has doubled (amortised cost). */
  private prunedAt = 0;
  history: BucketHistoryEntry[];
  /** Documents created in this invocation, by alert id: updates are applied to them in place. */
  private readonly docs = new Map<string, AlertDocument>();
  /** Updates to alerts written by an earlier invocation (their documents are not held), by alert id. */
  readonly earlierUpdates = new Map<string, SuppressedAlertRecord>();
  /** docs_count per alert id as last written, to count what each update adds. */
  private readonly docsCounts = new Map<string, number>();
  /** Matching events this invocation's runs counted into an alert's docs_count. */
  private counted = 0;

  constructor(saved?: SavedSuppression) {
    this.latest = new Map((saved?.alerts ?? []).map((a) => [a.instanceId, a]));
    for (const a of saved?.alerts ?? []) this.docsCounts.set(a.id, a.docsCount);
    this.history = saved?.history.map((h) => ({ key: [...h.key], end: h.end })) ?? [];
  }

  /** The latest suppressible alert per instance id. */
  get alerts(): ReadonlyMap<string, SuppressedAlertRecord> {
    return this.latest;
  }

  /** Applies what one bulk write changed (persistWithSuppression's `changes`). */
  apply(changes: readonly SuppressedAlertRecord[]): void {
    for (const r of changes) this.latest.set(r.instanceId, r);
  }

  /**
   * Forgets alerts created before `horizon`, which no later run can find (its window starts after
   * it); only once the map has doubled since the last time, so a long scan keeps it bounded by the
   * alerts of a window at amortised constant cost.
   */
  prune(horizon: number): void {
    if (this.latest.size < 2 * this.prunedAt + 64) return;
    for (const [k, a] of this.latest) if (a.created < horizon) this.latest.delete(k);
    this.prunedAt = this.latest.size;
  }

  /** A created alert's document (updated in place by later runs of this invocation) and its docs_count. */
  track(id: string, doc: AlertDocument, docsCount: number): void {
    this.docs.set(id, doc);
    this.docsCounts.set(id, docsCount);
    this.counted += docsCount;
  }

  /** Matching events this invocation's runs suppressed (counted into an alert's docs_count instead of alerting). */
  get suppressedEvents(): number {
    return this.counted;
  }

  applyUpdate(r: SuppressedAlertRecord): void {
    this.counted += r.docsCount - (this.docsCounts.get(r.id) ?? 0);
    this.docsCounts.set(r.id, r.docsCount);
    const doc = this.docs.get(r.id);
    if (doc === undefined) {
      this.earlierUpdates.set(r.id, r);
      return;
    }
    Object.assign(doc, alertUpdateOf(r));
  }

  /** Updates to earlier invocations' alerts, in the order first updated. */
  updates(): AlertUpdate[] {
    return [...this.earlierUpdates.values()].map(alertUpdateOf);
  }

  /**
   * What a later run can still need: alerts created at or after `alertHorizon` (an existing alert is
   * looked up from `now-<duration>`, or per execution from the tuple's `from`) and buckets ending after
   * `historyHorizon` (a tuple keeps the buckets ending after its `from`).
   */
  snapshot(alertHorizon: number, historyHorizon: number): SavedSuppression {
    return {
      // Sorted, so the file does not depend on which invocation first saw an instance id.
      alerts: [...this.alerts.values()].filter((a) => a.created >= alertHorizon).sort((x, y) => x.created - y.created || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0)),
      history: this.history.filter((h) => h.end > historyHorizon),
    };
  }
}

/** What the run loop's alert writer offers the suppression path (scan-tuples.ts AlertWriter). */
export interface AlertSink {
  identityOf(e: StoredEvent): EventIdentity;
  create(tuple: Tuple, id: string, candidate: { event: StoredEvent; time: number }, newTerms?: string[], extra?: Record<string, unknown>): AlertDocument;
  /** Kibana's max-signals warning for the tuple's run (once per run), with `message` if given. */
  truncated(t: Tuple, message?: string): void;
  executionOf(t: Tuple): string;
}

export interface SuppressionScope {
  space: string;
  ruleUuid: string;
  maxSignals: number;
  sup: SuppressionConfig;
  /**
   * How far before a run's start an existing alert can still be found (its duration, or a window
   * and its catch-up): older ones are pruned. Infinity when the windows are not a fixed offset.
   */
  alertReach: number;
  /** Told what became of every candidate of each tuple (fate.ts). */
  observer?: ScanObserver;
}

type Observable = { event: StoredEvent; time: number; values?: string[] };

/** Collects one tuple's observation for the scan observer. */
class TupleWatch {
  readonly o: Required<TupleObservation>;
  constructor(tuple: Tuple) {
    this.o = { tuple, created: [], dropped: [], duplicates: [], suppressed: [] };
  }
  private seen(c: Observable, id: string): ObservedCandidate {
    return { event: c.event, time: c.time, id, ...(c.values !== undefined && { newTerms: c.values }) };
  }
  created(c: Observable, id: string): void {
    this.o.created.push(this.seen(c, id));
  }
  dropped(c: Observable, id: string): void {
    this.o.dropped.push(this.seen(c, id));
  }
  duplicate(c: Observable, id: string): void {
    this.o.duplicates.push(this.seen(c, id));
  }
  into(c: Observable, id: string): void {
    this.o.suppressed.push({ ...this.seen(c, id), into: id });
  }
  /** A candidate alert standing for `members` (its first, `top`, the alert's source). */
  outcome(o: CandidateOutcome, top: Observable, members: readonly Observable[]): void {
    if (o.kind === 'truncated') {
      for (const m of members) this.dropped(m, o.id);
      return;
    }
    if (o.kind === 'created') this.created(top, o.id);
    else if (o.kind === 'duplicate') this.duplicate(top, o.id);
    for (const m of members) if (o.kind === 'into' || m !== top) this.into(m, o.id);
  }
}

function suppressionFields(c: SuppressionCandidate<unknown>): Record<string, unknown> {
  return {
    'kibana.alert.suppression.terms': c.terms,
    'kibana.alert.suppression.start': formatTime(c.start),
    'kibana.alert.suppression.end': formatTime(c.end),
    'kibana.alert.suppression.docs_count': c.docsCount,
    'kibana.alert.instance.id': c.instanceId,
  };
}

function writeCreated<C extends { event: StoredEvent; time: number }>(
  tuple: Tuple,
  created: readonly SuppressionCandidate<C>[],
  ledger: SuppressionLedger,
  sink: AlertSink,
  emitted: Set<string>,
  newTermsOf?: (c: C) => string[],
): void {
  for (const c of created) {
    emitted.add(c.id);
    const doc = sink.create(tuple, c.id, { event: c.candidate.event, time: c.end }, newTermsOf?.(c.candidate), suppressionFields(c));
    ledger.track(c.id, doc, c.docsCount);
  }
}

/** One tuple to decide with suppression: its candidates, where alerts go, and the state they join. */
export interface SuppressedTuple<C> {
  scope: SuppressionScope;
  ledger: SuppressionLedger;
  tuple: Tuple;
  candidates: readonly C[];
  sink: AlertSink;
  /** Alert ids already written (in this invocation or an earlier one); receives the ids created. */
  emitted: Set<string>;
  /** The candidate's unsuppressed alert id (query: the plain query id; new_terms: its new_terms id). */
  idOf: (c: C) => string;
}

/** A query rule's tuple with suppression (groupAndBulkCreate). `candidates` in Elasticsearch's hit order. */
export function decideSuppressedQueryTuple<C extends { event: StoredEvent; time: number }>(t: SuppressedTuple<C>): void {
  const { scope, ledger, tuple, candidates, sink, emitted, idOf: plainIdOf } = t;
  const { sup } = scope;
  const grouped = groupQueryTuple(
    candidates.map((c) => ({ candidate: c, time: c.time, fieldTerms: sup.groupBy.map((f, i) => distinctTerms(c.event.source, f, sup.codecs?.[i])) })),
    ledger.history,
    { from: tuple.from, maxSignals: scope.maxSignals, missingBucket: sup.missingBucket, codecs: sup.codecs },
  );
  ledger.history = grouped.history;
  const watch = scope.observer && new TupleWatch(tuple);

  // doNotSuppress: searchAfterAndBulkCreate over the events missing a field, its max_signals lowered.
  let written = 0;
  for (const c of grouped.unsuppressible) {
    const id = plainIdOf(c);
    if (emitted.has(id)) {
      watch?.duplicate(c, id);
      continue;
    }
    if (written >= grouped.unsuppressibleLimit) {
      if (grouped.unsuppressibleLimit > 0) sink.truncated(tuple);
      watch?.dropped(c, id);
      continue;
    }
    emitted.add(id);
    sink.create(tuple, id, c);
    watch?.created(c, id);
    written++;
  }
  if (grouped.overMax) sink.truncated(tuple);
  if (watch) for (const b of grouped.unfetched) for (const m of b.members) watch.dropped(m, plainIdOf(m));

  const wrapped: SuppressionCandidate<C>[] = grouped.buckets.map((b) => {
    const terms: SuppressionTerm[] = bucketTerms(sup.groupBy, b.key, sup.codecs);
    const ident = sink.identityOf(b.top.event);
    return {
      candidate: b.top,
      id: suppressedQueryAlertId(ident.index, ident.id, scope.space, scope.ruleUuid, terms, b.min, b.max),
      instanceId: suppressionInstanceId(terms, scope.ruleUuid, scope.space),
      terms,
      start: b.min,
      end: b.max,
      docsCount: b.count - 1,
    };
  });
  let outcomes: CandidateOutcome[];
  if (sup.durationMs === undefined) {
    // Per execution: the plain bulk create (alertWithPersistence), no cap: ids already written are dropped.
    outcomes = wrapped.map((c, i) => ({ kind: !emitted.has(c.id) && wrapped.findIndex((d) => d.id === c.id) === i ? 'created' : 'duplicate', id: c.id }));
    writeCreated(tuple, wrapped.filter((_, i) => outcomes[i]!.kind === 'created'), ledger, sink, emitted);
  } else {
    ledger.prune(tuple.runTime - scope.alertReach);
    const out = persistWithSuppression(wrapped, ledger.alerts, emitted, {
      runTime: tuple.runTime,
      execution: sink.executionOf(tuple),
      windowStart: tuple.runTime - sup.durationMs,
      perExecutionOnly: false,
    });
    outcomes = out.outcomes;
    ledger.apply(out.changes);
    writeCreated(tuple, out.created, ledger, sink, emitted);
    for (const u of out.updated) ledger.applyUpdate(u);
  }
  if (!watch) return;
  grouped.buckets.forEach((b, i) => watch.outcome(outcomes[i]!, b.top, b.members));
  scope.observer!.tuple(watch.o);
}

/** A new_terms rule's tuple with suppression. `candidates` in composite-key order. */
export function decideSuppressedNewTermsTuple<C extends { event: StoredEvent; time: number; values: string[] }>(t: SuppressedTuple<C>): void {
  const { scope, ledger, tuple, candidates, sink, emitted, idOf } = t;
  const { sup, maxSignals } = scope;
  const execution = sink.executionOf(tuple);
  const chunkSize = MAX_SIGNALS_SUPPRESSION_MULTIPLIER * maxSignals;
  let created = 0;
  let suppressed = 0;
  const watch = scope.observer && new TupleWatch(tuple);
  let at = 0;
  for (; at < candidates.length; at += chunkSize) {
    const chunk = candidates.slice(at, at + chunkSize);
    const suppressible = sup.missingBucket ? chunk : chunk.filter((c) => !missesAnyField(c.event.source, sup.groupBy, sup.codecs));
    if (!sup.missingBucket) {
      // Plain alerts for events missing a field: bulkCreate with maxAlerts = max_signals − created.
      const plain = chunk.filter((c) => missesAnyField(c.event.source, sup.groupBy, sup.codecs));
      const seen = new Set<string>();
      const fresh = plain.filter((c) => {
        const id = idOf(c);
        if (emitted.has(id) || seen.has(id)) return false;
        seen.add(id);
        return true;
      });
      const room = Math.max(0, maxSignals - created);
      fresh.forEach((c, i) => {
        const id = idOf(c);
        if (i >= room) {
          watch?.dropped(c, id);
          return;
        }
        emitted.add(id);
        sink.create(tuple, id, c, c.values);
        watch?.created(c, id);
        created++;
      });
      if (watch) for (const c of plain) if (!fresh.includes(c)) watch.duplicate(c, idOf(c));
    }
    const wrapped: SuppressionCandidate<C>[] = suppressible.map((c) => {
      const terms = eventTerms(c.event.source, sup.groupBy, sup.codecs);
      return { candidate: c, id: idOf(c), instanceId: suppressionInstanceId(terms, scope.ruleUuid, scope.space), terms, start: c.time, end: c.time, docsCount: 0 };
    });
    const cap = maxSignals - created;
    ledger.prune(tuple.runTime - scope.alertReach);
    const out = persistWithSuppression(wrapped, ledger.alerts, emitted, {
      runTime: tuple.runTime,
      execution,
      windowStart: sup.durationMs === undefined ? tuple.from : tuple.runTime - sup.durationMs,
      perExecutionOnly: sup.durationMs === undefined,
      // `if (maxAlerts && …)`: a cap of 0 is no cap in alertWithSuppression.
      ...(cap > 0 && { maxAlerts: cap }),
    });
    ledger.apply(out.changes);
    writeCreated(tuple, out.created, ledger, sink, emitted, (c) => c.values);
    for (const u of out.updated) ledger.applyUpdate(u);
    if (watch) wrapped.forEach((w, i) => watch.outcome(out.outcomes[i]!, w.candidate, [w.candidate]));
    created += out.created.length;
    suppressed += out.suppressed;
    if (suppressed + created >= chunkSize || created >= maxSignals) {
      sink.truncated(tuple, SUPPRESSION_MAX_SIGNALS_WARNING);
      at += chunkSize;
      break;
    }
  }
  if (!watch) return;
  for (const c of candidates.slice(at)) watch.dropped(c, idOf(c));
  scope.observer!.tuple(watch.o);
}
