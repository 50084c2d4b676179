/**
 * The evaluator reads the DSL Kibana's KQL translation writes exactly as the KQL compiler reads the
 * KQL: for any tree on plain field names (all keyword, the data view the translation is given), the
 * evaluator's verdict on toElasticsearchQuery(tree) equals compileKql(tree). One semantics, two doors.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { KueryNode } from '../../../src/kql/ast.js';
import { compileKql } from '../../../src/kql/compile.js';
import { toElasticsearchQuery } from '../../../src/kql/dsl.js';
import { compileDslQuery } from '../../../src/kql/query-dsl/compile.js';
import { document, FIELDS, kueryNode } from '../arbitraries.js';

/** Trees on literal field names, without nested and null values (Elasticsearch refuses a null term). */
function translatable(node: KueryNode): boolean {
  switch (node.function) {
    case 'and':
    case 'or':
      return node.arguments.every(translatable);
    case 'not':
      return translatable(node.arguments[0]);
    case 'nested':
      return false;
    case 'exists':
      return true;
    case 'is':
      return node.arguments[0].type === 'literal' && node.arguments[0].value !== null && node.arguments[1].value !== null;
    case 'range':
      return node.arguments[0].type === 'literal' && node.arguments[0].value !== null && node.arguments[2].value !== null;
  }
}

const KEYWORDS = Object.fromEntries(FIELDS.map((f) => [f, 'keyword']));

describe('the Query DSL evaluator and the KQL compiler agree', () => {
  it('on the translation of any KQL tree over keyword fields', () => {
    fc.assert(
      fc.property(kueryNode.filter(translatable), document, (ast, doc) => {
        const dsl = toElasticsearchQuery(ast, { fieldTypes: KEYWORDS });
        expect(compileDslQuery(dsl, { ignoreAbove: 1024 })(doc)).toBe(compileKql(ast)(doc));
      }),
      { numRuns: 1500 },
    );
  });
});

const MAPPINGS = [{ type: 'keyword' }, { type: 'keyword', normalizer: 'lowercase' }, { type: 'keyword', ignore_above: 3 }, { type: 'long' }, { type: 'double' }, { type: 'ip' }, { type: 'boolean' }, { type: 'text' }, { type: 'wildcard' }];
const typeTable = fc.tuple(...FIELDS.map(() => fc.constantFrom(...MAPPINGS))).map((ms) => Object.fromEntries(FIELDS.map((f, i) => [f, ms[i]!])));

/** The verdict, or that the clause is refused (Elasticsearch's error for the field's type). */
function verdict(run: () => (doc: unknown) => boolean, doc: unknown): boolean | 'refused' {
  let test: (doc: unknown) => boolean;
  try {
    test = run();
  } catch {
    return 'refused';
  }
  return test(doc);
}

describe('the Query DSL evaluator and the typed KQL compiler agree', () => {
  it('on the translation of any KQL tree, field by field typed keyword, number, ip, boolean, text or wildcard', () => {
    fc.assert(
      fc.property(kueryNode.filter(translatable), typeTable, document, (ast, table, doc) => {
        const dsl = toElasticsearchQuery(ast, { fieldTypes: Object.fromEntries(Object.entries(table).map(([f, m]) => [f, m.type])) });
        const kql = verdict(() => compileKql(ast, { fieldTypes: table }), doc);
        const viaDsl = verdict(() => compileDslQuery(dsl, { ignoreAbove: 1024, fieldTypes: table }), doc);
        expect(viaDsl).toBe(kql);
      }),
      { numRuns: 1500 },
    );
  });
});
