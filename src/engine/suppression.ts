/**
 * Writing alerts with suppression, as rule_registry's `alertWithSuppression` does
 * (rule_registry/server/utils/create_persistence_rule_type_wrapper.ts, read at the 8.x
 * x-pack/plugins and the 9.x x-pack/platform paths), on the alerts index simulated by
 * the latest suppressible alert per instance id. Pure: candidates of one bulk call plus the prior
 * state in; the alerts created, the alerts updated and the records that change the state out (the
 * caller applies them: copying the whole state per call would cost the size of the state per tuple).
 *
 * Steps, in Kibana's order:
 * 1. candidates whose id is already in the index are dropped (filterDuplicateAlerts);
 * 2. for each instance id, the open alert with the latest `kibana.alert.start` at or after the
 *    window start (`now-<duration>` with now = the run's start, or the tuple's `from` for new_terms
 *    per execution) is the *existing* alert;
 * 3. a candidate whose existing alert comes from another execution and already ends at or after the
 *    candidate's `suppression.end` is dropped: those events were counted before;
 * 4. the rest are suppressed in memory (suppressAlertsInMemory): sorted by `suppression.start`, the
 *    first of each instance id kept with `docs_count` the sum of the others' (docs_count + 1) and
 *    `end` the latest end;
 * 5. a kept candidate with an existing alert (per execution only: one written by this execution)
 *    updates it: `docs_count += candidate.docs_count + 1`, `end` moved later if later, `start` moved
 *    earlier only within the same execution, `last_detected` = now; the others are created, at most
 *    `maxAlerts` of them (the surplus dropped: truncated).
 */
import type { SuppressionTerm } from './suppression-terms.js';

/** An alert in the simulated index that later candidates can be suppressed into. */
export interface SuppressedAlertRecord {
  id: string;
  instanceId: string;
  /** `kibana.alert.start`: the start of the run that created it, epoch ms. */
  created: number;
  /** `kibana.alert.suppression.start` / `.end`, epoch ms. */
  start: number;
  end: number;
  docsCount: number;
  /** `kibana.alert.rule.execution.uuid` of the run that created it. */
  execution: string;
  /** `kibana.alert.last_detected`, epoch ms. */
  lastDetected: number;
}

/** A candidate alert carrying suppression fields (what wrapSuppressedAlerts / wrapSuppressedNewTermsAlerts build). */
export interface SuppressionCandidate<C> {
  candidate: C;
  id: string;
  instanceId: string;
  terms: SuppressionTerm[];
  start: number;
  end: number;
  docsCount: number;
}

export interface PersistParams {
  /** Start of the run (Kibana's `now`): `kibana.alert.start` of created alerts, `last_detected` of updated ones. */
  runTime: number;
  execution: string;
  /** Existing alerts count from this time on (`kibana.alert.start >= windowStart`). */
  windowStart: number;
  /** new_terms without duration: only alerts of this execution are updated. */
  perExecutionOnly: boolean;
  /** At most this many alerts created (undefined: no cap). */
  maxAlerts?: number;
}

/**
 * What became of one candidate: `created` (its own alert), `into` (counted in the alert `id`: merged
 * in memory, into an existing alert, or already counted by it), `duplicate` (its id was already
 * written), `truncated` (left out by maxAlerts).
 */
export type CandidateOutcome = { kind: 'created' | 'into' | 'duplicate' | 'truncated'; id: string };

export interface PersistOutcome<C> {
  /** Per candidate (same order as given), what became of it. */
  outcomes: CandidateOutcome[];
  /** Created, in write order, with their final docs_count/end after in-memory suppression. */
  created: SuppressionCandidate<C>[];
  /** Existing alerts changed by this call (the records after the update). */
  updated: SuppressedAlertRecord[];
  /** Kibana's `suppressedAlerts`: candidates counted into another candidate or into an existing alert. */
  suppressed: number;
  /** Candidates dropped because their existing alert already covers their end (counted before). */
  alreadyCounted: number;
  /** Kept candidates left out by maxAlerts. */
  truncated: number;
  /** The records to set (by instance id) for the state after this call: the updated and the created alerts. */
  changes: SuppressedAlertRecord[];
}

export function persistWithSuppression<C>(
  candidates: readonly SuppressionCandidate<C>[],
  prior: ReadonlyMap<string, SuppressedAlertRecord>,
  writtenIds: ReadonlySet<string>,
  p: PersistParams,
): PersistOutcome<C> {
  const changes: SuppressedAlertRecord[] = [];
  const outcomeOf = new Map<SuppressionCandidate<C>, CandidateOutcome>();
  for (const c of candidates) if (writtenIds.has(c.id)) outcomeOf.set(c, { kind: 'duplicate', id: c.id });
  const fresh = candidates.filter((c) => !writtenIds.has(c.id));
  const existingOf = (c: SuppressionCandidate<C>): SuppressedAlertRecord | undefined => {
    const e = prior.get(c.instanceId);
    return e !== undefined && e.created >= p.windowStart ? e : undefined;
  };
  const notCounted = fresh.filter((c) => {
    const e = existingOf(c);
    const counts = e === undefined || e.execution === p.execution || !(e.end >= c.end);
    if (!counts) outcomeOf.set(c, { kind: 'into', id: e.id });
    return counts;
  });
  const alreadyCounted = fresh.length - notCounted.length;
  let suppressed = 0;

  // suppressAlertsInMemory: lodash sortBy is stable.
  const byStart = notCounted.map((c, i) => ({ c, i })).sort((a, b) => a.c.start - b.c.start || a.i - b.i);
  const kept = new Map<string, SuppressionCandidate<C>>();
  /** The kept (merged) copy of each candidate's instance, and the original behind each kept copy. */
  const mergedInto = new Map<SuppressionCandidate<C>, SuppressionCandidate<C>>();
  const originalOf = new Map<SuppressionCandidate<C>, SuppressionCandidate<C>>();
  for (const { c } of byStart) {
    const k = kept.get(c.instanceId);
    if (k === undefined) {
      const copy = { ...c };
      kept.set(c.instanceId, copy);
      originalOf.set(copy, c);
      continue;
    }
    mergedInto.set(c, k);
    k.docsCount += c.docsCount + 1;
    if (c.end > k.end) k.end = c.end;
    suppressed++;
  }

  const updated: SuppressedAlertRecord[] = [];
  const toCreate: SuppressionCandidate<C>[] = [];
  for (const c of kept.values()) {
    const e = existingOf(c);
    const isUpdate = e !== undefined && (p.perExecutionOnly ? e.execution === p.execution : true);
    if (!isUpdate) {
      toCreate.push(c);
      continue;
    }
    outcomeOf.set(originalOf.get(c)!, { kind: 'into', id: e.id });
    const next: SuppressedAlertRecord = {
      ...e,
      docsCount: e.docsCount + c.docsCount + 1,
      end: e.end >= c.end ? e.end : c.end,
      start: e.execution === p.execution && e.start >= c.start ? c.start : e.start,
      lastDetected: p.runTime,
    };
    changes.push(next);
    updated.push(next);
    suppressed++;
  }

  const cap = p.maxAlerts ?? Number.POSITIVE_INFINITY;
  const created = toCreate.slice(0, Math.max(0, cap));
  for (const c of toCreate) outcomeOf.set(originalOf.get(c)!, { kind: created.includes(c) ? 'created' : 'truncated', id: c.id });
  // A candidate merged in memory shares the fate of the one it was merged into.
  for (const [c, k] of mergedInto) {
    const o = outcomeOf.get(originalOf.get(k)!)!;
    outcomeOf.set(c, o.kind === 'created' || o.kind === 'into' ? { kind: 'into', id: o.id } : { kind: 'truncated', id: c.id });
  }
  for (const c of created) {
    changes.push({
      id: c.id,
      instanceId: c.instanceId,
      created: p.runTime,
      start: c.start,
      end: c.end,
      docsCount: c.docsCount,
      execution: p.execution,
      lastDetected: p.runTime,
    });
  }
  return { outcomes: candidates.map((c) => outcomeOf.get(c)!), created, updated, suppressed, alreadyCounted, truncated: toCreate.length - created.length, changes };
}
