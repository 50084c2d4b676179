/** explain and the compiled predicate agree on typed fields, clause by clause and at the root. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compileKql } from '../../src/kql/compile.js';
import { explainKql } from '../../src/kql/explain.js';
import { parseKql } from '../../src/kql/parse.js';
import type { FieldTypeTable } from '../../src/kql/compile-typed.js';

const table: FieldTypeTable = {
  n: { type: 'long' },
  b: { type: 'boolean' },
  ip: { type: 'ip' },
  c: { type: 'keyword', normalizer: 'lowercase', ignore_above: 8 },
  t: { type: 'text' },
  'o.n': { type: 'integer' },
  d: { type: 'date' },
};

const n = fc.integer({ min: -2, max: 2 });
const word = fc.constantFrom('lsmod', 'LsMod', 'kmod', 'list', 'longer-than-8');
const instant = fc.integer({ min: 0, max: 47 }).map((h) => Date.UTC(2024, 4, 14, h));
const addr = fc.integer({ min: 0, max: 3 }).map((i) => `10.0.0.${i}`);

const clause = fc.oneof(
  n.map((v) => `n:${v}`),
  n.map((v) => `n >= ${v}`),
  fc.constantFrom('n:*', 'b:true', 'b:false', 'b:*', 'ip:10.0.0.0/31', 'ip:*', 'c:*', 'c:LS*', 't:*', 't:"bin lsmod"', 'o:{ n:1 }'),
  addr.map((a) => `ip:${a}`),
  addr.map((a) => `ip < ${a}`),
  word.map((w) => `c:${w}`),
  word.map((w) => `t:${w}`),
  fc.constantFrom('d:2024-05-14', 'd:*', 'd > 2024-05-14', 'd <= 2024-05-14', 'd:"2024-05-15||/d"'),
  instant.map((ms) => `d >= "${new Date(ms).toISOString()}"`),
);
const query = fc.array(fc.tuple(fc.boolean(), clause), { minLength: 1, maxLength: 4 }).chain((cs) =>
  fc.constantFrom(' and ', ' or ').map((op) => cs.map(([neg, c]) => (neg ? `not ${c}` : c)).join(op)),
);
const doc = fc.record(
  {
    n: fc.oneof(n, n.map(String), n.map((v) => v + 0.5), fc.constant('x')),
    b: fc.constantFrom(true, false, 'true', '', 'no'),
    ip: fc.oneof(addr, addr.map((a) => `::ffff:${a}`), fc.constant('nope')),
    c: word,
    t: fc.array(word, { maxLength: 3 }).map((ws) => `/usr/bin ${ws.join(' ')}`),
    d: fc.oneof(instant.map((ms) => new Date(ms).toISOString()), instant, fc.constant('not a date')),
    o: fc.array(fc.record({ n: fc.oneof(n, n.map(String)) }), { maxLength: 2 }),
  },
  { requiredKeys: [] },
);

describe('explain on typed fields', () => {
  it('gives the same verdict as the compiled predicate', () => {
    fc.assert(
      fc.property(query, doc, (q, d) => {
        const ast = parseKql(q);
        expect(explainKql(ast, d, table).verdict, q).toBe(compileKql(ast, { fieldTypes: table })(d));
      }),
      { numRuns: 150 },
    );
  });
});
