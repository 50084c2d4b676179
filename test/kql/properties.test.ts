import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileKql } from '../../src/kql/compile.js';
import { evaluateKql } from './interpret.js';
import { KqlSyntaxError } from '../../src/kql/errors.js';
import { parseKql } from '../../src/kql/parse.js';
import { toKqlExpression } from '../../src/kql/print.js';
import { document, kueryNode, printableNode } from './arbitraries.js';

describe('compiled predicate vs reference interpreter', () => {
  it('agree on random trees and random documents', () => {
    fc.assert(
      fc.property(kueryNode, fc.array(document, { minLength: 1, maxLength: 5 }), (ast, docs) => {
        const predicate = compileKql(ast);
        for (const doc of docs) expect(predicate(doc)).toBe(evaluateKql(ast, doc));
      }),
      { numRuns: 1000, seed: 1 },
    );
  });

  it('agree with a small ignore_above', () => {
    fc.assert(
      fc.property(kueryNode, document, (ast, doc) => {
        expect(compileKql(ast, { ignoreAbove: 1 })(doc)).toBe(evaluateKql(ast, doc, 1));
      }),
      { numRuns: 500, seed: 1 },
    );
  });

  it('obey not/and/or laws: not flips, de Morgan holds', () => {
    fc.assert(
      fc.property(kueryNode, kueryNode, document, (x, y, doc) => {
        const not = (n: typeof x): typeof x => ({ type: 'function', function: 'not', arguments: [n] });
        const and = compileKql({ type: 'function', function: 'and', arguments: [x, y] });
        const orOfNots = compileKql({ type: 'function', function: 'or', arguments: [not(x), not(y)] });
        expect(compileKql(not(x))(doc)).toBe(!compileKql(x)(doc));
        expect(and(doc)).toBe(!orOfNots(doc));
      }),
      { numRuns: 500, seed: 1 },
    );
  });
});

describe('toKqlExpression', () => {
  it('prints any parser-producible tree as text that parses back to the same tree', () => {
    fc.assert(
      fc.property(printableNode, (ast) => {
        expect(parseKql(toKqlExpression(ast))).toEqual(ast);
      }),
      { numRuns: 1000, seed: 1 },
    );
  });

  it('round-trips whatever the parser reads from random text', () => {
    const pieces = ['a', 'b:', ':', ' ', '(', ')', '{', '}', '"', '\\', '*', ' or ', ' and ', 'not ', '<', '>=', '\t', '\u00a0', 'x'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 30 }).map((p) => p.join('')), (q) => {
        let ast;
        try {
          ast = parseKql(q);
        } catch (err) {
          expect(err).toBeInstanceOf(KqlSyntaxError);
          return;
        }
        expect(parseKql(toKqlExpression(ast))).toEqual(ast);
      }),
      { numRuns: 1000, seed: 1 },
    );
  });

  it('prints the v210 rule query back to an equivalent text', async () => {
    const { BUILTIN_RULE } = await import('../../src/rule/builtin.js');
    const ast = parseKql(BUILTIN_RULE.query!);
    expect(parseKql(toKqlExpression(ast))).toEqual(ast);
  });
});
