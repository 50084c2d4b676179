/**
 * A sorted set of points in time kept as clusters: points no more than `gap` apart share a cluster,
 * which remembers only its first point (with a payload: the first event seen at that time) and its
 * last point. Out-of-order insertion extends, creates or merges clusters.
 *
 * Used twice: per new_terms combination (gap = the smallest `from − historyStart` of any window: an
 * occurrence that close to the previous one can never be new, so only cluster starts can alert) and
 * for all matching events (gap = window length: a window meets a cluster iff it holds an event).
 */
export interface Cluster<P> {
  first: number;
  last: number;
  payload: P;
}

/** Index of the last cluster whose first point is <= t, or -1. */
function floorIndex<P>(cs: readonly Cluster<P>[], t: number): number {
  let lo = 0;
  let hi = cs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cs[mid]!.first <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/**
 * Inserts point `t` carrying `payload`. On a tie with an existing cluster start the existing payload
 * stays (it was seen earlier in input order). Returns true when `t` became a cluster start.
 */
export function insertPoint<P>(cs: Cluster<P>[], t: number, payload: P, gap: number): boolean {
  const i = floorIndex(cs, t);
  const prev = i >= 0 ? cs[i]! : undefined;
  const next = cs[i + 1];
  if (prev && t <= prev.last) return false;
  if (prev && t - prev.last <= gap) {
    prev.last = t;
    if (next && next.first - t <= gap) {
      prev.last = next.last;
      cs.splice(i + 1, 1);
    }
    return false;
  }
  if (next && next.first - t <= gap) {
    next.first = t;
    next.payload = payload;
    return true;
  }
  cs.splice(i + 1, 0, { first: t, last: t, payload });
  return true;
}
