/**
 * What one tuple writes (alertWithPersistence in rule_registry's create_persistence_rule_type_wrapper):
 * candidates in the rule type's order, those whose id is already in the alerts index dropped first,
 * then at most max_signals kept; when a further non-duplicate candidate remains the tuple is
 * truncated and Kibana warns (exactly max_signals is not a warning).
 */
import type { Tuple } from './schedule.js';

export const MAX_SIGNALS_WARNING =
  'This rule reached the maximum alert limit for the rule execution. Some alerts were not created.';

export interface Selected<C> {
  candidate: C;
  id: string;
}

export interface TupleOutcome<C> {
  tuple: Tuple;
  created: Selected<C>[];
  /** Non-duplicate candidates left out by max_signals. */
  dropped: Selected<C>[];
}

export function selectForTuple<C>(
  tuple: Tuple,
  candidates: readonly C[],
  order: (a: C, b: C) => number,
  idOf: (c: C) => string,
  emitted: Set<string>,
  maxSignals: number,
): TupleOutcome<C> {
  const sorted = [...candidates].sort(order);
  const fresh: Selected<C>[] = [];
  const seen = new Set<string>();
  for (const candidate of sorted) {
    const id = idOf(candidate);
    // A repeated id within the batch is one Elasticsearch document (the bulk create gets a conflict).
    if (emitted.has(id) || seen.has(id)) continue;
    seen.add(id);
    fresh.push({ candidate, id });
  }
  const created = fresh.slice(0, maxSignals);
  for (const s of created) emitted.add(s.id);
  return { tuple, created, dropped: fresh.slice(maxSignals) };
}
