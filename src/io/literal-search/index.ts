/**
 * One pass for all literals: `createLiteralSearch(literals)` finds every occurrence of any of up to
 * 64 byte strings. Where WebAssembly SIMD is available (every Node this project supports, unless
 * disabled) the search is the Teddy kernel in assembly/teddy.ts; elsewhere, or with
 * KMOD_LITERAL_SEARCH=indexOf in the environment, one Buffer.indexOf pass per literal. Both report
 * exactly the same occurrences (test/io/literal-search.test.ts).
 */
import { createIndexOfSearch } from './indexof-search.js';
import type { LiteralSearch, LiteralSearchEngine } from './types.js';
import { createWasmSearch, MAX_WASM_LITERALS, wasmSimdAvailable, type WasmSearchOptions } from './wasm-search.js';

export type { LiteralMatches, LiteralSearch, LiteralSearchEngine } from './types.js';

let defaultEngine: LiteralSearchEngine | undefined;

/** The engine chosen once per process: the SIMD one unless unavailable or switched off. */
export function preferredEngine(): LiteralSearchEngine {
  defaultEngine ??= process.env['KMOD_LITERAL_SEARCH'] === 'indexOf' || !wasmSimdAvailable() ? 'indexOf' : 'wasm-simd';
  return defaultEngine;
}

export interface LiteralSearchOptions extends WasmSearchOptions {
  /** Force an engine (tests, benchmarks); default preferredEngine(). */
  engine?: LiteralSearchEngine;
}

export function createLiteralSearch(literals: readonly Uint8Array[], opts: LiteralSearchOptions = {}): LiteralSearch {
  if (literals.some((l) => l.length === 0)) throw new RangeError('a literal to search for must not be empty');
  const engine = opts.engine ?? preferredEngine();
  if (engine === 'wasm-simd' && literals.length > 0 && literals.length <= MAX_WASM_LITERALS) return createWasmSearch(literals, opts);
  return createIndexOfSearch(literals);
}
