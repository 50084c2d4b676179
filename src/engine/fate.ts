/**
 * What became of every event that matched the rule's query: the answer to "why no alert?".
 *
 * For each event, and in new_terms mode for each of its term combinations:
 *
 * - `alerted`: it is the source event of an alert created in run T (window [from, to]);
 * - `already-alerted`: it was a candidate but its alert id had already been written (by an earlier
 *   invocation, recorded in the state file, or by another event with the same `_index`/`_id`);
 * - `suppressed`: alert suppression counted it in the alert `alertId` (its
 *   `kibana.alert.suppression.docs_count`) instead of writing an alert of its own (engine/suppression-run.ts);
 * - `lost`: it was a candidate in the runs listed, and max_signals left it out of every one;
 * - `not-new`: a window holds it, but its combination was already seen in that window's history
 *   ([H, to], H = history_window_start evaluated at `to`): `firstSeen` is that earliest occurrence
 *   (time, then input order, as the engine breaks ties), the event itself when it sits exactly on the
 *   window's `from` (Kibana's test is `first_seen > from`, KIBANA_SEMANTICS §A.4);
 * - `outside-runs`: no simulated window holds its time;
 * - and, for the whole event: `no-terms` (a new-terms field has no value), `no-time` (no usable
 *   timestamp), `outside-index` (its `_index` is outside the rule's index patterns: never searched).
 *
 * Alerted, already-alerted and lost come from the engine itself (its {@link ScanObserver} reports every
 * tuple's decision), so they agree with the alerts by construction; the rest is derived here from
 * the schedule. The reference is the tuple in execution order that first holds the event; the
 * property test (test/engine/fate.property.test.ts) checks all of it against a brute-force reading
 * of the spec. Memory: per matching event its time, origin and combination ids, never its document.
 */
import type { SourceEvent } from '../io/types.js';
import type { Rule } from '../rule/schema.js';
import { eventTimeOf, formatTime, timestampFieldsOf } from '../ecs/time.js';
import { combinationsOf, compareTerms } from './new-terms.js';
import { newTermsCodecs } from './new-terms-codecs.js';
import { tupleKey, type Schedule, type Tuple } from './schedule.js';
import {
  createScanner,
  type ObservedCandidate,
  type ScanOptions,
  type ScanResult,
  type TupleObservation,
} from './scan.js';

/** One simulated window: the run that searched it (its start time) and the window's bounds, UTC ISO. */
export interface RunWindow {
  run: string;
  from: string;
  to: string;
}

/** An occurrence of a combination, as a witness for `not-new` or `already-alerted`. */
export interface Occurrence {
  time: string;
  origin: { file: string; line: number };
  /** Its position among the events added, when it is one of them (absent: from the state file). */
  seq?: number;
  /** From the state file: the latest time of that stretch of occurrences (its inner ones are not kept). */
  stateLast?: string;
}

export type TermFate =
  | { kind: 'alerted'; window: RunWindow; alertId: string }
  | { kind: 'already-alerted'; window: RunWindow; alertId: string; by?: Occurrence }
  | { kind: 'suppressed'; window: RunWindow; alertId: string }
  | { kind: 'lost'; windows: RunWindow[] }
  | { kind: 'not-new'; window: RunWindow; firstSeen: Occurrence }
  | { kind: 'outside-runs' };

export type EventFate =
  | TermFate
  | { kind: 'no-terms'; missing: string[] }
  | { kind: 'no-time'; why: string }
  | { kind: 'outside-index'; index: string | null };

export type FateKind = EventFate['kind'];

/** Headline order: the first kind any of an event's combinations has is the event's fate. */
export const FATE_PRIORITY: readonly FateKind[] = [
  'alerted',
  'already-alerted',
  'suppressed',
  'lost',
  'not-new',
  'outside-runs',
  'no-terms',
  'no-time',
  'outside-index',
];

export interface EventFateRecord {
  /** Position in the order events were added (0-based). */
  seq: number;
  origin: { file: string; line: number };
  /** The event's time (timestamp override rules applied), UTC ISO; null without a usable one. */
  time: string | null;
  fate: EventFate;
  /** new_terms: one entry per combination of the new-terms fields' values, in composite-key order. */
  terms: Array<{ values: string[]; fate: EventFate }>;
}

export interface FateResult {
  /** The engine's own result, unchanged. */
  scan: ScanResult;
  /** One record per event added, in the order added. */
  fates: EventFateRecord[];
}

export interface FateTracer {
  /** An event that matched the query and lies in the rule's index patterns (what `Scanner.add` takes). Returns its seq. */
  add(ev: SourceEvent): number;
  /** An event that matched the query but lies outside the rule's index patterns. Returns its seq. */
  addOutsideIndex(ev: SourceEvent): number;
  finish(): FateResult;
}

interface Tracked {
  origin: { file: string; line: number };
  time: number | undefined;
  timeWhy?: string;
  /** Combination ids (new_terms), in composite-key order. */
  combos: number[];
  missing?: string[];
  outsideIndex?: string | null;
  /** Per combination (or [0] in query mode): fate found from the engine's observations. */
  observed: Array<TermFate | undefined>;
}

const windowOf = (t: Tuple): RunWindow => ({ run: formatTime(t.runTime), from: formatTime(t.from), to: formatTime(t.to) });
const rank = (k: FateKind): number => FATE_PRIORITY.indexOf(k);

export function createFateTracer(rule: Rule, opts: ScanOptions): FateTracer {
  const mode = opts.mode;
  const fields = mode === 'new_terms' ? (rule.new_terms_fields ?? []) : [];
  const tsFields = timestampFieldsOf(rule);
  const tracked: Tracked[] = [];
  const seqOf = new WeakMap<object, number>();
  const comboIds = new Map<string, number>();
  const comboValues: string[][] = [];
  /** Per combination id: the (time, seq) of its occurrences among the events added. */
  const occurrences: Array<Array<{ time: number; seq: number }>> = [];
  let schedule: Schedule | undefined;
  let historyStartOf: ((to: number) => number) | undefined;
  /** Alert ids created in this invocation: by which event (seq, or undefined for a state event) and combination. */
  const createdBy = new Map<string, { seq: number | undefined; time: number; origin: { file: string; line: number } }>();
  const observations: TupleObservation[] = [];

  const scanner = createScanner(rule, {
    ...opts,
    observer: {
      schedule(s, h) {
        schedule = s;
        historyStartOf = h;
      },
      tuple(o) {
        observations.push(o);
      },
    },
  });

  const comboId = (values: string[]): number => {
    const key = JSON.stringify(values);
    let id = comboIds.get(key);
    if (id === undefined) {
      id = comboValues.push(values) - 1;
      comboIds.set(key, id);
      occurrences.push([]);
    }
    return id;
  };

  const codecs = newTermsCodecs(fields, opts.fieldTypes);
  const track = (ev: SourceEvent, outsideIndex: boolean): number => {
    const seq = tracked.length;
    seqOf.set(ev.source, seq);
    const t = eventTimeOf(ev.source, tsFields);
    const rec: Tracked = { origin: { file: ev.origin.file, line: ev.origin.line }, time: t.ok ? t.ms : undefined, combos: [], observed: [] };
    if (!t.ok) rec.timeWhy = t.reason === 'missing' ? `no ${t.field}` : `${t.field} ${JSON.stringify(t.value)} is not a valid date`;
    if (outsideIndex) rec.outsideIndex = ev.index ?? null;
    if (mode === 'new_terms') {
      const combos = combinationsOf(ev.source, fields, codecs).sort((a, b) => compareTerms(a, b, codecs));
      if (combos.length === 0) rec.missing = fields.filter((f, i) => combinationsOf(ev.source, [f], codecs && [codecs[i]!]).length === 0);
      for (const values of combos) {
        const id = comboId(values);
        rec.combos.push(id);
        if (!outsideIndex && rec.time !== undefined) occurrences[id]!.push({ time: rec.time, seq });
      }
    }
    tracked.push(rec);
    return seq;
  };

  /** The slot of an observed candidate on its event: the combination's index (new_terms) or 0. */
  const slotOf = (rec: Tracked, c: ObservedCandidate): number =>
    c.newTerms === undefined ? 0 : rec.combos.indexOf(comboIds.get(JSON.stringify(c.newTerms)) ?? -1);

  const setObserved = (rec: Tracked, slot: number, fate: TermFate): void => {
    const cur = rec.observed[slot];
    if (cur === undefined || rank(fate.kind) < rank(cur.kind)) rec.observed[slot] = fate;
    else if (cur.kind === 'lost' && fate.kind === 'lost') cur.windows.push(...fate.windows);
  };

  const replay = (): void => {
    const stateEmitted = new Set((opts.state?.state.emitted ?? []).map((e) => e.id));
    for (const o of observations) {
      const window = windowOf(o.tuple);
      const droppedHere = new Set(o.dropped.map((c) => c.id));
      for (const c of o.created) {
        const seq = seqOf.get(c.event.source);
        const rec = seq === undefined ? undefined : tracked[seq];
        createdBy.set(c.id, {
          seq,
          time: c.time,
          origin: { file: c.event.origin.file, line: c.event.origin.line },
        });
        if (rec) setObserved(rec, slotOf(rec, c), { kind: 'alerted', window, alertId: c.id });
      }
      for (const c of o.suppressed ?? []) {
        const seq = seqOf.get(c.event.source);
        const rec = seq === undefined ? undefined : tracked[seq];
        if (rec) setObserved(rec, slotOf(rec, c), { kind: 'suppressed', window, alertId: c.into });
      }
      for (const c of o.dropped) {
        const seq = seqOf.get(c.event.source);
        const rec = seq === undefined ? undefined : tracked[seq];
        if (rec) setObserved(rec, slotOf(rec, c), { kind: 'lost', windows: [window] });
      }
      for (const c of o.duplicates) {
        const seq = seqOf.get(c.event.source);
        const rec = seq === undefined ? undefined : tracked[seq];
        if (!rec) continue;
        const slot = slotOf(rec, c);
        const by = createdBy.get(c.id);
        if (by) {
          // Its own alert, written by an earlier window: nothing new to say.
          if (by.seq === seq) continue;
          const occ: Occurrence = { time: formatTime(by.time), origin: by.origin, ...(by.seq !== undefined && { seq: by.seq }) };
          setObserved(rec, slot, { kind: 'already-alerted', window, alertId: c.id, by: occ });
        } else if (stateEmitted.has(c.id)) {
          setObserved(rec, slot, { kind: 'already-alerted', window, alertId: c.id });
        } else if (droppedHere.has(c.id)) {
          // Same document as a candidate max_signals left out of this window.
          setObserved(rec, slot, { kind: 'lost', windows: [window] });
        }
      }
    }
  };

  /** State clusters per combination key, for `not-new` witnesses from earlier invocations. */
  const stateClusters = (): Map<string, Array<{ first: number; last: number; origin: { file: string; line: number } }>> => {
    const out = new Map<string, Array<{ first: number; last: number; origin: { file: string; line: number } }>>();
    for (const c of opts.state?.state.combos ?? []) {
      out.set(
        JSON.stringify(c.values),
        c.clusters.map((k) => ({ first: k.first, last: k.last, origin: k.event.origin })),
      );
    }
    return out;
  };

  /** The first tuple in execution order whose window holds `t`. */
  const firstTupleHolding = (t: number): Tuple | undefined => {
    let best: Tuple | undefined;
    schedule?.forEachTupleIntersecting(t, t, (tuple) => {
      if (best === undefined || tupleKey(tuple) < tupleKey(best)) best = tuple;
    });
    return best;
  };

  const finish = (): FateResult => {
    const scan = scanner.finish();
    replay();
    for (const occ of occurrences) occ.sort((a, b) => a.time - b.time || a.seq - b.seq);
    const fromState = mode === 'new_terms' ? stateClusters() : new Map();

    const witness = (combo: number, h: number, to: number): Occurrence | undefined => {
      const occ = occurrences[combo]!;
      let lo = 0;
      let hi = occ.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (occ[mid]!.time < h) lo = mid + 1;
        else hi = mid;
      }
      const own = occ[lo] !== undefined && occ[lo]!.time <= to ? occ[lo] : undefined;
      // The state's stretches came first in input order: on a tie they win, as in the tracker.
      let st: { first: number; last: number; origin: { file: string; line: number } } | undefined;
      for (const k of fromState.get(JSON.stringify(comboValues[combo])) ?? []) {
        if (k.last >= h && k.first <= to && (st === undefined || k.first < st.first)) st = k;
      }
      if (st && (own === undefined || Math.max(st.first, h) <= own.time)) {
        return { time: formatTime(st.first), origin: { ...st.origin }, stateLast: formatTime(st.last) };
      }
      if (!own) return undefined;
      return { time: formatTime(own.time), origin: { ...tracked[own.seq]!.origin }, seq: own.seq };
    };

    const fates: EventFateRecord[] = tracked.map((rec, seq) => {
      const time = rec.time === undefined ? null : formatTime(rec.time);
      const base = { seq, origin: rec.origin, time };
      if (rec.outsideIndex !== undefined) {
        return whole(rec, base, { kind: 'outside-index', index: rec.outsideIndex });
      }
      if (rec.time === undefined) return whole(rec, base, { kind: 'no-time', why: rec.timeWhy ?? 'no time' });
      if (mode === 'new_terms' && rec.combos.length === 0) return { ...base, fate: { kind: 'no-terms', missing: rec.missing ?? [] }, terms: [] };
      const t = rec.time;
      let holding: Tuple | undefined | null = null;
      const derive = (slot: number): TermFate => {
        const seen = rec.observed[slot];
        if (seen) return seen;
        if (holding === null) holding = firstTupleHolding(t);
        if (holding === undefined) return { kind: 'outside-runs' };
        if (mode === 'query' || historyStartOf === undefined) {
          throw new Error(`fate: event ${rec.origin.file}:${rec.origin.line} lies in a window but the engine did not decide on it`);
        }
        const w = witness(rec.combos[slot]!, historyStartOf(holding.to), holding.to);
        if (!w) throw new Error(`fate: no occurrence of the combination of ${rec.origin.file}:${rec.origin.line} in its window's history`);
        return { kind: 'not-new', window: windowOf(holding), firstSeen: w };
      };
      const slots = mode === 'new_terms' ? rec.combos.length : 1;
      const perSlot: TermFate[] = [];
      for (let i = 0; i < slots; i++) perSlot.push(derive(i));
      const headline = perSlot.reduce((a, b) => (rank(b.kind) < rank(a.kind) ? b : a));
      const terms = mode === 'new_terms' ? rec.combos.map((c, i) => ({ values: comboValues[c]!, fate: perSlot[i]! })) : [];
      return { ...base, fate: headline, terms };
    });
    return { scan, fates };
  };

  /** An event whose fate is decided before any window: every combination shares it. */
  const whole = (rec: Tracked, base: Omit<EventFateRecord, 'fate' | 'terms'>, fate: EventFate): EventFateRecord => ({
    ...base,
    fate,
    terms: rec.combos.map((c) => ({ values: comboValues[c]!, fate })),
  });

  return {
    add(ev) {
      const seq = track(ev, false);
      scanner.add(ev);
      return seq;
    },
    addOutsideIndex(ev) {
      return track(ev, true);
    },
    finish,
  };
}
