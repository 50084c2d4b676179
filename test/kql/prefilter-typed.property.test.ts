/**
 * The prefilter stays sound with field types: for each type, over random documents whose values are
 * spelled as Elasticsearch would accept them (numbers as strings, `1.0`, IPv4-mapped addresses,
 * upper case under a lowercase normalizer, words around a text token), a line the prefilter passes
 * over never holds an event the typed predicate matches.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compileKql } from '../../src/kql/compile.js';
import { parseKql } from '../../src/kql/parse.js';
import { derivePrefilter } from '../../src/kql/prefilter.js';
import { prefilterBatch, byteLinesOf } from '../../src/kql/prefilter-scan.js';
import { prefilterQuery } from '../../src/kql/prefilter-typed.js';
import type { FieldMapping } from '../../src/ecs/field-types.js';

interface TypeCase {
  mapping: FieldMapping;
  /** Query values for `f:<value>` clauses. */
  queryValue: fc.Arbitrary<string>;
  /** Document values of the field, in the spellings a document may use. */
  docValue: fc.Arbitrary<unknown>;
}

const small = fc.integer({ min: -3, max: 3 });
const octet = fc.integer({ min: 0, max: 3 });
const ipv4 = fc.tuple(octet, octet).map(([a, b]) => `10.0.${a}.${b}`);
const word = fc.constantFrom('lsmod', 'LsMod', 'kmod', 'KMOD', 'list', 'bin');
const day = fc.integer({ min: 1, max: 3 });
const hour = fc.integer({ min: 0, max: 23 });
const instant = fc.tuple(day, hour).map(([d, h]) => Date.UTC(2024, 4, 10 + d, h));

const CASES: Record<string, TypeCase> = {
  long: { mapping: { type: 'long' }, queryValue: small.map(String), docValue: fc.oneof(small, small.map(String), small.map((n) => `${n}.0`), small.map((n) => n + 0.5)) },
  double: { mapping: { type: 'double' }, queryValue: fc.oneof(small.map(String), small.map((n) => `${n}.5`)), docValue: fc.oneof(small, small.map((n) => n + 0.5), small.map((n) => `${n}.50`)) },
  boolean: { mapping: { type: 'boolean' }, queryValue: fc.constantFrom('true', 'false'), docValue: fc.constantFrom(true, false, 'true', 'false', '') },
  ip: { mapping: { type: 'ip' }, queryValue: fc.oneof(ipv4, fc.constant('10.0.0.0/30')), docValue: fc.oneof(ipv4, ipv4.map((a) => `::ffff:${a}`), ipv4.map((a) => `::FFFF:${a}`)) },
  caseless: { mapping: { type: 'keyword', normalizer: 'lowercase', ignore_above: 1024 }, queryValue: word, docValue: word },
  date: {
    mapping: { type: 'date' },
    queryValue: fc.oneof(day.map((d) => `2024-05-1${d}`), instant.map((ms) => `"${new Date(ms).toISOString()}"`), instant.map(String)),
    // The same instants as ISO with an offset, epoch millis as a string and as a number.
    docValue: fc.oneof(instant.map((ms) => new Date(ms).toISOString()), instant.map((ms) => new Date(ms + 7_200_000).toISOString().replace('Z', '+02:00')), instant.map(String), instant),
  },
  text: { mapping: { type: 'text' }, queryValue: fc.oneof(word, fc.tuple(word, word).map(([a, b]) => `"${a} ${b}"`)), docValue: fc.array(word, { minLength: 1, maxLength: 4 }).map((ws) => `/usr/${ws.join(' ')}`) },
};

describe('prefilter soundness by field type', () => {
  for (const [name, c] of Object.entries(CASES)) {
    it(`${name}: the prefilter never drops an event the typed predicate matches`, () => {
      const table = { f: c.mapping };
      let matched = 0;
      let kept = 0;
      fc.assert(
        fc.property(
          fc.array(c.queryValue, { minLength: 1, maxLength: 3 }),
          fc.constantFrom('or', 'and'),
          fc.array(fc.oneof(c.docValue, fc.array(c.docValue, { maxLength: 3 })), { minLength: 1, maxLength: 8 }),
          (values, op, docs) => {
            const query = values.map((v) => `f:${v}`).join(` ${op} `) + ' and k:x';
            const ast = parseKql(query);
            const predicate = compileKql(ast, { fieldTypes: table });
            const pf = derivePrefilter(prefilterQuery(ast, table));
            const lines = docs.map((v) => JSON.stringify({ f: v, k: 'x' }));
            const mask = pf === null ? undefined : prefilterBatch(pf, byteLinesOf(Buffer.from(lines.join('\n'))));
            docs.forEach((v, i) => {
              if (!predicate({ f: v, k: 'x' })) return;
              matched++;
              if (mask === undefined) return;
              expect(mask[i], `${query} on ${lines[i]}`).toBe(1);
              kept++;
            });
          },
        ),
        { numRuns: 150 },
      );
      // Not vacuous: events matched, and lines went through a prefilter.
      expect(matched).toBeGreaterThan(20);
      expect(kept).toBeGreaterThan(0);
    });
  }

  it('keeps the literals of plain keyword clauses', () => {
    const ast = parseKql('f:5 and k:needle');
    expect(derivePrefilter(prefilterQuery(ast, { f: { type: 'long' } }))?.needles.map((n) => n.text)).toEqual(['needle']);
  });
});
