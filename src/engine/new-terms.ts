/**
 * The new_terms tracker: per combination of the rule's new-terms field values, when it occurred, and
 * which tuples of a schedule find it new (Kibana: security_solution `rule_types/new_terms/`).
 *
 * A combination is new in a tuple [from, to] with history start H iff its earliest occurrence in
 * [H, to] is strictly after `from`; that earliest occurrence is the alert's source event (ties on
 * time go to the event earlier in input order).
 *
 * Memory: per combination, one cluster per stretch of occurrences whose consecutive gaps are at most
 * `mergeGap` = min over windows of (from − H) (14d − 9m for this rule): an occurrence that close to
 * the previous one can never be new again, so a cluster keeps only its first occurrence (time and
 * event) and its last time. Bound: combinations × (1 + span of the data / mergeGap) clusters, i.e.
 * at most 27 per combination for a year of data, whatever the number of events or their order.
 */
import { compareKeywords } from '../ecs/keyword-order.js';
import { fieldVisitor, getKeywordTerms } from '../ecs/fields.js';
import type { TermCodec, TermValue } from '../ecs/typed-terms.js';
import { insertPoint, type Cluster } from './clusters.js';
import type { Schedule, Tuple } from './schedule.js';
import { tupleKey } from './schedule.js';

/**
 * Per new-terms field, how its doc values are read, keyed and ordered (ecs/typed-terms.ts, from the
 * field's mapping). Without codecs every field is a keyword with ignore_above 1024.
 */
export type TermCodecs = readonly TermCodec[];

/** Distinct doc values of a field as its codec reads them, in first-seen order. */
export function distinctTerms(doc: unknown, field: string, codec: TermCodec | undefined): string[] {
  if (codec === undefined) return getKeywordTerms(doc, field);
  const seen = new Set<string>();
  fieldVisitor(field)(doc, (v) => {
    const t = codec.term(v);
    if (t !== undefined) seen.add(t);
    return false;
  });
  return [...seen];
}

/** The cartesian product of the distinct terms of each field, fields in rule order. */
export function combinationsOf(doc: unknown, fields: readonly string[], codecs?: TermCodecs): string[][] {
  let out: string[][] = [[]];
  for (let i = 0; i < fields.length; i++) {
    const terms = distinctTerms(doc, fields[i]!, codecs?.[i]);
    if (terms.length === 0) return [];
    const next: string[][] = [];
    for (const prefix of out) for (const t of terms) next.push([...prefix, t]);
    out = next;
  }
  return out;
}

/**
 * Composite-aggregation key order: field by field, each in its type's order (keywords by UTF-8
 * bytes, numbers numerically, ip by address, false < true).
 */
export function compareTerms(a: readonly string[], b: readonly string[], codecs?: TermCodecs): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const codec = codecs?.[i];
    const c = codec ? codec.compare(a[i]!, b[i]!) : compareKeywords(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

/** The combination as the composite aggregation's bucket key holds it: JSON values of each field's type. */
export function typedTerms(values: readonly string[], codecs?: TermCodecs): TermValue[] {
  return values.map((v, i) => codecs?.[i]?.value(v) ?? v);
}

export interface ComboEntry<E> {
  values: string[];
  clusters: Cluster<E>[];
}

export class NewTermsTracker<E> {
  private readonly combos = new Map<string, ComboEntry<E>>();

  constructor(
    readonly fields: readonly string[],
    /** Occurrences at most this far apart can never both be new: see the module comment. */
    readonly mergeGap: number,
    readonly codecs?: TermCodecs,
  ) {}

  /** Records one matching event at time `t`; returns how many combinations it has. */
  add(doc: unknown, t: number, event: E): number {
    const combos = combinationsOf(doc, this.fields, this.codecs);
    for (const values of combos) this.addCombination(values, t, event);
    return combos.length;
  }

  addCombination(values: string[], t: number, event: E): void {
    const key = JSON.stringify(values);
    let entry = this.combos.get(key);
    if (!entry) {
      entry = { values, clusters: [] };
      this.combos.set(key, entry);
    }
    insertPoint(entry.clusters, t, event, this.mergeGap);
  }

  /** Restores a combination's clusters (from a state file); later `add`s merge into them. */
  restore(values: string[], clusters: Cluster<E>[]): void {
    const key = JSON.stringify(values);
    // Clusters are taken as they are: a cluster's first and last may be further apart than the gap
    // (its inner points were not kept), so re-inserting the two ends would split it.
    const sorted = [...clusters].sort((a, b) => a.first - b.first).map((c) => ({ ...c }));
    this.combos.set(key, { values, clusters: sorted });
  }

  get size(): number {
    return this.combos.size;
  }

  entries(): IterableIterator<ComboEntry<E>> {
    return this.combos.values();
  }
}

export interface NewTermsCandidate<E> {
  values: string[];
  /** Time of the source event (the combination's earliest occurrence in the tuple's history). */
  time: number;
  event: E;
}

export interface TupleCandidates<C> {
  tuple: Tuple;
  candidates: C[];
}

/**
 * Groups every (combination, cluster start) by the tuples that find it new: tuples with
 * from < start <= to whose history start lies after the previous cluster's last occurrence.
 * Cost is proportional to the clusters, not to the number of runs.
 */
export function newTermsCandidates<E>(
  tracker: NewTermsTracker<E>,
  schedule: Schedule,
  historyStartOf: (to: number) => number,
): Map<number, TupleCandidates<NewTermsCandidate<E>>> {
  const byTuple = new Map<number, TupleCandidates<NewTermsCandidate<E>>>();
  for (const entry of tracker.entries()) {
    const cs = entry.clusters;
    for (let i = 0; i < cs.length; i++) {
      const c = cs[i]!;
      const prevLast = i > 0 ? cs[i - 1]!.last : Number.NEGATIVE_INFINITY;
      schedule.forEachTupleIntersecting(c.first, c.first, (tuple) => {
        if (!(tuple.from < c.first && c.first <= tuple.to)) return;
        const h = historyStartOf(tuple.to);
        if (!(h > prevLast && h <= c.first)) return;
        const key = tupleKey(tuple);
        let group = byTuple.get(key);
        if (!group) {
          group = { tuple, candidates: [] };
          byTuple.set(key, group);
        }
        group.candidates.push({ values: entry.values, time: c.first, event: c.payload });
      });
    }
  }
  return byTuple;
}
