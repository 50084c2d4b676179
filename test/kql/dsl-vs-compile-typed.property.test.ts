/**
 * Per field type, the `dsl` command's Query DSL (kql/dsl.ts, with the data view drawn from the
 * mapping) and the compiled predicate (kql/compile.ts with the same mapping) agree: on every
 * document the oracle (dsl-eval-typed.ts, Elasticsearch's per-type semantics written independently)
 * gives the predicate's verdict, and a clause Elasticsearch would refuse fails both.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileKql } from '../../src/kql/compile.js';
import { toElasticsearchQuery } from '../../src/kql/dsl.js';
import { parseKql } from '../../src/kql/parse.js';
import { KqlTypeError } from '../../src/kql/typed-clauses.js';
import type { FieldMapping } from '../../src/ecs/field-types.js';
import { evaluateTypedDsl, OracleError } from './dsl-eval-typed.js';

interface TypeCase {
  mapping: FieldMapping;
  /** Clauses on field `f` (KQL text), valid and invalid for the type. */
  clause: fc.Arbitrary<string>;
  /** Document values of `f`. */
  doc: fc.Arbitrary<unknown>;
}

const small = fc.integer({ min: -2, max: 2 });
const word = fc.constantFrom('lsmod', 'LsMod', 'kmod', 'list', 'bin', 'longer-than-8');
const octet = fc.integer({ min: 0, max: 3 });
const addr = fc.tuple(octet, octet).map(([a, b]) => `10.0.${a}.${b}`);
const instant = fc.tuple(fc.integer({ min: 13, max: 15 }), fc.constantFrom(0, 12, 23), fc.constantFrom(0, 59), fc.constantFrom(0, 0, 500, 999)).map(([d, h, s, ms]) => Date.UTC(2024, 4, d, h, 0, s, ms));
const iso = instant.map((ms) => new Date(ms).toISOString());
// To the second: bounds Elasticsearch rounds up to .999 for lte and gt.
const isoSeconds = iso.map((s) => s.replace(/\.\d{3}Z$/, 'Z'));
const rangeOp = fc.constantFrom('<', '<=', '>', '>=');

/** date and date_nanos take the same clauses and documents (date_nanos only keeps more digits). */
const dateArbitraries = {
  clause: fc.oneof(
    fc.constantFrom('f:2024-05-13', 'f:2024-05-14', 'f:*', 'f:2024*', 'f:yesterday'),
    { arbitrary: isoSeconds.map((s) => `f:"${s}"`), weight: 3 },
    iso.map((s) => `f:"${s}"`),
    instant.map((ms) => `f:${ms}`),
    { arbitrary: fc.tuple(rangeOp, fc.oneof(fc.constantFrom('2024-05-14', '2024-05-15'), isoSeconds.map((s) => `"${s}"`))).map(([op, v]) => `f ${op} ${v}`), weight: 3 },
  ),
  doc: fc.oneof(iso, isoSeconds, instant, fc.constant('14/05/2024')),
};

const CASES: Record<string, TypeCase> = {
  keyword: {
    mapping: { type: 'keyword', ignore_above: 8 },
    clause: fc.oneof(word.map((w) => `f:${w}`), word.map((w) => `f:"${w}"`), fc.constantFrom('f:*', 'f:ls*', 'f:*o*', 'f:L?Mod'), fc.tuple(rangeOp, word).map(([op, w]) => `f ${op} ${w}`)),
    doc: word,
  },
  caseless: {
    mapping: { type: 'keyword', normalizer: 'lowercase', ignore_above: 1024 },
    clause: fc.oneof(word.map((w) => `f:${w}`), fc.constantFrom('f:*', 'f:LS*', 'f:*MOD'), fc.tuple(rangeOp, word).map(([op, w]) => `f ${op} ${w}`)),
    doc: word,
  },
  wildcard: {
    mapping: { type: 'wildcard' },
    clause: fc.oneof(word.map((w) => `f:${w}`), fc.constantFrom('f:*', 'f:ls*', 'f:*-than-*')),
    doc: word,
  },
  long: {
    mapping: { type: 'long' },
    clause: fc.oneof(small.map((n) => `f:${n}`), small.map((n) => `f:"${n}"`), fc.constantFrom('f:1.5', 'f:*', 'f:abc', 'f:1*'), fc.tuple(rangeOp, small).map(([op, n]) => `f ${op} ${n}`)),
    doc: fc.oneof(small, small.map(String), small.map((n) => n + 0.5), fc.constant('x')),
  },
  double: {
    mapping: { type: 'double' },
    clause: fc.oneof(small.map((n) => `f:${n}`), small.map((n) => `f:${n}.5`), fc.constant('f:*'), fc.tuple(rangeOp, small).map(([op, n]) => `f ${op} ${n}.5`)),
    doc: fc.oneof(small, small.map((n) => n + 0.5), small.map((n) => `${n}.5`)),
  },
  boolean: {
    mapping: { type: 'boolean' },
    clause: fc.oneof(fc.constantFrom('f:true', 'f:false', 'f:"true"', 'f:*', 'f:yes', 'f:t*'), fc.tuple(rangeOp, fc.constantFrom('true', 'false')).map(([op, v]) => `f ${op} ${v}`)),
    doc: fc.constantFrom(true, false, 'true', 'false', '', 'no'),
  },
  ip: {
    mapping: { type: 'ip' },
    clause: fc.oneof(addr.map((a) => `f:${a}`), addr.map((a) => `f:"::ffff:${a}"`), fc.constantFrom('f:10.0.0.0/31', 'f:10.0.0.0/16', 'f:*', 'f:nope', 'f:10.*'), fc.tuple(rangeOp, addr).map(([op, a]) => `f ${op} ${a}`)),
    doc: fc.oneof(addr, addr.map((a) => `::ffff:${a}`), fc.constant('nope')),
  },
  date: { mapping: { type: 'date' }, ...dateArbitraries },
  date_nanos: { mapping: { type: 'date_nanos' }, ...dateArbitraries },
  text: {
    mapping: { type: 'text' },
    clause: fc.oneof(word.map((w) => `f:${w}`), fc.tuple(word, word).map(([a, b]) => `f:"${a} ${b}"`), fc.constantFrom('f:*', 'f:ls*', 'f:LS*')),
    doc: fc.array(word, { minLength: 0, maxLength: 4 }).map((ws) => `/usr/bin ${ws.join(' ')}`),
  },
};

/** The verdict, or 'error' when the search would fail. */
function outcome(run: () => boolean, errorType: new (...a: never[]) => Error): boolean | 'error' {
  try {
    return run();
  } catch (e) {
    if (e instanceof errorType) return 'error';
    throw e;
  }
}

describe('the DSL agrees with the compiled predicate, per field type', () => {
  for (const [name, c] of Object.entries(CASES)) {
    it(`${name}: Elasticsearch's reading of the DSL gives the predicate's verdict (or both fail)`, () => {
      const mappings = { f: c.mapping, k: { type: 'keyword' } };
      // Dates: few distinct instants, so bounds and values meet at the edges rounding decides.
      let matched = 0;
      let errors = 0;
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.boolean(), c.clause), { minLength: 1, maxLength: 3 }),
          fc.constantFrom(' and ', ' or '),
          fc.oneof(c.doc, fc.array(c.doc, { maxLength: 3 })),
          (clauses, op, value) => {
            const kql = clauses.map(([neg, cl]) => (neg ? `not ${cl}` : cl)).join(op);
            const ast = parseKql(kql);
            const doc = { f: value, k: 'x' };
            const dsl = toElasticsearchQuery(ast, { fieldTypes: { f: c.mapping.type, k: 'keyword' } });
            const predicate = outcome(() => compileKql(ast, { fieldTypes: mappings })(doc), KqlTypeError);
            const oracle = outcome(() => evaluateTypedDsl(dsl, doc, mappings), OracleError);
            expect(oracle, `${kql} on ${JSON.stringify(doc)}\nDSL ${JSON.stringify(dsl)}`).toBe(predicate);
            if (predicate === true) matched++;
            if (predicate === 'error') errors++;
          },
        ),
        { numRuns: name.startsWith('date') ? 1000 : 300 },
      );
      // Not vacuous: some documents matched.
      expect(matched).toBeGreaterThan(10);
      if (['long', 'boolean', 'ip', 'date', 'date_nanos'].includes(name)) expect(errors).toBeGreaterThan(0);
    });
  }
});
