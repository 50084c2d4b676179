import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildEsQuery, toElasticsearchQuery, toQueryStringPattern } from '../../src/kql/dsl.js';
import { dataViewTypes, ecsFieldTypes } from '../../src/ecs/field-types.js';
import type { KueryNode } from '../../src/kql/ast.js';
import { and, is, lit, not, or, range, V210_AST, V211_AST, wc } from './helpers/ast.js';

type Obj = Record<string, unknown>;
const seedPath = new URL('../../fixtures/dsl/seed_query_dsl_term.json', import.meta.url);
const loadSeed = (): Obj => JSON.parse(readFileSync(seedPath, 'utf8')) as Obj;

/**
 * v210 = the seed (v211) DSL minus its two v211 parts. Dropping the wildcard clause leaves the outer
 * `or` with one child; the v210 query has no such `or` (its `not ( … )` group holds only the
 * parent-name list), so must_not holds that list's bool directly; then the newrelic-infra term goes.
 */
function v210FromSeed(): Obj {
  const seed = loadSeed();
  const top = (seed.bool as Obj).filter as Obj[];
  const clauses = ((top[0]!.bool as Obj).filter as Obj[]);
  const exclusion = clauses[clauses.length - 1]!.bool as Obj;
  const outerOr = (exclusion.must_not as Obj).bool as Obj;
  const [nameList, wildcardClause] = outerOr.should as Obj[];
  expect(JSON.stringify(wildcardClause)).toContain('process.parent.executable');
  const names = (nameList!.bool as Obj).should as Obj[];
  (nameList!.bool as Obj).should = names.filter((c) => !JSON.stringify(c).includes('newrelic-infra'));
  exclusion.must_not = nameList;
  return seed;
}

describe('buildEsQuery on the rule queries', () => {
  it('gives the seed file exactly for the v211 query', () => {
    expect(buildEsQuery(V211_AST)).toEqual(loadSeed());
  });

  it('gives the seed file minus the v211 parts for the v210 query', () => {
    const expected = v210FromSeed();
    expect(JSON.stringify(expected)).not.toContain('newrelic-infra');
    expect(buildEsQuery(V210_AST)).toEqual(expected);
  });

  it('keeps bool keys in Kibana order must, filter, should, must_not', () => {
    expect(Object.keys(buildEsQuery(V210_AST).bool)).toEqual(['must', 'filter', 'should', 'must_not']);
  });

  it('falls back to match queries when the data view does not know the fields', () => {
    const text = JSON.stringify(buildEsQuery(V210_AST, { fieldTypes: {} }));
    expect(text).not.toContain('"term"');
    expect(text).toContain('{"match":{"process.name":"lsmod"}}');
  });

  it('drops match_all clauses and appends extra filters after the query', () => {
    const all: KueryNode = { type: 'function', function: 'is', arguments: [wc('*'), wc('*')] };
    expect(buildEsQuery(all).bool.filter).toEqual([]);
    const extra = { term: { x: { value: 'y' } } };
    const q = buildEsQuery(is('process.name', 'lsmod'), { filters: [extra, { match_all: {} }] });
    expect(q.bool.filter[1]).toEqual(extra);
    expect(q.bool.filter).toHaveLength(2);
  });
});

describe('toElasticsearchQuery per node type', () => {
  const should = (...clauses: unknown[]) => ({ bool: { should: clauses, minimum_should_match: 1 } });

  it('is on a keyword field is a term query', () => {
    expect(toElasticsearchQuery(is('process.name', 'lsmod'))).toEqual(should({ term: { 'process.name': { value: 'lsmod' } } }));
  });

  it('is on a non-keyword field is match, or match_phrase when quoted', () => {
    expect(toElasticsearchQuery(is('process.command_line', 'lsmod'))).toEqual(should({ match: { 'process.command_line': 'lsmod' } }));
    expect(toElasticsearchQuery(is('message', lit('a b', true)))).toEqual(should({ match_phrase: { message: 'a b' } }));
  });

  it('a quoted value on a keyword field is still a term query', () => {
    expect(toElasticsearchQuery(is('process.name', lit('ls*', true)))).toEqual(should({ term: { 'process.name': { value: 'ls*' } } }));
  });

  it('field:* is an exists query', () => {
    expect(toElasticsearchQuery(is('process.name', wc('*')))).toEqual(should({ exists: { field: 'process.name' } }));
  });

  it('*:* is match_all', () => {
    const node: KueryNode = { type: 'function', function: 'is', arguments: [wc('*'), wc('*')] };
    expect(toElasticsearchQuery(node)).toEqual({ match_all: {} });
  });

  it('a wildcard value on a keyword field is an escaped wildcard query, elsewhere query_string', () => {
    const v = wc('/var/lib/dpkg/info/linux-modules*-generic.post*');
    expect(toElasticsearchQuery(is('process.parent.executable', v))).toEqual(
      should({ wildcard: { 'process.parent.executable': { value: '\\/var\\/lib\\/dpkg\\/info\\/linux\\-modules*\\-generic.post*' } } }),
    );
    expect(toElasticsearchQuery(is('message', wc('a?b*')))).toEqual(
      should({ query_string: { fields: ['message'], query: 'a\\?b*' } }),
    );
  });

  it('value-only queries become multi_match or query_string', () => {
    expect(toElasticsearchQuery(is(null, 'lsmod'))).toEqual({ multi_match: { type: 'best_fields', query: 'lsmod', lenient: true } });
    expect(toElasticsearchQuery(is(null, lit('ls mod', true)))).toEqual({ multi_match: { type: 'phrase', query: 'ls mod', lenient: true } });
    expect(toElasticsearchQuery(is(null, wc('ls*')))).toEqual({ query_string: { query: 'ls*' } });
  });

  it('a date field value becomes a closed range with the engine time zone, but not for epoch values', () => {
    expect(toElasticsearchQuery(is('@timestamp', '2024-05-14'))).toEqual(
      should({ range: { '@timestamp': { gte: '2024-05-14', lte: '2024-05-14', time_zone: 'Zulu' } } }),
    );
    expect(toElasticsearchQuery(is('@timestamp', '1715677200000'))).toEqual(
      should({ range: { '@timestamp': { gte: '1715677200000', lte: '1715677200000' } } }),
    );
  });

  it('a wildcard field name expands over the data view fields that match it', () => {
    const node: KueryNode = { type: 'function', function: 'is', arguments: [wc('process.parent.*'), lit('x')] };
    const q = toElasticsearchQuery(node, { fieldTypes: { 'process.parent.name': 'keyword', 'process.parent.pid': 'long', 'process.name': 'keyword' } });
    expect(q).toEqual(should({ term: { 'process.parent.name': { value: 'x' } } }, { match: { 'process.parent.pid': 'x' } }));
    const unknown = toElasticsearchQuery(node, { fieldTypes: {} });
    expect(unknown).toEqual(should({ match: { 'process.parent.*': 'x' } }));
  });

  it('and, or, not become bool filter, should, must_not', () => {
    const a = is('process.name', 'a');
    const b = is('process.name', 'b');
    const qa = toElasticsearchQuery(a);
    const qb = toElasticsearchQuery(b);
    expect(toElasticsearchQuery(and(a, b))).toEqual({ bool: { filter: [qa, qb] } });
    expect(toElasticsearchQuery(or(a, b))).toEqual({ bool: { should: [qa, qb], minimum_should_match: 1 } });
    expect(toElasticsearchQuery(not(a))).toEqual({ bool: { must_not: qa } });
  });

  it('range is a per-field range query, with time zone on dates', () => {
    expect(toElasticsearchQuery(range('process.pid', 'gte', '5'))).toEqual(should({ range: { 'process.pid': { gte: '5' } } }));
    expect(toElasticsearchQuery(range('event.ingested', 'lt', 'now-1d'))).toEqual(
      should({ range: { 'event.ingested': { lt: 'now-1d', time_zone: 'Zulu' } } }),
    );
  });

  it('exists and nested nodes, with nested paths prefixing inner fields', () => {
    const exists: KueryNode = { type: 'function', function: 'exists', arguments: [lit('process.name')] };
    expect(toElasticsearchQuery(exists)).toEqual({ exists: { field: 'process.name' } });
    const nested: KueryNode = { type: 'function', function: 'nested', arguments: [lit('items'), is('name', 'x')] };
    expect(toElasticsearchQuery(nested)).toEqual({
      nested: { path: 'items', query: should({ match: { 'items.name': 'x' } }), score_mode: 'none' },
    });
  });

  it('treats date_nanos as a date (Kibana\'s type family): a range, not a match', () => {
    expect(toElasticsearchQuery(is('t', '2024-05-14'), { fieldTypes: { t: 'date_nanos' } })).toEqual(
      should({ range: { t: { gte: '2024-05-14', lte: '2024-05-14', time_zone: 'Zulu' } } }),
    );
  });

  it('draws its default data view from the field-type model: keyword for every field the v210 query names', () => {
    const fields = ['event.category', 'host.os.type', 'event.type', 'event.action', 'process.name', 'process.args', 'process.parent.name'];
    expect(Object.values(dataViewTypes(ecsFieldTypes(), fields))).toEqual(fields.map(() => 'keyword'));
    expect(toElasticsearchQuery(is('process.pid', '5'))).toEqual(should({ match: { 'process.pid': '5' } }));
    expect(dataViewTypes(ecsFieldTypes(), ['process.pid', 'not.an.ecs.field'])).toEqual({ 'process.pid': 'long' });
  });
});

describe('toQueryStringPattern', () => {
  it('escapes every query_string reserved character in literal segments and keeps wildcard positions', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { minLength: 1, maxLength: 4 }), (segments) => {
        const clean = segments.map((s) => s.replaceAll('@kuery-wildcard@', ''));
        const pattern = toQueryStringPattern({ type: 'wildcard', value: clean.join('@kuery-wildcard@') });
        // Unescaping the output and splitting on unescaped `*` gives back the segments.
        const parts: string[] = [''];
        for (let i = 0; i < pattern.length; i++) {
          const c = pattern[i]!;
          if (c === '\\') parts[parts.length - 1] += pattern[++i]!;
          else if (c === '*') parts.push('');
          else {
            expect('+-=&|><!(){}[]^"~*?:\\/').not.toContain(c);
            parts[parts.length - 1] += c;
          }
        }
        expect(parts).toEqual(clean);
      }),
    );
  });
});
