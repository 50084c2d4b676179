/**
 * `--since` / `--until`: which events take part at all, by their event time (the rule's
 * timestamp_override with its fallback, as the engine reads it). An event outside the bounds is
 * neither a candidate nor history, as if it were not in the input; that is different from
 * `--start`/`--end`, which set when the simulated rule runs and leave every event in the history.
 * Events without a usable time are left to the engine, which reports them.
 */
import { eventTimeOf, type TimestampFields } from '../ecs/time.js';

export interface TimeBounds {
  /** Inclusive lower bound, epoch ms. */
  since?: number;
  /** Inclusive upper bound, epoch ms. */
  until?: number;
}

/** Whether an event's time lies within the bounds (true when it has no usable time). */
export function createTimeFilter(bounds: TimeBounds, fields: TimestampFields): (source: Record<string, unknown>) => boolean {
  const { since, until } = bounds;
  return (source) => {
    const t = eventTimeOf(source, fields);
    if (!t.ok) return true;
    return (since === undefined || t.ms >= since) && (until === undefined || t.ms <= until);
  };
}
