import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileKql } from '../../src/kql/compile.js';
import { explainKql, summarizeExplanation, ClauseCounter } from '../../src/kql/explain.js';
import { parseKql } from '../../src/kql/parse.js';
import { buildEsQuery } from '../../src/kql/dsl.js';
import { BUILTIN_RULE } from '../../src/rule/builtin.js';
import { document, kueryNode } from './arbitraries.js';
import { V210_AST } from './helpers/ast.js';

describe('explainKql agrees with compileKql', () => {
  it('gives the compiled predicate verdict for any tree and document', () => {
    fc.assert(
      fc.property(kueryNode, document, (ast, doc) => {
        expect(explainKql(ast, doc).verdict).toBe(compileKql(ast)(doc));
      }),
      { numRuns: 2000 },
    );
  });

  it('summaries and clause counts agree with the verdicts', () => {
    fc.assert(
      fc.property(kueryNode, fc.array(document, { maxLength: 5 }), (ast, docs) => {
        const counter = new ClauseCounter(ast);
        const predicate = compileKql(ast);
        for (const d of docs) expect(summarizeExplanation(counter.add(d)).matched).toBe(predicate(d));
        expect(counter.counts().matched).toBe(docs.filter(predicate).length);
      }),
    );
  });
});

describe('the built-in rule through the parser', () => {
  it('parses to the AST shape Kibana\'s grammar builds (the hand-built tree)', () => {
    expect(parseKql(BUILTIN_RULE.query)).toEqual(V210_AST);
  });

  it('translates to the same DSL as the hand-built tree (pinned to the seed file in dsl.test.ts)', () => {
    expect(buildEsQuery(parseKql(BUILTIN_RULE.query))).toEqual(buildEsQuery(V210_AST));
  });
});
