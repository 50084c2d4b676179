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
export function compileScan(needles: readonly NeedleAtom[]): CompiledScan {
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
  const groups = groupBySharedKey(members);
  groups.push({ key: Buffer.from('\\u', 'latin1'), members: [] });
  if (slash) groups.push({ key: Buffer.from('\\/', 'latin1'), members: [] });
  return { groups };
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
    c = compileScan(pf.needles);
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
  let from = 0;
  while (from <= view.length - key.length) {
    const pos = view.indexOf(key, from);
    if (pos === -1) return;
    const abs = pos + lo;
    const line = lineOf(starts, count, abs);
    const lineStart = starts[line]!;
    const lineEnd = ends[line]!;
    if (mask[line] === 1) {
      from = Math.max(pos + 1, lineEnd - lo);
      continue;
    }
    if (abs + key.length <= lineEnd && (group.members.length === 0 || anyMemberAt(group, view, pos, lineStart - lo, lineEnd - lo))) {
      mask[line] = 1;
      from = Math.max(pos + 1, lineEnd - lo);
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
export function splitLines(buf: Uint8Array): ByteLines {
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
 * Each hit costs a line lookup and a check, each candidate line a decode and a JSON.parse: about 300
 * times more (PERF_NOTES: ~16 µs per parsed 1.9 KB line).
 */
const HITS_PER_CANDIDATE_LINE = 300;

/**
 * Redoes the choice among `and` children by what each needle costs on `sample`: the lines it makes
 * candidates plus the raw hits it must check (the static prior only breaks ties). Any choice is
 * sound; this one is fast on data like the sample.
 */
export function calibratePrefilter(pf: Prefilter, sample: ByteLines): Prefilter {
  if (sample.count === 0) return pf;
  const lo = sample.starts[0]!;
  const hi = sample.ends[sample.count - 1]!;
  const view = Buffer.from(sample.buf.buffer, sample.buf.byteOffset + lo, Math.max(0, hi - lo));
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
  return choosePrefilter(pf.requirement, (a) => (costs.get(idOf(a)) ?? 0) + staticAtomCost(a) / 1000);
}
