/**
 * Per-event fates by brute force, straight from the spec (KIBANA_SEMANTICS §A.3.3, §A.4, §A.7, §B.2):
 * every run, every tuple, every event; no clusters, no indexes, no observer. The fate module must
 * agree with it event by event, and with the engine's alerts.
 */
import type { SourceEvent } from '../../src/io/types.js';
import { eventIdentity, newTermsAlertId, queryAlertId } from '../../src/engine/alert-id.js';
import { DAY, MIN, RULE_UUID } from './helpers.js';

export const I = 5 * MIN;
export const L = 9 * MIN;
export const W = 14 * DAY;

const iso = (ms: number) => new Date(ms).toISOString();

/** event.ingested when present, else @timestamp (the rule's timestamp override with fallback). */
export function timeOf(e: SourceEvent): number {
  const evt = e.source.event as { ingested?: string };
  return Date.parse(evt.ingested ?? (e.source['@timestamp'] as string));
}

function terms(v: unknown): string[] {
  const list = (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string');
  return [...new Set(list)];
}

export function combos(e: SourceEvent): string[][] {
  const p = e.source.process as { executable?: unknown; parent?: { executable?: unknown } };
  const out: string[][] = [];
  for (const a of terms(p.executable)) for (const b of terms(p.parent?.executable)) out.push([a, b]);
  return out.sort(byteOrder);
}

export function byteOrder(x: string[], y: string[]): number {
  for (let i = 0; i < x.length; i++) {
    const c = Buffer.compare(Buffer.from(x[i]!, 'utf8'), Buffer.from(y[i]!, 'utf8'));
    if (c !== 0) return c;
  }
  return 0;
}

export function tuplesOf(t: number, prev: number | null): Array<[number, number]> {
  const gap = prev === null ? 0 : t - prev - L;
  const catchup = gap > 0 ? Math.min(Math.ceil(gap / I), 4) : 0;
  const out: Array<[number, number]> = [];
  for (let j = catchup; j >= 0; j--) out.push([t - L - j * I, t - j * I]);
  return out;
}

export interface RefWindow {
  run: string;
  from: string;
  to: string;
}

export type RefFate =
  | { kind: 'alerted'; window: RefWindow; alertId: string }
  | { kind: 'already-alerted'; window: RefWindow; alertId: string; bySeq: number }
  | { kind: 'lost'; windows: RefWindow[] }
  | { kind: 'not-new'; window: RefWindow; witnessSeq: number }
  | { kind: 'outside-runs' }
  | { kind: 'no-terms' };

export interface RefEvent {
  fate: RefFate;
  terms: Array<{ values: string[]; fate: RefFate }>;
}

const RANK = ['alerted', 'already-alerted', 'lost', 'not-new', 'outside-runs', 'no-terms'];
const rank = (f: RefFate) => RANK.indexOf(f.kind);

/** Primary (event.ingested, missing last) then secondary (@timestamp) ascending, then input order. */
function querySortKey(e: SourceEvent): [number, number] {
  const evt = e.source.event as { ingested?: string };
  return [evt.ingested === undefined ? Number.POSITIVE_INFINITY : Date.parse(evt.ingested), Date.parse(e.source['@timestamp'] as string)];
}

export function referenceFates(
  events: SourceEvent[],
  runs: number[],
  maxSignals: number,
  mode: 'new_terms' | 'query' = 'new_terms',
): { alerts: Array<[string, string]>; events: RefEvent[] } {
  const emittedBy = new Map<string, number>();
  const alerts: Array<[string, string]> = [];
  /** observed[event][slot] */
  const observed: Array<Array<RefFate | undefined>> = events.map(() => []);
  const slots = events.map((e) => (mode === 'new_terms' ? combos(e) : [[]]));
  const tuples: Array<{ from: number; to: number; run: number }> = [];
  let prev: number | null = null;
  for (const t of runs) {
    for (const [from, to] of tuplesOf(t, prev)) tuples.push({ from, to, run: t });
    prev = t;
  }
  const setFate = (e: number, slot: number, f: RefFate) => {
    const cur = observed[e]![slot];
    if (!cur || rank(f) < rank(cur)) observed[e]![slot] = f;
    else if (cur.kind === 'lost' && f.kind === 'lost') cur.windows.push(...f.windows);
  };

  const times = events.map(timeOf);
  for (const { from, to, run } of tuples) {
    // A window holding no event has no candidate (and most of a 15-day schedule is such windows).
    if (!times.some((T) => T >= from && T <= to)) continue;
    const window = { run: iso(run), from: iso(from), to: iso(to) };
    const H = to - W;
    const cands: Array<{ e: number; slot: number; id: string; values: string[] }> = [];
    if (mode === 'new_terms') {
      const keys = new Map<string, string[]>();
      events.forEach((e) => {
        const T = timeOf(e);
        if (T >= from && T <= to) for (const c of combos(e)) keys.set(JSON.stringify(c), c);
      });
      for (const [key, c] of keys) {
        let best = -1;
        events.forEach((e, i) => {
          const T = timeOf(e);
          if (T < H || T > to || !combos(e).some((x) => JSON.stringify(x) === key)) return;
          if (best < 0 || T < timeOf(events[best]!)) best = i;
        });
        if (best >= 0 && timeOf(events[best]!) > from) {
          const idn = eventIdentity(events[best]!);
          const slot = slots[best]!.findIndex((x) => JSON.stringify(x) === key);
          cands.push({ e: best, slot, values: c, id: newTermsAlertId(idn.index, idn.id, 'default', RULE_UUID, c) });
        }
      }
      cands.sort((x, y) => byteOrder(x.values, y.values));
    } else {
      const inWindow = events.map((e, i) => ({ e, i })).filter(({ e }) => timeOf(e) >= from && timeOf(e) <= to);
      inWindow.sort((a, b) => {
        const [p1, s1] = querySortKey(a.e);
        const [p2, s2] = querySortKey(b.e);
        return p1 !== p2 ? (p1 < p2 ? -1 : 1) : s1 !== s2 ? s1 - s2 : a.i - b.i;
      });
      for (const { e, i } of inWindow) {
        const idn = eventIdentity(e);
        cands.push({ e: i, slot: 0, values: [], id: queryAlertId(idn.index, idn.id, 'default', RULE_UUID) });
      }
    }
    const seen = new Set<string>();
    const fresh: typeof cands = [];
    const dups: typeof cands = [];
    for (const c of cands) {
      if (emittedBy.has(c.id) || seen.has(c.id)) dups.push(c);
      else {
        seen.add(c.id);
        fresh.push(c);
      }
    }
    const created = fresh.slice(0, maxSignals);
    const dropped = fresh.slice(maxSignals);
    for (const c of created) {
      emittedBy.set(c.id, c.e);
      alerts.push([iso(run), c.id]);
      setFate(c.e, c.slot, { kind: 'alerted', window, alertId: c.id });
    }
    for (const c of dropped) setFate(c.e, c.slot, { kind: 'lost', windows: [window] });
    for (const c of dups) {
      const by = emittedBy.get(c.id);
      if (by === c.e) continue;
      if (by !== undefined) setFate(c.e, c.slot, { kind: 'already-alerted', window, alertId: c.id, bySeq: by });
      else if (dropped.some((d) => d.id === c.id)) setFate(c.e, c.slot, { kind: 'lost', windows: [window] });
    }
  }

  const out = events.map((e, i): RefEvent => {
    if (slots[i]!.length === 0) return { fate: { kind: 'no-terms' }, terms: [] };
    const T = timeOf(e);
    const holding = tuples.find((t) => t.from <= T && T <= t.to);
    const perSlot = slots[i]!.map((values, slot): RefFate => {
      const seen = observed[i]![slot];
      if (seen) return seen;
      if (!holding) return { kind: 'outside-runs' };
      const H = holding.to - W;
      let w = -1;
      events.forEach((x, j) => {
        const t = timeOf(x);
        if (t < H || t > holding.to || !combos(x).some((c) => JSON.stringify(c) === JSON.stringify(values))) return;
        if (w < 0 || t < timeOf(events[w]!)) w = j;
      });
      return { kind: 'not-new', window: { run: iso(holding.run), from: iso(holding.from), to: iso(holding.to) }, witnessSeq: w };
    });
    const fate = perSlot.reduce((a, b) => (rank(b) < rank(a) ? b : a));
    return { fate, terms: mode === 'new_terms' ? slots[i]!.map((values, k) => ({ values, fate: perSlot[k]! })) : [] };
  });
  return { alerts, events: out };
}
