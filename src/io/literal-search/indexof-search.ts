/**
 * The portable engine: one `Buffer.indexOf` pass per literal (what the prefilter did before the
 * SIMD search), used where WebAssembly SIMD is unavailable, and the reference the SIMD engine is
 * tested against.
 */
import type { LiteralMatches, LiteralSearch } from './types.js';

export function createIndexOfSearch(literals: readonly Uint8Array[]): LiteralSearch {
  const keys = literals.map((l) => Buffer.from(l.buffer, l.byteOffset, l.byteLength));
  return {
    engine: 'indexOf',
    literals,
    arena: Buffer.alloc(0),
    tune() {},
    scan(buf, start = 0, end = buf.length) {
      const view = Buffer.from(buf.buffer, buf.byteOffset + start, Math.max(0, end - start));
      const found: Array<[number, number]> = [];
      keys.forEach((key, id) => {
        if (key.length === 0) return;
        for (let p = view.indexOf(key); p !== -1 && p + key.length <= view.length; p = view.indexOf(key, p + 1)) found.push([p + start, id]);
      });
      found.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      const out: LiteralMatches = { count: found.length, positions: new Int32Array(found.length), literals: new Int32Array(found.length) };
      found.forEach(([p, id], i) => {
        out.positions[i] = p;
        out.literals[i] = id;
      });
      return out;
    },
  };
}
