/**
 * Searching a batch of lines for a prefilter's needles in the raw bytes, once per needle group over
 * the whole batch (never per line, never decoded). Buffer.indexOf finds short needles by looking for
 * their first byte with memchr, so the bytes searched never start with `"` (a seventh of all JSON
 * bytes): the surrounding quotes are checked by hand around each hit, and needles sharing a substring
 * are found with one pass over that substring, the rest verified around each hit.
 */
import { choosePrefilter, staticAtomCost, type NeedleAtom, type Prefilter, type Requirement } from './prefilter.js';

/** The part of the reader's LineBatch the prefilter reads (ends exclude "\n" and a trailing "\r"). */
export interface ByteLines {
  buf: Uint8Array;
  starts: ArrayLike<number>;
  ends: ArrayLike<number>;
  count: number;
}

interface Member {
  bytes: Buffer;
  /** Offsets at which the group's key occurs inside `bytes`. */
  keyOffsets: number[];
  quoteBefore: boolean;
  quoteAfter: boolean;
}

interface NeedleGroup {
  key: Buffer;
  /** Empty for escape triggers: any occurrence makes the line a candidate. */
  members: Member[];
}

export interface CompiledScan {
  groups: NeedleGroup[];
}

const QUOTE = 0x22;
const MIN_SHARED_KEY = 3;

/** The bytes JSON.stringify writes for `text` inside a string, i.e. its only spelling without `\u`/`\/`. */
export function jsonSpelling(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

/**
 * The needle groups for `needles`. A text whose spelling needs `\u` (control characters, lone
 * surrogates) can only occur in lines holding `\u`, which are candidates anyway; `\/` joins the
 * triggers when a needle contains `/`.
 */
export function compileScan(needles: readonly NeedleAtom[], searchKeys?: readonly string[]): CompiledScan {
  const { members, slash } = membersOf(needles);
  const groups = searchKeys === undefined ? groupBySharedKey(members) : groupByKeys(members, searchKeys);
  groups.push({ key: Buffer.from('\\u', 'latin1'), members: [] });
  if (slash) groups.push({ key: Buffer.from('\\/', 'latin1'), members: [] });
  return { groups };
}

function membersOf(needles: readonly NeedleAtom[]): { members: Member[]; slash: boolean } {
  const members: Member[] = [];
  const seen = new Set<string>();
  let slash = false;
  for (const a of needles) {
    if (a.text.includes('/')) slash = true;
    const spelling = jsonSpelling(a.text);
    if (spelling.includes('\\u')) continue;
    const id = `${a.quoteBefore ? 1 : 0}${a.quoteAfter ? 1 : 0}${spelling}`;
    if (seen.has(id)) continue;
    seen.add(id);
    members.push({ bytes: Buffer.from(spelling, 'utf8'), keyOffsets: [0], quoteBefore: a.quoteBefore, quoteAfter: a.quoteAfter });
  }
  return { members, slash };
}

/** The bytes a line holding the member must contain: its spelling, then `"` where quoteAfter. */
function searchableText(m: Member): string {
  return m.bytes.toString('latin1') + (m.quoteAfter ? '"' : '');
}

/** Offsets of every occurrence of `key` in `text`. */
function offsetsOf(text: string, key: string): number[] {
  const out: number[] = [];
  for (let p = text.indexOf(key); p !== -1; p = text.indexOf(key, p + 1)) out.push(p);
  return out;
}

/**
 * Each member joins the group of the first key that occurs in its searchable text; the key may end
 * in the closing quote, which anyMemberAt checks anyway. Members no key covers are searched whole.
 */
function groupByKeys(members: Member[], searchKeys: readonly string[]): NeedleGroup[] {
  const byKey = new Map<string, Member[]>();
  const alone: Member[] = [];
  for (const m of members) {
    const t = searchableText(m);
    const key = searchKeys.find((k) => k.length > 0 && t.includes(k));
    if (key === undefined) {
      alone.push(m);
      continue;
    }
    let list = byKey.get(key);
    if (list === undefined) byKey.set(key, (list = []));
    list.push({ ...m, keyOffsets: offsetsOf(t, key) });
  }
  const groups: NeedleGroup[] = [...byKey].map(([key, ms]) => ({ key: Buffer.from(key, 'latin1'), members: ms }));
  for (const m of alone) groups.push({ key: m.bytes, members: [m] });
  return groups;
}

/**
 * Greedy grouping: repeatedly take the substring (≥ 3 bytes, not starting with `"`) shared by the
 * most remaining needles, longest first on ties; needles left alone are searched whole.
 */
function groupBySharedKey(members: Member[]): NeedleGroup[] {
  const groups: NeedleGroup[] = [];
  let rest = members.slice();
  while (rest.length >= 2) {
    const texts = rest.map((m) => m.bytes.toString('latin1'));
    let bestKey = '';
    let bestCount = 1;
    for (const t of texts) {
      for (let i = 0; i < t.length; i++) {
        if (t.charCodeAt(i) === QUOTE) continue;
        for (let j = i + MIN_SHARED_KEY; j <= t.length; j++) {
          const k = t.slice(i, j);
          let count = 0;
          for (const u of texts) if (u.includes(k)) count++;
          if (count < 2) break;
          if (count > bestCount || (count === bestCount && k.length > bestKey.length)) {
            bestKey = k;
            bestCount = count;
          }
        }
      }
    }
    if (bestKey === '') break;
    const inGroup: Member[] = [];
    const left: Member[] = [];
    rest.forEach((m, idx) => {
      const t = texts[idx]!;
      if (!t.includes(bestKey)) {
        left.push(m);
        return;
      }
      const keyOffsets: number[] = [];
      for (let p = t.indexOf(bestKey); p !== -1; p = t.indexOf(bestKey, p + 1)) keyOffsets.push(p);
      inGroup.push({ ...m, keyOffsets });
    });
    groups.push({ key: Buffer.from(bestKey, 'latin1'), members: inGroup });
    rest = left;
  }
  for (const m of rest) groups.push({ key: m.bytes, members: [m] });
  return groups;
}

const compiledCache = new WeakMap<Prefilter, CompiledScan>();

function compiledFor(pf: Prefilter): CompiledScan {
  let c = compiledCache.get(pf);
  if (c === undefined) {
    c = compileScan(pf.needles, pf.searchKeys);
    compiledCache.set(pf, c);
  }
  return c;
}

/** 1 for each line that may match (holds a needle or an escape that could spell one), 0 otherwise. */
export function prefilterBatch(pf: Prefilter, batch: ByteLines): Uint8Array {
  return scanLines(compiledFor(pf), batch);
}

/** As prefilterBatch, for a scan compiled ahead (see compileScan). */
export function scanLines(scan: CompiledScan, batch: ByteLines): Uint8Array {
  const { count, starts, ends } = batch;
  const mask = new Uint8Array(count);
  if (count === 0) return mask;
  const lo = starts[0]!;
  const hi = ends[count - 1]!;
  if (hi <= lo) return mask;
  const src = batch.buf;
  // A view, not a copy: searching it keeps indexOf from running past the batch's last line.
  const view = Buffer.from(src.buffer, src.byteOffset + lo, hi - lo);
  for (const group of scan.groups) markGroup(group, view, lo, batch, mask);
  return mask;
}

function lineOf(starts: ArrayLike<number>, count: number, abs: number): number {
  let a = 0;
  let b = count - 1;
  while (a < b) {
    const mid = (a + b + 1) >>> 1;
    if (starts[mid]! <= abs) a = mid;
    else b = mid - 1;
  }
  return a;
}

function markGroup(group: NeedleGroup, view: Buffer, lo: number, batch: ByteLines, mask: Uint8Array): void {
  const { starts, ends, count } = batch;
  const key = group.key;
  const members = group.members.length > 0;
  const n = view.length;
  let from = 0;
  while (from <= n - key.length) {
    const pos = view.indexOf(key, from);
    if (pos === -1) return;
    // Most hits of a shared key are no needle: rule them out against the whole view (a weaker test
    // than within the line) before paying for the line lookup.
    if (members && !anyMemberAt(group, view, pos, 0, n)) {
      from = pos + 1;
      continue;
    }
    const line = lineOf(starts, count, pos + lo);
    const lineStart = starts[line]! - lo;
    const lineEnd = ends[line]! - lo;
    if (mask[line] === 1) {
      from = Math.max(pos + 1, lineEnd);
      continue;
    }
    if (pos + key.length <= lineEnd && (!members || anyMemberAt(group, view, pos, lineStart, lineEnd))) {
      mask[line] = 1;
      from = Math.max(pos + 1, lineEnd);
    } else {
      from = pos + 1;
    }
  }
}

function anyMemberAt(group: NeedleGroup, view: Buffer, keyPos: number, lineStart: number, lineEnd: number): boolean {
  for (const m of group.members) {
    const len = m.bytes.length;
    for (const k of m.keyOffsets) {
      const s = keyPos - k;
      const e = s + len;
      if (s < lineStart || e > lineEnd) continue;
      if (m.quoteBefore && (s === lineStart || view[s - 1] !== QUOTE)) continue;
      if (m.quoteAfter && (e === lineEnd || view[e] !== QUOTE)) continue;
      if (m.bytes.compare(view, s, e) === 0) return true;
    }
  }
  return false;
}

/** Offsets of the lines in `buf` (split at "\n", a trailing "\r" excluded), as the reader gives them. */
export function byteLinesOf(buf: Uint8Array): ByteLines {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const starts: number[] = [];
  const ends: number[] = [];
  let s = 0;
  while (s < b.length) {
    let nl = b.indexOf(10, s);
    if (nl === -1) nl = b.length;
    const e = nl > s && b[nl - 1] === 0x0d ? nl - 1 : nl;
    starts.push(s);
    ends.push(e);
    s = nl + 1;
  }
  return { buf, starts, ends, count: starts.length };
}

function allAtoms(req: Requirement, out: NeedleAtom[] = []): NeedleAtom[] {
  if (req.kind === 'atom') out.push(req.atom);
  else for (const p of req.parts) allAtoms(p, out);
  return out;
}

/**
 * A model of scan time on the sample, in ns, from measured needle searches (one Buffer.indexOf pass
 * per key over 1 MiB chunks): a pass costs about 0.04 ns per byte, plus about 7 ns per occurrence of
 * the key's first byte (memchr stops there), plus about 170 ns per hit (restarting indexOf and
 * verifying). Keys of 8+ bytes take V8's slower Boyer-Moore-Horspool path, so keys stay ≤ 7 bytes.
 * A candidate line costs its decode and JSON.parse: about 8 ns per byte (~16 µs per 1.9 KB line).
 */
const PASS_NS_PER_BYTE = 0.04;
const FIRST_BYTE_NS = 7;
const HIT_NS = 170;
const CANDIDATE_NS_PER_BYTE = 8;
const MAX_KEY = 7;
/** Exact key cover up to this many needles (2^n subsets); greedy above. */
const MAX_EXACT_COVER = 12;
/** At most this many alternative needle sets are costed; above, only the additive choice is. */
const MAX_ALTERNATIVES = 64;

interface SampleStats {
  view: Buffer;
  byteCount: Float64Array;
  hitCache: Map<string, number>;
}

function sampleStats(sample: ByteLines): SampleStats {
  const lo = sample.starts[0]!;
  const hi = sample.ends[sample.count - 1]!;
  const view = Buffer.from(sample.buf.buffer, sample.buf.byteOffset + lo, Math.max(0, hi - lo));
  const byteCount = new Float64Array(256);
  for (let i = 0; i < view.length; i++) byteCount[view[i]!]!++;
  return { view, byteCount, hitCache: new Map() };
}

/** Modelled ns for one pass of `key` over the sample. */
function keyCost(st: SampleStats, key: string): number {
  let hits = st.hitCache.get(key);
  if (hits === undefined) {
    const kb = Buffer.from(key, 'latin1');
    // Past this many hits the key has lost to any alternative anyway.
    const cap = Math.ceil(st.view.length / 64);
    hits = 0;
    for (let p = st.view.indexOf(kb); p !== -1 && hits < cap; p = st.view.indexOf(kb, p + 1)) hits++;
    st.hitCache.set(key, hits);
  }
  return st.view.length * PASS_NS_PER_BYTE + st.byteCount[key.charCodeAt(0)]! * FIRST_BYTE_NS + hits * HIT_NS;
}

/**
 * The search keys for `needles` that minimise the modelled scan cost on the sample: every substring
 * (≤ 7 bytes, not starting with `"`) of each needle's searchable text is a candidate, and a key may
 * serve every needle it occurs in, so a shared key wins only when one pass over it costs less than
 * the passes it replaces. Returns the keys and their modelled cost.
 */
export function chooseSearchKeys(needles: readonly NeedleAtom[], sample: ByteLines): { keys: string[]; cost: number } {
  if (sample.count === 0) return { keys: [], cost: 0 };
  return chooseKeysOn(membersOf(needles).members, sampleStats(sample));
}

function chooseKeysOn(members: Member[], st: SampleStats): { keys: string[]; cost: number } {
  const n = members.length;
  if (n === 0) return { keys: [], cost: 0 };
  const texts = members.map(searchableText);
  // An empty text matches everywhere; the default grouping handles it. Every other text has a
  // candidate key: it starts with a byte other than `"` (its spelling escapes any `"`), or is `"`.
  if (texts.some((t) => t.length === 0)) return { keys: [], cost: 0 };
  const cover = new Map<string, number>();
  for (const t of texts) {
    const minLen = Math.min(2, t.length);
    for (let i = 0; i < t.length; i++) {
      if (t.charCodeAt(i) === QUOTE && t.length > 1) continue;
      for (let j = i + minLen; j <= Math.min(t.length, i + MAX_KEY); j++) {
        const k = t.slice(i, j);
        if (cover.has(k)) continue;
        let bits = 0;
        if (n <= MAX_EXACT_COVER) texts.forEach((u, idx) => {
          if (u.includes(k)) bits |= 1 << idx;
        });
        cover.set(k, bits);
      }
    }
  }
  const keys = [...cover.keys()];
  // Ties (e.g. no hits in a small sample) go to the longer key: fewer hits on unseen data.
  const costs = keys.map((k) => keyCost(st, k) - k.length * 1e-3);
  const bitsOf = keys.map((k) => cover.get(k)!);
  if (n <= MAX_EXACT_COVER) {
    const full = (1 << n) - 1;
    const size = 1 << n;
    const best = new Float64Array(size).fill(Infinity);
    const pick = new Int32Array(size).fill(-1);
    const prev = new Int32Array(size).fill(-1);
    best[0] = 0;
    for (let m = 0; m < size; m++) {
      if (best[m] === Infinity || m === full) continue;
      let low = 0;
      while ((m & (1 << low)) !== 0) low++;
      for (let k = 0; k < keys.length; k++) {
        if ((bitsOf[k]! & (1 << low)) === 0) continue;
        const next = m | bitsOf[k]!;
        const c = best[m]! + costs[k]!;
        if (c < best[next]!) {
          best[next] = c;
          pick[next] = k;
          prev[next] = m;
        }
      }
    }
    const chosen: string[] = [];
    for (let m = full; m > 0; m = prev[m]!) chosen.push(keys[pick[m]!]!);
    return { keys: chosen, cost: best[full]! };
  }
  // Greedy: cheapest cost per newly covered needle.
  let total = 0;
  const chosen: string[] = [];
  const left = new Set(texts.map((_t, i) => i));
  while (left.size > 0) {
    let bestK = -1;
    let bestRate = Infinity;
    for (let k = 0; k < keys.length; k++) {
      let gain = 0;
      for (const i of left) if (texts[i]!.includes(keys[k]!)) gain++;
      if (gain > 0 && costs[k]! / gain < bestRate) {
        bestRate = costs[k]! / gain;
        bestK = k;
      }
    }
    chosen.push(keys[bestK]!);
    total += costs[bestK]!;
    for (const i of [...left]) if (texts[i]!.includes(keys[bestK]!)) left.delete(i);
  }
  return { keys: chosen, cost: total };
}


/** Every needle set the requirement allows (one child per `and`), or null past `limit`. */
function alternatives(req: Requirement, limit: number): NeedleAtom[][] | null {
  switch (req.kind) {
    case 'atom':
      return [[req.atom]];
    case 'allOf': {
      const out: NeedleAtom[][] = [];
      for (const p of req.parts) {
        const alts = alternatives(p, limit);
        if (alts === null) return null;
        out.push(...alts);
        if (out.length > limit) return null;
      }
      return out;
    }
    case 'anyOf': {
      let out: NeedleAtom[][] = [[]];
      for (const p of req.parts) {
        const alts = alternatives(p, limit);
        if (alts === null || out.length * alts.length > limit) return null;
        out = out.flatMap((o) => alts.map((a) => [...o, ...a]));
      }
      return out;
    }
  }
}

/**
 * Each hit costs a line lookup and a check, each candidate line a decode and a JSON.parse: about 300
 * times more (measured: ~16 µs per parsed 1.9 KB line).
 */
const HITS_PER_CANDIDATE_LINE = 300;

/**
 * Redoes the choice among `and` children by what each needle costs on `sample` (the lines it makes
 * candidates plus the raw hits it must check; the static prior only breaks ties), then, among every
 * needle set the requirement allows (when few) and that choice, keeps the one whose modelled scan
 * (the search keys chosen for it by chooseSearchKeys) plus candidate parsing costs least. Any choice
 * is sound; this one is fast on data like the sample.
 */
export function calibratePrefilter(pf: Prefilter, sample: ByteLines): Prefilter {
  if (sample.count === 0) return pf;
  const st = sampleStats(sample);
  const view = st.view;
  const costs = new Map<string, number>();
  const idOf = (a: NeedleAtom) => JSON.stringify([a.text, a.quoteBefore, a.quoteAfter]);
  for (const a of allAtoms(pf.requirement)) {
    const id = idOf(a);
    if (costs.has(id)) continue;
    const groups = compileScan([a]).groups.filter((g) => g.members.length > 0);
    let lines = 0;
    let hits = 0;
    for (const g of groups) {
      for (let p = view.indexOf(g.key); p !== -1; p = view.indexOf(g.key, p + 1)) hits++;
      const mask = scanLines({ groups: [g] }, sample);
      for (let i = 0; i < mask.length; i++) lines += mask[i]!;
    }
    costs.set(id, lines + hits / HITS_PER_CANDIDATE_LINE);
  }
  const additive = choosePrefilter(pf.requirement, (a) => (costs.get(idOf(a)) ?? 0) + staticAtomCost(a) / 1000);
  const sets = [additive.needles, ...(alternatives(pf.requirement, MAX_ALTERNATIVES) ?? [])];
  let best: Prefilter | undefined;
  let bestCost = Infinity;
  for (const raw of sets) {
    const byId = new Map(raw.map((a) => [idOf(a), a]));
    const needles = [...byId.values()];
    const { members } = membersOf(needles);
    if (members.length > MAX_EXACT_COVER && raw !== additive.needles) continue;
    const { keys, cost: scanCost } = chooseKeysOn(members, st);
    const mask = scanLines(compileScan(needles, keys), sample);
    let candidateBytes = 0;
    for (let i = 0; i < mask.length; i++) if (mask[i] === 1) candidateBytes += sample.ends[i]! - sample.starts[i]! + 1;
    const total = scanCost + candidateBytes * CANDIDATE_NS_PER_BYTE;
    if (total < bestCost) {
      bestCost = total;
      best = { requirement: pf.requirement, needles, searchKeys: keys };
    }
  }
  return best!;
}
