import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { NeedleAtom, Prefilter } from '../../src/kql/prefilter.js';
import { derivePrefilter } from '../../src/kql/prefilter.js';
import { calibratePrefilter, chooseSearchKeys, jsonSpelling, prefilterBatch, byteLinesOf } from '../../src/kql/prefilter-scan.js';
import { or, is, V210_AST } from './ast-builders.js';
import { mulberry32, spellJson } from './json-spelling.js';

const lines = (...ls: string[]) => byteLinesOf(Buffer.from(ls.join('\n'), 'utf8'));
const atom = (text: string, quoteBefore = true, quoteAfter = true): NeedleAtom => ({ text, quoteBefore, quoteAfter, field: null });
/** The bytes a line holding the atom must contain, as chooseSearchKeys sees them (latin1 of UTF-8). */
const searchable = (a: NeedleAtom) => Buffer.from(jsonSpelling(a.text), 'utf8').toString('latin1') + (a.quoteAfter ? '"' : '');

const textArb = fc.stringMatching(/^[a-z"\\/é😀 -]{1,9}$/);
const atomArb = fc.record({ text: textArb, quoteBefore: fc.boolean(), quoteAfter: fc.boolean(), field: fc.constant(null) });

describe('chooseSearchKeys: search keys chosen on a sample', () => {
  it('shares one key when one pass is cheaper than several (the v210 names share `mod`)', () => {
    const sample = lines(...Array.from({ length: 50 }, (_, i) => `{"process":{"name":"bash","pid":${i}},"host":{"name":"web-01"}}`));
    const { keys } = chooseSearchKeys(['lsmod', 'modinfo', 'kmod', 'depmod'].map((t) => atom(t)), sample);
    expect(keys).toEqual(['mod']);
  });

  it('splits needles apart when the shared substring hits the sample too often', () => {
    const noisy = `{"event":{"module":"${'module,'.repeat(40)}"},"x":"modem"}`;
    const { keys } = chooseSearchKeys([atom('lsmod'), atom('depmod')], lines(...Array.from({ length: 50 }, () => noisy)));
    expect(keys).toHaveLength(2);
    expect(keys).not.toContain('mod');
  });

  it('every key is a substring (≤ 7 bytes, not starting with a quote) of a needle, and every needle has one', () => {
    fc.assert(
      fc.property(fc.array(atomArb, { minLength: 1, maxLength: 6 }), fc.array(fc.stringMatching(/^[a-z"\\ é{}:,]{1,40}$/), { minLength: 1, maxLength: 8 }), (atoms, ls) => {
        const { keys } = chooseSearchKeys(atoms, lines(...ls));
        const texts = atoms.map(searchable).filter((t) => !t.includes('\\u'));
        for (const k of keys) {
          expect(k.length).toBeLessThanOrEqual(7);
          expect(k.length).toBeGreaterThan(0);
          if (k !== '"') expect(k.charCodeAt(0)).not.toBe(0x22);
          expect(texts.some((t) => t.includes(k))).toBe(true);
        }
        for (const t of texts) expect(keys.some((k) => t.includes(k))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe('search keys never cost soundness', () => {
  it('a line holding a needle (in any JSON spelling) is marked whatever keys are given', () => {
    fc.assert(
      fc.property(
        atomArb,
        fc.array(fc.oneof(fc.stringMatching(/^[a-z"\\/ -]{0,4}$/), fc.constant('mod'), fc.constant('"')), { maxLength: 4 }),
        fc.nat(),
        fc.string({ maxLength: 6 }),
        fc.string({ maxLength: 6 }),
        fc.integer(),
        (a, randomKeys, cut, pre, post, seed) => {
          const t = searchable(a);
          // Keys taken from the needle's own bytes, random keys, or none at all.
          const i = cut % t.length;
          const own = [t.slice(i, i + 1 + (cut % 7)), t.slice(0, 3)];
          const keys = seed % 3 === 0 ? own : seed % 3 === 1 ? [...randomKeys, ...own] : randomKeys;
          const value = (a.quoteBefore ? '' : pre) + a.text + (a.quoteAfter ? '' : post);
          const rnd = mulberry32(seed);
          const opts = seed % 2 === 0 ? { escapeString: 0, escapeChar: 0 } : { escapeString: 0.3, escapeChar: 0.3 };
          const line = spellJson({ y: 'lsmod mod', x: value, z: [1, 'depmod'] }, rnd, opts);
          const pf: Prefilter = { requirement: { kind: 'atom', atom: a }, needles: [a], searchKeys: keys };
          const mask = prefilterBatch(pf, lines('{"a":"modinfo"}', line, '{"b":"x"}'));
          expect(mask[1]).toBe(1);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('calibration records the keys it chose, and they mark the same lines as the default grouping', () => {
    const ls = ['{"process":{"name":"kmod","args":["kmod","list"]}}', '{"process":{"name":"modprobe"}}', '{"p":"lsmod"}', '{"p":"xdepmod"}', '{"p":"\\u006csmod"}'];
    const derived = derivePrefilter(V210_AST)!;
    const pf = calibratePrefilter(derived, lines(...ls));
    expect(pf.searchKeys).toBeDefined();
    expect([...prefilterBatch(pf, lines(...ls))]).toEqual([...prefilterBatch({ ...pf, searchKeys: undefined }, lines(...ls))]);
    const two = derivePrefilter(or(is('n', 'lsmod'), is('n', 'depmod')))!;
    expect([...prefilterBatch(calibratePrefilter(two, lines(...ls)), lines(...ls))]).toEqual([0, 0, 1, 0, 1]);
  });
});
