/**
 * One tuple of a query rule with alert suppression, as groupAndBulkCreate groups it
 * (security_solution rule_types/query/alert_suppression/group_and_bulk_create.ts and
 * build_group_by_field_aggregation.ts, read at the 8.x x-pack/plugins and the 9.x
 * x-pack/solutions paths; the same logic in both). Pure.
 *
 * - The bucket history (rule state `suppressionGroupHistory`: each bucket of earlier tuples with the
 *   latest event time it held) is first cut to the buckets ending after the tuple's `from`; an event
 *   of a remembered bucket (every key term held, or the field absent where the key is null) at or
 *   before that bucket's end is excluded from the search (buildBucketHistoryFilter), so overlapping
 *   windows do not count an event twice.
 * - The rest are grouped by a composite aggregation (size max_signals + 1, keys in each field's
 *   order, the null key last): per bucket its event count, its earliest event (top_hits size 1 by the
 *   timestamp ascending) and its earliest and latest event time.
 * - With `doNotSuppress`, events missing a group_by field are in no bucket; they are alerted one by
 *   one as an unsuppressed query rule would (bulkCreateUnsuppressedAlerts), at most
 *   max_signals − buckets of them, and only when that is positive.
 * - Every bucket becomes a candidate alert (docs_count = count − 1, suppression start/end = the
 *   bucket's min/max time): all of the up to max_signals + 1 buckets: groupAndBulkCreate wraps them
 *   all and neither bulk path caps them (Kibana warns when buckets exceed max_signals).
 * - The buckets, with their latest time, are added to the history.
 */
import { compareKeywords } from '../ecs/keyword-order.js';
import type { TermCodecs } from './new-terms.js';

/** A bucket of an earlier tuple: its key (term text per field, null = field missing) and its latest event time. */
export interface BucketHistoryEntry {
  key: (string | null)[];
  end: number;
}

/** A matching event of the tuple with its distinct terms per group_by field. */
export interface GroupableEvent<C> {
  candidate: C;
  time: number;
  /** Per group_by field, the event's distinct terms (empty: the field is missing). */
  fieldTerms: string[][];
}

export interface QueryBucket<C> {
  key: (string | null)[];
  count: number;
  /** The earliest event (ties: the first in hit order). */
  top: C;
  /** Every event of the bucket, in hit order. */
  members: C[];
  min: number;
  max: number;
}

export interface GroupedTuple<C> {
  /** Buckets past the max_signals + 1 page: never fetched, their events never alerted here. */
  unfetched: QueryBucket<C>[];
  /** In composite-key order, at most max_signals + 1. */
  buckets: QueryBucket<C>[];
  /** More buckets than max_signals: Kibana's max-signals warning. */
  overMax: boolean;
  /** doNotSuppress: events with a missing group_by field, in hit order (not yet capped). */
  unsuppressible: C[];
  /** How many of them may be alerted (max_signals − buckets; 0 when not positive). */
  unsuppressibleLimit: number;
  /** The history after this tuple. */
  history: BucketHistoryEntry[];
}

export interface GroupParams {
  from: number;
  maxSignals: number;
  /** `missing_fields_strategy: suppress`: a missing field is the null key. */
  missingBucket: boolean;
  codecs: TermCodecs | undefined;
}

function compareKeys(a: readonly (string | null)[], b: readonly (string | null)[], codecs: TermCodecs | undefined): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? null;
    const y = b[i] ?? null;
    if (x === y) continue;
    if (x === null) return 1;
    if (y === null) return -1;
    const codec = codecs?.[i];
    const c = codec ? codec.compare(x, y) : compareKeywords(x, y);
    if (c !== 0) return c;
  }
  return 0;
}

function keysOf(e: GroupableEvent<unknown>, missingBucket: boolean): (string | null)[][] {
  let out: (string | null)[][] = [[]];
  for (const terms of e.fieldTerms) {
    const options: (string | null)[] = terms.length > 0 ? terms : missingBucket ? [null] : [];
    if (options.length === 0) return [];
    const next: (string | null)[][] = [];
    for (const prefix of out) for (const t of options) next.push([...prefix, t]);
    out = next;
  }
  return out;
}

/** Groups one tuple's matching events (given in Elasticsearch's hit order). */
export function groupQueryTuple<C>(events: readonly GroupableEvent<C>[], prior: readonly BucketHistoryEntry[], p: GroupParams): GroupedTuple<C> {
  const history = prior.filter((b) => b.end > p.from);
  // An event is in a remembered bucket iff that bucket's key is one of its keys with missing fields
  // as null: looked up by key (the latest end per key) rather than tried against every bucket.
  const endByKey = new Map<string, number>();
  for (const b of history) {
    const k = JSON.stringify(b.key);
    endByKey.set(k, Math.max(endByKey.get(k) ?? Number.NEGATIVE_INFINITY, b.end));
  }
  const remembered = (e: GroupableEvent<C>): boolean =>
    endByKey.size > 0 && e.time >= p.from && keysOf(e, true).some((key) => e.time <= (endByKey.get(JSON.stringify(key)) ?? Number.NEGATIVE_INFINITY));
  const searched = events.filter((e) => !remembered(e));

  const byKey = new Map<string, QueryBucket<C>>();
  const unsuppressible: C[] = [];
  // The unsuppressed search (bulkCreateUnsuppressedAlerts) does not apply the bucket history filter.
  if (!p.missingBucket) for (const e of events) if (e.fieldTerms.some((t) => t.length === 0)) unsuppressible.push(e.candidate);
  for (const e of searched) {
    const keys = keysOf(e, p.missingBucket);
    for (const key of keys) {
      const k = JSON.stringify(key);
      const b = byKey.get(k);
      if (!b) {
        byKey.set(k, { key, count: 1, top: e.candidate, members: [e.candidate], min: e.time, max: e.time });
        continue;
      }
      b.count++;
      b.members.push(e.candidate);
      if (e.time < b.min) {
        b.min = e.time;
        b.top = e.candidate;
      }
      if (e.time > b.max) b.max = e.time;
    }
  }
  const all = [...byKey.values()].sort((a, b) => compareKeys(a.key, b.key, p.codecs));
  const buckets = all.slice(0, p.maxSignals + 1);
  return {
    unfetched: all.slice(p.maxSignals + 1),
    buckets,
    overMax: buckets.length > p.maxSignals,
    unsuppressible,
    unsuppressibleLimit: Math.max(0, p.maxSignals - buckets.length),
    history: [...history, ...buckets.map((b) => ({ key: b.key, end: b.max }))],
  };
}
