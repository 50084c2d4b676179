/** Every occurrence of every literal in a range: `count` pairs, by position, then literal number. */
export interface LiteralMatches {
  count: number;
  /** Where each occurrence starts, as an offset into the buffer searched. */
  positions: Int32Array;
  /** Which literal occurs there: its index in the list the search was created with. */
  literals: Int32Array;
}

export type LiteralSearchEngine = 'wasm-simd' | 'indexOf';

/**
 * A search for a fixed set of byte strings. `scan` reports exactly the occurrences that a
 * `Buffer.indexOf` loop per literal finds in `buf.subarray(start, end)` (overlapping ones included),
 * as offsets into `buf`.
 */
export interface LiteralSearch {
  readonly engine: LiteralSearchEngine;
  readonly literals: readonly Uint8Array[];
  scan(buf: Uint8Array, start?: number, end?: number): LiteralMatches;
  /**
   * Re-chooses where in each literal the search looks first, by what is rare in `sample` (bytes
   * like those to come). Changes speed only, never what is found; the indexOf engine ignores it.
   */
  tune(sample: Uint8Array): void;
  /**
   * Memory the search reads without a copy: a reader that fills these bytes (e.g. `readSync` into
   * `arena.subarray(...)`) and scans them saves copying each chunk. The indexOf engine has none
   * (length 0). The arena never moves or grows while the search lives.
   */
  readonly arena: Buffer;
}
