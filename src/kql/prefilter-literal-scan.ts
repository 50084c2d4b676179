/**
 * The prefilter's needles searched in one pass (io/literal-search) instead of one Buffer.indexOf
 * pass per search key: each needle becomes one literal, its required quotes included (`"kmod"`),
 * plus the escape triggers (`\u`, and `\/` when a needle holds `/`), and a line is a candidate when
 * a literal lies whole inside it. This marks exactly the lines scanLines marks (the needles' quotes
 * are checked inside the line there too); test/kql/prefilter.test.ts holds both to the same laws.
 */
import { createLiteralSearch, preferredEngine, type LiteralSearch } from '../io/literal-search/index.js';
import type { ByteLines } from './prefilter-scan.js';

/** At most this many literals go to the SIMD search; a bigger needle set keeps the indexOf passes. */
const MAX_LITERALS = 64;

/**
 * The one-pass search for `literals` (latin1 strings), or null where it would not pay: the SIMD
 * engine is unavailable (then the per-key indexOf passes, with their shared keys, are faster than
 * one indexOf pass per literal), a literal is empty, or there are too many. With `arenaBytes`, a
 * search of its own whose arena a reader may fill; without, one shared with other callers.
 */
export function createNeedleSearch(literals: readonly string[], arenaBytes?: number): LiteralSearch | null {
  if (preferredEngine() !== 'wasm-simd') return null;
  if (literals.length === 0 || literals.length > MAX_LITERALS || literals.some((l) => l.length === 0)) return null;
  if (arenaBytes !== undefined) return createLiteralSearch(literals.map((l) => Buffer.from(l, 'latin1')), { arenaBytes });
  const key = JSON.stringify(literals);
  let search = recent.get(key);
  if (search === undefined) {
    search = createLiteralSearch(literals.map((l) => Buffer.from(l, 'latin1')));
    if (recent.size >= RECENT) recent.delete(recent.keys().next().value!);
  } else {
    recent.delete(key);
  }
  recent.set(key, search);
  return search;
}

/**
 * Searches made lately, by literal list: each holds a WebAssembly instance and its memory, and a
 * caller that derives its prefilter afresh for each input (the CLI per file, tests per case) gets
 * the same needles again. Sharing one is safe: a scan runs to its end before the next starts, and
 * nothing here uses the arena.
 */
const recent = new Map<string, LiteralSearch>();
const RECENT = 16;

const tuned = new WeakSet<LiteralSearch>();

/** First line at or after `from` whose successor starts after `pos` (the line holding `pos`). */
export function lineAt(starts: ArrayLike<number>, from: number, count: number, pos: number): number {
  let a = from;
  let b = count - 1;
  while (a < b) {
    const mid = (a + b + 1) >>> 1;
    if (starts[mid]! <= pos) a = mid;
    else b = mid - 1;
  }
  return a;
}

/** 1 for each line of the batch that holds one of the search's literals whole, 0 otherwise. */
export function markLiteralLines(search: LiteralSearch, batch: ByteLines): Uint8Array {
  const { count, starts, ends } = batch;
  const mask = new Uint8Array(count);
  if (count === 0) return mask;
  const lo = starts[0]!;
  const hi = ends[count - 1]!;
  if (hi <= lo) return mask;
  if (!tuned.has(search)) {
    // The first batch a search sees stands for the data to come: where each literal is rarest.
    search.tune(batch.buf.subarray(lo, hi));
    tuned.add(search);
  }
  const found = search.scan(batch.buf, lo, hi);
  const lengths = search.literals.map((l) => l.length);
  let line = 0;
  for (let i = 0; i < found.count; i++) {
    const pos = found.positions[i]!;
    line = lineAt(starts, line, count, pos);
    if (mask[line] === 1 || pos < starts[line]!) continue;
    if (pos + lengths[found.literals[i]!]! <= ends[line]!) mask[line] = 1;
  }
  return mask;
}
