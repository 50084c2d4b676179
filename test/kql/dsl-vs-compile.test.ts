import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { KueryNode } from '../../src/kql/ast.js';
import { compileKql } from '../../src/kql/compile.js';
import { toElasticsearchQuery } from '../../src/kql/dsl.js';
import { document, FIELDS, kueryNode } from './arbitraries.js';
import { evaluateDsl, leafPathsOf } from './dsl-eval.js';

/** Range and exists on "no field" are artefacts of the arbitrary: Kibana's parser cannot write them. */
function parserShaped(node: KueryNode): boolean {
  switch (node.function) {
    case 'range':
    case 'exists':
      return node.arguments[0].value !== null;
    case 'and':
    case 'or':
      return node.arguments.every(parserShaped);
    case 'not':
      return parserShaped(node.arguments[0]);
    case 'nested':
      return parserShaped(node.arguments[1]);
    case 'is':
      return true;
  }
}

describe('the DSL agrees with the compiled predicate', () => {
  it('gives the same verdict on an all-keyword data view of the document, for any tree', () => {
    fc.assert(
      fc.property(kueryNode.filter(parserShaped), document, (ast, doc) => {
        // A field holding only objects in this document is an object in its mapping, not a keyword:
        // a keyword mapping would refuse the document (mapper_parsing_exception), so it is left out.
        const leaves = leafPathsOf(doc);
        const objects = new Set([...leaves].flatMap((p) => p.split('.').slice(1).map((_, i) => p.split('.').slice(0, i + 1).join('.'))));
        const fieldTypes = Object.fromEntries([...FIELDS, ...leaves].filter((f) => leaves.has(f) || !objects.has(f)).map((f) => [f, 'keyword']));
        const dsl = toElasticsearchQuery(ast, { fieldTypes });
        expect(evaluateDsl(dsl, doc)).toBe(compileKql(ast)(doc));
      }),
      { numRuns: 2000 },
    );
  });

  it('an object field in the document is not in the keyword data view (seed 2075660052: `*.c:*` over {a: {"b.c": [{a: {a: [0]}}]}})', () => {
    const ast: KueryNode = {
      type: 'function',
      function: 'is',
      arguments: [
        { type: 'wildcard', value: '@kuery-wildcard@.c' },
        { type: 'wildcard', value: '@kuery-wildcard@' },
      ],
    };
    const doc = { a: { 'b.c': [{ a: { a: [0] } }] } };
    expect(compileKql(ast)(doc)).toBe(false);
    const dsl = toElasticsearchQuery(ast, { fieldTypes: { 'a.b.c.a.a': 'keyword' } });
    expect(evaluateDsl(dsl, doc)).toBe(false);
  });

  it('f:** is a wildcard query, not exists: false on an object field, as compile says', () => {
    const ast: KueryNode = {
      type: 'function',
      function: 'is',
      arguments: [
        { type: 'literal', value: 'f', isQuoted: false },
        { type: 'wildcard', value: '@kuery-wildcard@@kuery-wildcard@' },
      ],
    };
    const doc = { f: { g: 'x' } };
    const dsl = toElasticsearchQuery(ast, { fieldTypes: { f: 'keyword', 'f.g': 'keyword' } });
    expect(dsl).toEqual({ bool: { should: [{ wildcard: { f: { value: '**' } } }], minimum_should_match: 1 } });
    expect(evaluateDsl(dsl, doc)).toBe(false);
    expect(compileKql(ast)(doc)).toBe(false);
    expect(compileKql(ast)({ f: 'x' })).toBe(true);
  });
});
