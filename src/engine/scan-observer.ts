/**
 * The scan's observer hook: every tuple's decision and the schedule, for modules that explain the
 * engine's choices per event (fate.ts) without the engine knowing them.
 */
import type { Schedule, Tuple } from './schedule.js';
import type { TupleOutcome } from './select.js';
import type { StoredEvent } from './state.js';

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
  /** Alert suppression: counted in the alert `into` (its docs_count) instead of an alert of their own. */
  suppressed?: Array<ObservedCandidate & { into: string }>;
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
export function observeTuple<C extends { event: StoredEvent; time: number; values?: string[] }>(
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
