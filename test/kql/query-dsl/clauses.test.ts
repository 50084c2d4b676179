/**
 * Each clause kind of the Query DSL evaluator pinned to Elasticsearch's documented behaviour
 * (reference: term-level queries, full-text queries, bool query, query_string) on the field types
 * Kibana filters meet.
 */
import { describe, expect, it } from 'vitest';
import { compileDslQuery } from '../../../src/kql/query-dsl/compile.js';
import { DslQueryError, type DslContext } from '../../../src/kql/query-dsl/types.js';

const TYPES: DslContext['fieldTypes'] = {
  'process.name': { type: 'keyword', ignore_above: 1024 },
  'process.name.caseless': { type: 'keyword', ignore_above: 1024, normalizer: 'lowercase' },
  'process.command_line': { type: 'wildcard' },
  message: { type: 'match_only_text' },
  'process.pid': { type: 'long' },
  'source.ip': { type: 'ip' },
  'event.outcome_ok': { type: 'boolean' },
  'short.code': { type: 'keyword', ignore_above: 4 },
};
const ctx: DslContext = { ignoreAbove: 1024, fieldTypes: TYPES };
const matches = (query: unknown, doc: unknown): boolean => compileDslQuery(query, ctx)(doc);
const refusal = (query: unknown): DslQueryError => {
  try {
    compileDslQuery(query, ctx);
  } catch (e) {
    if (e instanceof DslQueryError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
};

describe('term', () => {
  it('matches the exact keyword term, case-sensitively, in either body form', () => {
    expect(matches({ term: { 'process.name': 'kmod' } }, { process: { name: 'kmod' } })).toBe(true);
    expect(matches({ term: { 'process.name': { value: 'kmod' } } }, { process: { name: ['bash', 'kmod'] } })).toBe(true);
    expect(matches({ term: { 'process.name': 'KMOD' } }, { process: { name: 'kmod' } })).toBe(false);
  });
  it('case_insensitive: true matches regardless of case on a keyword', () => {
    expect(matches({ term: { 'process.name': { value: 'KMOD', case_insensitive: true } } }, { process: { name: 'kMod' } })).toBe(true);
  });
  it('goes through the keyword normalizer like the doc value', () => {
    expect(matches({ term: { 'process.name.caseless': 'KMOD' } }, { 'process.name.caseless': 'Kmod' })).toBe(true);
  });
  it('is not analyzed on a text field: a lowercase token matches, a capitalized term never does', () => {
    expect(matches({ term: { message: 'loaded' } }, { message: 'Module Loaded now' })).toBe(true);
    expect(matches({ term: { message: 'Loaded' } }, { message: 'Module Loaded now' })).toBe(false);
  });
  it('reads numbers, addresses (CIDR too) and booleans by type', () => {
    expect(matches({ term: { 'process.pid': 42 } }, { process: { pid: '42' } })).toBe(true);
    expect(matches({ term: { 'source.ip': '10.0.0.0/8' } }, { source: { ip: '10.1.2.3' } })).toBe(true);
    expect(matches({ term: { 'source.ip': '::ffff:10.1.2.3' } }, { source: { ip: '10.1.2.3' } })).toBe(true);
    expect(matches({ term: { 'event.outcome_ok': true } }, { event: { outcome_ok: 'true' } })).toBe(true);
  });
  it('never matches a keyword value over ignore_above', () => {
    expect(matches({ term: { 'short.code': 'abcdef' } }, { short: { code: 'abcdef' } })).toBe(false);
  });
  it('refuses case_insensitive on a number and a non-number on a long, as Elasticsearch fails the query', () => {
    expect(refusal({ term: { 'process.pid': { value: 1, case_insensitive: true } } }).clause).toBe('term');
    expect(refusal({ term: { 'process.pid': 'abc' } }).message).toMatch(/number_format_exception/);
  });
});

describe('terms', () => {
  it('matches when some value is one of the terms', () => {
    expect(matches({ terms: { 'process.name': ['lsmod', 'kmod'] } }, { process: { name: 'kmod' } })).toBe(true);
    expect(matches({ terms: { 'process.name': ['lsmod'], boost: 2 } }, { process: { name: 'kmod' } })).toBe(false);
  });
  it('refuses a terms lookup by name', () => {
    expect(refusal({ terms: { 'process.name': { index: 'i', id: '1', path: 'p' } } }).message).toMatch(/terms lookup/);
  });
});

describe('match and match_phrase', () => {
  it('match on a text field: some analyzed token occurs (operator or)', () => {
    expect(matches({ match: { message: 'MODULE missing' } }, { message: 'the module was loaded' })).toBe(true);
    expect(matches({ match: { message: { query: 'absent words' } } }, { message: 'the module was loaded' })).toBe(false);
  });
  it('match_phrase on a text field: the tokens in order within one value', () => {
    expect(matches({ match_phrase: { message: 'Module Was' } }, { message: 'the module was loaded' })).toBe(true);
    expect(matches({ match_phrase: { message: 'was module' } }, { message: 'the module was loaded' })).toBe(false);
  });
  it('on a keyword both are the exact term (a * is literal)', () => {
    expect(matches({ match: { 'process.name': 'km*' } }, { process: { name: 'kmod' } })).toBe(false);
    expect(matches({ match_phrase: { 'process.name': { query: 'kmod' } } }, { process: { name: 'kmod' } })).toBe(true);
  });
  it('refuses operator and, slop and the like by name', () => {
    expect(refusal({ match: { message: { query: 'a b', operator: 'and' } } }).message).toMatch(/operator/);
    expect(refusal({ match_phrase: { message: { query: 'a b', slop: 2 } } }).message).toMatch(/slop/);
    expect(refusal({ match: { message: { query: 'a', fuzziness: 'AUTO' } } }).message).toMatch(/"fuzziness"/);
  });
});

describe('wildcard', () => {
  const pattern = '?:\\\\Program Files\\\\Common Files\\\\microsoft shared\\\\Web Server Extensions\\\\*\\\\BIN\\\\*';
  const owstimer = { process: { executable: 'C:\\Program Files\\Common Files\\Microsoft Shared\\Web Server Extensions\\16\\BIN\\OWSTIMER.EXE' } };
  it('reads ? as one character, * as any run, \\ as an escape; case_insensitive folds case', () => {
    expect(matches({ wildcard: { 'process.executable': { value: pattern, case_insensitive: true } } }, owstimer)).toBe(true);
    expect(matches({ wildcard: { 'process.executable': { value: pattern } } }, owstimer)).toBe(false);
    expect(matches({ wildcard: { 'process.name': 'k?od' } }, { process: { name: 'kmod' } })).toBe(true);
    expect(matches({ wildcard: { 'process.name': 'k\\?od' } }, { process: { name: 'kmod' } })).toBe(false);
    expect(matches({ wildcard: { 'process.name': { wildcard: 'k*' } } }, { process: { name: 'kmod' } })).toBe(true);
  });
  it('normalizes the pattern on a lowercase-normalized keyword, and matches tokens of a text field', () => {
    expect(matches({ wildcard: { 'process.name.caseless': 'KM*' } }, { 'process.name.caseless': 'kmod' })).toBe(true);
    expect(matches({ wildcard: { message: 'LOAD*' } }, { message: 'module loaded' })).toBe(true);
  });
  it('matches a wildcard-typed field like a keyword, without ignore_above', () => {
    expect(matches({ wildcard: { 'process.command_line': '*-a*' } }, { process: { command_line: `${'x'.repeat(2000)} -a` } })).toBe(true);
  });
  it('is refused on a number or an address (Elasticsearch: only keyword and text fields)', () => {
    expect(refusal({ wildcard: { 'process.pid': '4*' } }).message).toMatch(/only use wildcard/);
    expect(refusal({ wildcard: { 'source.ip': '10.*' } }).path).toBe('query.wildcard');
  });
});

describe('prefix', () => {
  it('matches a keyword term that starts with the value; case_insensitive folds case', () => {
    expect(matches({ prefix: { 'process.name': 'km' } }, { process: { name: 'kmod' } })).toBe(true);
    expect(matches({ prefix: { 'process.name': { value: 'KM', case_insensitive: true } } }, { process: { name: 'kmod' } })).toBe(true);
    expect(matches({ prefix: { 'process.name': 'KM' } }, { process: { name: 'kmod' } })).toBe(false);
  });
  it('is not analyzed on a text field', () => {
    expect(matches({ prefix: { message: 'load' } }, { message: 'module Loaded' })).toBe(true);
    expect(matches({ prefix: { message: 'Load' } }, { message: 'module Loaded' })).toBe(false);
  });
});

describe('range', () => {
  it('needs one value within every bound (not one value per bound)', () => {
    expect(matches({ range: { 'process.pid': { gte: 4, lte: 6 } } }, { process: { pid: [1, 10] } })).toBe(false);
    expect(matches({ range: { 'process.pid': { gte: 4, lte: 6 } } }, { process: { pid: [1, 5] } })).toBe(true);
  });
  it('compares by type: numbers numerically, addresses as addresses, unmapped dates as instants', () => {
    expect(matches({ range: { 'process.pid': { gt: '9' } } }, { process: { pid: 10 } })).toBe(true);
    expect(matches({ range: { 'source.ip': { gte: '10.0.0.0', lt: '10.0.1.0' } } }, { source: { ip: '10.0.0.255' } })).toBe(true);
    expect(matches({ range: { '@timestamp': { gte: '2024-05-14T00:00:00Z', lt: '2024-05-15', format: 'strict_date_optional_time' } } }, { '@timestamp': '2024-05-14T10:00:00.000Z' })).toBe(true);
  });
  it('reads a null bound as no bound', () => {
    expect(matches({ range: { 'process.pid': { gte: 5, lt: null } } }, { process: { pid: 99 } })).toBe(true);
  });
  it('refuses a time_zone other than UTC and an unknown format by name', () => {
    expect(refusal({ range: { '@timestamp': { gte: '2024-05-14', time_zone: 'Europe/Paris' } } }).message).toMatch(/time_zone/);
    expect(refusal({ range: { '@timestamp': { gte: '14/05/2024', format: 'dd/MM/yyyy' } } }).message).toMatch(/format/);
  });
});

describe('exists', () => {
  it('holds for an indexed value of the type, not for null or a keyword over ignore_above', () => {
    expect(matches({ exists: { field: 'process.name' } }, { process: { name: '' } })).toBe(true);
    expect(matches({ exists: { field: 'process.name' } }, { process: { name: null } })).toBe(false);
    expect(matches({ exists: { field: 'short.code' } }, { short: { code: 'abcdef' } })).toBe(false);
    expect(matches({ exists: { field: 'process.pid' } }, { process: { pid: 'abc' } })).toBe(false);
  });
});

describe('bool', () => {
  const a = { term: { 'process.name': 'a' } };
  const b = { term: { 'process.name': 'b' } };
  const c = { term: { 'process.name': 'c' } };
  it('should alone needs one (the default minimum_should_match)', () => {
    expect(matches({ bool: { should: [a, b] } }, { process: { name: 'b' } })).toBe(true);
    expect(matches({ bool: { should: [a, b] } }, { process: { name: 'c' } })).toBe(false);
  });
  it('should beside filter is optional unless minimum_should_match says otherwise', () => {
    const doc = { process: { name: 'c' } };
    expect(matches({ bool: { filter: [c], should: [a, b] } }, doc)).toBe(true);
    expect(matches({ bool: { filter: c, should: [a, b], minimum_should_match: 1 } }, doc)).toBe(false);
  });
  it('computes minimum_should_match as Elasticsearch does: integers, negatives, percentages rounded down', () => {
    const doc = { process: { name: ['a', 'b'] } };
    expect(matches({ bool: { should: [a, b, c], minimum_should_match: 2 } }, doc)).toBe(true);
    expect(matches({ bool: { should: [a, b, c], minimum_should_match: '-1' } }, doc)).toBe(true);
    expect(matches({ bool: { should: [a, b, c], minimum_should_match: '100%' } }, doc)).toBe(false);
    expect(matches({ bool: { should: [a, b, c], minimum_should_match: '70%' } }, doc)).toBe(true); // floor(2.1) = 2
    expect(matches({ bool: { should: [a], minimum_should_match: 2 } }, { process: { name: 'a' } })).toBe(false);
  });
  it('must_not excludes; an empty bool matches everything', () => {
    expect(matches({ bool: { must: a, must_not: [b] } }, { process: { name: ['a', 'b'] } })).toBe(false);
    expect(matches({ bool: {} }, {})).toBe(true);
  });
  it('refuses a conditional minimum_should_match by name', () => {
    expect(refusal({ bool: { should: [a], minimum_should_match: '3<90%' } }).clause).toBe('bool');
  });
});

describe('query_string (simple forms)', () => {
  it('reads field:value, field:"phrase", field:pat*tern and field:* as the clauses they build', () => {
    expect(matches({ query_string: { query: 'process.name:kmod' } }, { process: { name: 'kmod' } })).toBe(true);
    expect(matches({ query_string: { query: 'message:"module was"' } }, { message: 'The module was loaded' })).toBe(true);
    expect(matches({ query_string: { query: 'process.name:k?o*' } }, { process: { name: 'kmod' } })).toBe(true);
    expect(matches({ query_string: { query: 'process.name:*' } }, { process: { name: 'x' } })).toBe(true);
    expect(matches({ query_string: { query: 'process.name:kmod AND NOT process.pid:1' } }, { process: { name: 'kmod', pid: 1 } })).toBe(false);
    expect(matches({ query_string: { query: 'process.name:lsmod OR process.name:kmod' } }, { process: { name: 'kmod' } })).toBe(true);
  });
  it('takes the field from fields (KQL translation form) and honours escapes', () => {
    expect(matches({ query_string: { fields: ['process.name'], query: 'k\\-mod*' } }, { process: { name: 'k-module' } })).toBe(true);
  });
  it('refuses parentheses, ranges, mixed operators, NOT inside OR and all-field searches by name', () => {
    for (const query of ['(a:b)', 'a:[1 TO 2]', 'a:b AND c:d OR e:f', 'a:b OR NOT c:d', 'kmod', 'a:b~2']) {
      expect(refusal({ query_string: { query } }).clause).toBe('query_string');
    }
  });
});

describe('refusal by name', () => {
  it('names the clause kind and where it sits for a kind outside the set', () => {
    const e = refusal({ bool: { must_not: [{ term: { a: 'b' } }, { geo_distance: { distance: '1km', loc: [0, 0] } }] } });
    expect(e.clause).toBe('geo_distance');
    expect(e.path).toBe('query.bool.must_not[1].geo_distance');
  });
  it('refuses an empty clause and a clause with two kinds', () => {
    expect(refusal({}).message).toMatch(/empty/);
    expect(refusal({ term: { a: 'b' }, match: { a: 'b' } }).message).toMatch(/exactly one clause kind/);
  });
  it('match_all and match_none', () => {
    expect(matches({ match_all: {} }, {})).toBe(true);
    expect(matches({ match_none: {} }, {})).toBe(false);
  });
});
