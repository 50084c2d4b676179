/**
 * Brute-force reference for the new_terms simulation, written straight from issue 4 and Kibana's
 * new_terms executor (elastic/kibana, x-pack/solutions/security/plugins/security_solution/server/lib/detection_engine/rule_types/new_terms/create_new_terms_alert_type.ts
 * and the rule_types/utils it calls), independently of src/engine.
 * It recomputes every run from scratch over all events (no tracker, no indexes): slow, obvious.
 *
 *  - runs t_k = start + k·interval, k = 0, 1, … up to and including the first t_k ≥ end;
 *  - run k: window [t_k − from, t_k], history [t_k − 14d, t_k], both inclusive;
 *  - T = event.ingested when present (non-empty) else @timestamp, any ISO precision/offset,
 *    truncated to ms;
 *  - only events the query matches count (window and history alike);
 *  - combos(e) = cartesian product of the distinct values of process.executable ×
 *    process.parent.executable (null / [] / missing ⇒ none; nulls inside arrays dropped; "" is a value);
 *  - a combo is new iff min T over history events holding it > window start (strict);
 *  - its source = that earliest event; ties on T → earlier input line;
 *  - candidates ordered by UTF-8 bytes, field by field; ids already emitted in earlier runs dropped;
 *    then at most maxSignals, with the max-signals warning when more remain;
 *  - id = object-hash([_index, _id, "undefined", `${space}:${ruleUuid}`, newTerms]).
 */
import objectHash from 'object-hash';

export const MINUTE = 60_000;
export const DAY = 24 * 60 * MINUTE;

export interface Hit {
  _index: string;
  _id: string;
  _source: Record<string, unknown>;
}

export interface ReferenceOptions {
  start: number; // epoch ms of the first run
  end: number; // epoch ms; runs continue up to and including the first t_k >= end
  maxSignals: number;
  space: string;
  ruleUuid: string;
  intervalMs?: number; // default 5m
  lookbackMs?: number; // default 9m (from = now-9m)
  historyMs?: number; // default 14d (history_window_start = now-14d)
}

export interface ReferenceAlert {
  timestamp: string; // run time, ISO ms
  uuid: string;
  newTerms: string[];
  sourceId: string;
  sourceIndex: string;
  originalTime: string; // source @timestamp, ISO ms
}

export interface ReferenceResult {
  alerts: ReferenceAlert[];
  truncatedRuns: string[]; // ISO run times that got the max-signals warning, in run order
  runs: string[];
}

/** Values at a dotted path through nested objects, flat dotted keys, any mix, and arrays. */
export function valuesAt(obj: unknown, path: string): unknown[] {
  const out: unknown[] = [];
  const walk = (node: unknown, parts: string[]): void => {
    if (Array.isArray(node)) {
      for (const el of node) walk(el, parts);
      return;
    }
    if (parts.length === 0) {
      if (node !== null && node !== undefined) out.push(node);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const rec = node as Record<string, unknown>;
    for (let i = 1; i <= parts.length; i++) {
      const key = parts.slice(0, i).join('.');
      if (Object.prototype.hasOwnProperty.call(rec, key)) walk(rec[key], parts.slice(i));
    }
  };
  walk(obj, path.split('.'));
  return out;
}

/** Keyword values as Elasticsearch indexes them: strings as-is, distinct. (The generator only uses strings.) */
function keywordSet(source: unknown, path: string): string[] {
  const set = new Set<string>();
  for (const v of valuesAt(source, path)) {
    if (typeof v === 'string') set.add(v);
    else if (typeof v === 'number' || typeof v === 'boolean') set.add(String(v));
  }
  return [...set];
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/;

/** ISO-8601 instant to epoch ms, sub-millisecond digits truncated. */
export function parseIsoMs(s: string): number | undefined {
  const m = ISO.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, se, frac, zone] = m as unknown as string[];
  const ms = frac === undefined ? 0 : Number((frac + '00').slice(0, 3));
  let t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(se), ms);
  if (zone !== 'Z') {
    const sign = zone!.startsWith('-') ? -1 : 1;
    const [zh, zm] = zone!.slice(1).split(':').map(Number);
    t -= sign * (zh! * 60 + zm!) * MINUTE;
  }
  return t;
}

function firstTime(source: unknown, path: string): number | undefined {
  const vs = valuesAt(source, path);
  if (vs.length === 0) return undefined;
  const v = vs[0];
  if (typeof v === 'string' && v !== '') return parseIsoMs(v);
  if (typeof v === 'number') return Math.trunc(v);
  return undefined;
}

/** The rule's time: event.ingested, else @timestamp (timestamp_override with fallback). */
export function eventTime(source: unknown): number | undefined {
  const ingested = firstTime(source, 'event.ingested');
  if (ingested !== undefined) return ingested;
  return firstTime(source, '@timestamp');
}

function utf8Compare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function compareCombos(a: string[], b: string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = utf8Compare(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

export function alertId(index: string, id: string, space: string, ruleUuid: string, newTerms: string[]): string {
  return objectHash([index, id, 'undefined', `${space}:${ruleUuid}`, newTerms]);
}

export const MAX_SIGNALS_WARNING = 'This rule reached the maximum alert limit for the rule execution. Some alerts were not created.';

interface Ev {
  line: number;
  hit: Hit;
  t: number;
  combos: string[][];
}

export function referenceNewTerms(hits: Hit[], matches: (source: Record<string, unknown>) => boolean, opts: ReferenceOptions): ReferenceResult {
  const interval = opts.intervalMs ?? 5 * MINUTE;
  const lookback = opts.lookbackMs ?? 9 * MINUTE;
  const history = opts.historyMs ?? 14 * DAY;

  const events: Ev[] = [];
  hits.forEach((hit, line) => {
    if (!matches(hit._source)) return;
    const t = eventTime(hit._source);
    if (t === undefined) return;
    const exes = keywordSet(hit._source, 'process.executable');
    const parents = keywordSet(hit._source, 'process.parent.executable');
    const combos: string[][] = [];
    for (const e of exes) for (const p of parents) combos.push([e, p]);
    events.push({ line, hit, t, combos });
  });

  const runTimes: number[] = [];
  for (let k = 0; ; k++) {
    const t = opts.start + k * interval;
    runTimes.push(t);
    if (t >= opts.end) break;
  }

  const emitted = new Set<string>();
  const alerts: ReferenceAlert[] = [];
  const truncatedRuns: string[] = [];
  const key = (c: string[]) => JSON.stringify(c);

  for (const to of runTimes) {
    const from = to - lookback;
    const H = to - history;
    // candidates: combos of window events
    const candidates = new Map<string, string[]>();
    for (const e of events) if (e.t >= from && e.t <= to) for (const c of e.combos) candidates.set(key(c), c);
    const fresh: { combo: string[]; src: Ev }[] = [];
    for (const [k, combo] of candidates) {
      let best: Ev | undefined;
      for (const e of events) {
        if (e.t < H || e.t > to) continue;
        if (!e.combos.some((c) => key(c) === k)) continue;
        if (best === undefined || e.t < best.t || (e.t === best.t && e.line < best.line)) best = e;
      }
      if (best !== undefined && best.t > from) fresh.push({ combo, src: best });
    }
    fresh.sort((a, b) => compareCombos(a.combo, b.combo));
    const runIso = new Date(to).toISOString();
    const pending = fresh
      .map((f) => ({ ...f, id: alertId(f.src.hit._index, f.src.hit._id, opts.space, opts.ruleUuid, f.combo) }))
      .filter((f) => !emitted.has(f.id));
    const kept = pending.slice(0, opts.maxSignals);
    if (pending.length > opts.maxSignals) truncatedRuns.push(runIso);
    for (const f of kept) {
      emitted.add(f.id);
      const ts = firstTime(f.src.hit._source, '@timestamp');
      alerts.push({
        timestamp: runIso,
        uuid: f.id,
        newTerms: f.combo,
        sourceId: f.src.hit._id,
        sourceIndex: f.src.hit._index,
        originalTime: ts === undefined ? '' : new Date(ts).toISOString(),
      });
    }
  }
  return { alerts, truncatedRuns, runs: runTimes.map((t) => new Date(t).toISOString()) };
}

const EXCLUDED_PARENTS = new Set(
  'mkinitramfs cryptroot framebuffer dracut jem thin-provisioning-tools readykernel lvm2 vz-start iscsi mdadm ovalprobes bcache plymouth dkms overlayroot weak-modules zfs systemd whoopsie-upload-all kdumpctl apport-gtk casper rear kernel-install'.split(
    ' ',
  ),
);

/** The v210 query, hand-written for plain string/array-of-string events (any value matches). */
export function referenceMatches(source: Record<string, unknown>): boolean {
  const has = (path: string, ...vals: string[]) => valuesAt(source, path).some((v) => typeof v === 'string' && vals.includes(v));
  if (!has('event.category', 'process') || !has('host.os.type', 'linux') || !has('event.type', 'start')) return false;
  if (!has('event.action', 'exec', 'exec_event')) return false;
  const proc =
    has('process.name', 'lsmod', 'modinfo') ||
    (has('process.name', 'kmod') && has('process.args', 'list')) ||
    (has('process.name', 'depmod') && has('process.args', '--all', '-a'));
  if (!proc) return false;
  return !valuesAt(source, 'process.parent.name').some((v) => typeof v === 'string' && EXCLUDED_PARENTS.has(v));
}
