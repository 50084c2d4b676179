import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLiteralSearch, preferredEngine, type LiteralMatches } from '../../src/io/literal-search/index.js';
import { createIndexOfSearch } from '../../src/io/literal-search/indexof-search.js';
import { chooseAnchors, wasmSimdAvailable } from '../../src/io/literal-search/wasm-search.js';

/** What one Buffer.indexOf loop per literal finds, as sorted (position, literal) pairs. */
function byIndexOf(literals: readonly Uint8Array[], buf: Buffer, start: number, end: number): Array<[number, number]> {
  const view = buf.subarray(start, end);
  const out: Array<[number, number]> = [];
  literals.forEach((lit, id) => {
    const key = Buffer.from(lit);
    for (let p = view.indexOf(key); p !== -1 && p + key.length <= view.length; p = view.indexOf(key, p + 1)) out.push([p + start, id]);
  });
  return out.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

function pairs(m: LiteralMatches): Array<[number, number]> {
  return Array.from({ length: m.count }, (_v, i) => [m.positions[i]!, m.literals[i]!] as [number, number]);
}

/**
 * Bytes that make collisions likely: a few letters, the JSON quote and backslash, a newline, and
 * the bytes of UTF-8 sequences (é, U+FFFD) and 0xff/0x00, so nibble tables meet high bytes too.
 */
const BYTE = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(0x61, 0x62, 0x63, 0x22, 0x5c, 0x75, 0x0a, 0xc3, 0xa9, 0xef, 0xbf, 0xbd, 0xff, 0x00) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 255 }) },
);

/** 1–16 literals of 1–32 bytes; many share a prefix with another literal. */
const LITERALS = fc
  .tuple(fc.uint8Array({ minLength: 1, maxLength: 32 }).chain((p) => fc.constant(p)), fc.array(fc.tuple(fc.nat(32), fc.array(BYTE, { maxLength: 32 }), fc.boolean()), { minLength: 1, maxLength: 16 }))
  .map(([prefix, specs]) => {
    const prefixBytes = [...prefix].map((b) => b);
    return specs.map(([cut, tail, shared]) => {
      const head = shared ? prefixBytes.slice(0, cut) : [];
      const bytes = [...head, ...tail].slice(0, 32);
      return Uint8Array.from(bytes.length > 0 ? bytes : [0x61]);
    });
  });

/** A buffer of colliding bytes with some literals planted in it, also at its very end. */
const CASE = LITERALS.chain((literals) =>
  fc
    .record({
      noise: fc.array(BYTE, { maxLength: 700 }),
      plants: fc.array(fc.tuple(fc.nat(700), fc.nat(literals.length - 1)), { maxLength: 12 }),
      atEnd: fc.option(fc.nat(literals.length - 1)),
      cut: fc.tuple(fc.nat(40), fc.nat(40)),
      tuneOn: fc.option(fc.array(BYTE, { maxLength: 300 })),
      windowBytes: fc.integer({ min: 64, max: 300 }),
    })
    .map(({ noise, plants, atEnd, cut, windowBytes, tuneOn }) => {
      const bytes = [...noise];
      for (const [at, id] of plants) bytes.splice(Math.min(at, bytes.length), 0, ...literals[id]!);
      if (atEnd !== null) bytes.push(...literals[atEnd]!);
      const buf = Buffer.from(bytes);
      const start = Math.min(cut[0], buf.length);
      const end = Math.max(start, buf.length - cut[1]);
      return { literals, buf, start, end, windowBytes, tuneOn: tuneOn === null ? null : Buffer.from(tuneOn) };
    }),
);

describe('literal search', () => {
  it('uses WebAssembly SIMD on every Node this project supports', () => {
    expect(wasmSimdAvailable()).toBe(true);
    expect(createLiteralSearch([Buffer.from('kmod')], { engine: 'wasm-simd' }).engine).toBe('wasm-simd');
    if (process.env['KMOD_LITERAL_SEARCH'] !== 'indexOf') expect(preferredEngine()).toBe('wasm-simd');
  });

  it('the SIMD search reports exactly what Buffer.indexOf finds, across window edges and at the end', () => {
    fc.assert(
      fc.property(CASE, ({ literals, buf, start, end, windowBytes, tuneOn }) => {
        const search = createLiteralSearch(literals, { engine: 'wasm-simd', windowBytes });
        expect(search.engine).toBe('wasm-simd');
        // Anchors chosen on a sample (half the cases) change where candidates come from, not what is found.
        if (tuneOn !== null) search.tune(tuneOn.length > 0 ? tuneOn : buf);
        expect(pairs(search.scan(buf, start, end))).toEqual(byIndexOf(literals, buf, start, end));
      }),
      { numRuns: 400 },
    );
  });

  it('reports the same for bytes read into its arena as for a copy elsewhere, and never writes the arena', () => {
    fc.assert(
      fc.property(CASE, ({ literals, buf, start, end, windowBytes }) => {
        const search = createLiteralSearch(literals, { engine: 'wasm-simd', windowBytes, arenaBytes: 2048 });
        const at = 100;
        buf.copy(search.arena, at);
        const before = Buffer.from(search.arena);
        const inArena = pairs(search.scan(search.arena, at + start, at + end)).map(([p, id]) => [p - at, id]);
        expect(inArena).toEqual(byIndexOf(literals, buf, start, end));
        // A buffer elsewhere (the reader's joined line, say) is searched through a window of its own.
        search.scan(Buffer.from(buf), start, end);
        expect(search.arena.equals(before)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('the indexOf engine (the fallback) agrees with the reference', () => {
    fc.assert(
      fc.property(CASE, ({ literals, buf, start, end }) => {
        expect(pairs(createIndexOfSearch(literals).scan(buf, start, end))).toEqual(byIndexOf(literals, buf, start, end));
      }),
      { numRuns: 100 },
    );
  });

  it('resumes when one scan finds more occurrences than its output holds', () => {
    const literals = [Buffer.from('a'), Buffer.from('aa'), Buffer.from('ab')];
    const buf = Buffer.from(`${'a'.repeat(30_000)}b`);
    const found = createLiteralSearch(literals, { engine: 'wasm-simd' }).scan(buf);
    expect(found.count).toBe(30_000 + 29_999 + 1);
    expect(pairs(found)).toEqual(byIndexOf(literals, buf, 0, buf.length));
  });

  it('finds a literal on each side of every 16-byte block edge', () => {
    const lit = Buffer.from('"kmod"');
    for (let at = 0; at < 40; at++) {
      const buf = Buffer.alloc(48, 0x20);
      lit.copy(buf, Math.min(at, buf.length - lit.length));
      const got = pairs(createLiteralSearch([lit], { engine: 'wasm-simd' }).scan(buf));
      expect(got).toEqual(byIndexOf([lit], buf, 0, buf.length));
      expect(got).toHaveLength(1);
    }
  });

  it('anchors each literal where its fingerprint is rarest in the sample', () => {
    const sample = Buffer.from('{"module":"mod","mode":"x","info":"nfo?"}'.repeat(20));
    // `"m`, `mo` and `od` are everywhere in the sample, `di` (anchor 3) nowhere.
    expect(chooseAnchors([Buffer.from('"modinfo"')], sample)).toEqual({ anchors: [3], width: 2 });
    // With more literals than buckets, fingerprints keep 3 bytes: `odi` (anchor 2) is the rarest.
    const many = ['"modinfo"', ...'abcdefghi'.split('').map((c) => `"${c}${c}${c}"`)].map((t) => Buffer.from(t));
    expect(chooseAnchors(many, sample).width).toBe(3);
    expect(chooseAnchors(many, sample).anchors[0]).toBe(2);
    // Without a sample's say, the anchor skips the quote.
    expect(chooseAnchors([Buffer.from('"kmod"')], Buffer.alloc(0))).toEqual({ anchors: [1], width: 3 });
    // Two bytes suffice where they stay rare: `km` never occurs in this sample.
    expect(chooseAnchors([Buffer.from('"kmod"')], sample)).toEqual({ anchors: [1], width: 2 });
  });

  it('refuses an empty literal (Buffer.indexOf would find it everywhere)', () => {
    expect(() => createLiteralSearch([Buffer.alloc(0)])).toThrow(RangeError);
  });
});
