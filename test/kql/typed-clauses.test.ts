/**
 * KQL by field type, pinned to Elasticsearch's documented behaviour for the queries Kibana builds
 * (match / match_phrase / query_string / range / exists) on each type.
 */
import { describe, expect, it } from 'vitest';
import { compileKql } from '../../src/kql/compile.js';
import { KqlTypeError } from '../../src/kql/typed-clauses.js';
import type { FieldMapping } from '../../src/ecs/field-types.js';
import { standardTokens } from '../../src/ecs/standard-analyzer.js';

const on = (field: string, m: FieldMapping) => (query: string) => {
  const p = compileKql(query, { fieldTypes: { [field]: m } });
  return (value: unknown) => p({ [field]: value });
};

describe('numeric fields', () => {
  const f = on('n', { type: 'integer' });
  it('"1" and 1 match 1, "1" and 1.0 in the document (coerce)', () => {
    for (const q of ['n:1', 'n:"1"']) for (const v of [1, '1', 1.0]) expect(f(q)(v)).toBe(true);
    expect(f('n:1')(2)).toBe(false);
    expect(f('n:01')(1)).toBe(true);
  });
  it('a fractional value on an integer field matches nothing; on a double it is exact', () => {
    expect(f('n:1.5')(1)).toBe(false);
    expect(on('d', { type: 'double' })('d:1.5')(1.5)).toBe(true);
  });
  it('a value that is not a number is Elasticsearch\'s error, not a miss', () => {
    expect(() => f('n:abc')).toThrow(KqlTypeError);
    expect(() => f('n:abc')).toThrow(/field "n" is mapped as integer: "abc" is not a number/);
    expect(() => f('n > abc')).toThrow(KqlTypeError);
    expect(() => f('n:1*')).toThrow(/wildcard query/);
  });
  it('ranges compare numbers, not text', () => {
    expect(f('n > 9')(10)).toBe(true);
    expect(f('n >= 10')('10')).toBe(true);
    expect(f('n < 9')(10)).toBe(false);
  });
  it('exists needs a value the field can index', () => {
    expect(f('n:*')(0)).toBe(true);
    expect(f('n:*')('x')).toBe(false);
  });
});

describe('boolean fields', () => {
  const f = on('b', { type: 'boolean' });
  it('true/false match the JSON booleans and their strings', () => {
    expect(f('b:true')(true)).toBe(true);
    expect(f('b:"false"')('false')).toBe(true);
    expect(f('b:false')(true)).toBe(false);
  });
  it('anything else is an error', () => {
    expect(() => f('b:yes')).toThrow(/not a boolean/);
  });
});

describe('ip fields', () => {
  const f = on('ip', { type: 'ip' });
  it('an address matches itself in any spelling', () => {
    expect(f('ip:10.0.0.1')('::ffff:10.0.0.1')).toBe(true);
    expect(f('ip:"2001:db8::1"')('2001:0db8:0:0:0:0:0:1')).toBe(true);
    expect(f('ip:10.0.0.1')('10.0.0.2')).toBe(false);
  });
  it('a CIDR matches every address in it, IPv4 and IPv6', () => {
    expect(f('ip:10.0.0.0/8')('10.200.3.4')).toBe(true);
    expect(f('ip:10.0.0.0/8')('11.0.0.1')).toBe(false);
    expect(f('ip:"2001:db8::/32"')('2001:db8:ffff::1')).toBe(true);
    expect(f('ip:"2001:db8::/32"')('2001:db9::1')).toBe(false);
  });
  it('ranges compare addresses; a word is an error', () => {
    expect(f('ip >= 10.0.0.10')('10.0.0.9')).toBe(false);
    expect(f('ip >= 10.0.0.10')('10.0.0.100')).toBe(true);
    expect(() => f('ip:localhost')).toThrow(/not an IP string literal/);
  });
});

describe('keyword fields', () => {
  it('a lowercase normalizer applies to the query value and the document (Elastic Defend .caseless)', () => {
    const f = on('process.name.caseless', { type: 'keyword', normalizer: 'lowercase', ignore_above: 1024 });
    expect(f('process.name.caseless:LSMOD')('lsmod')).toBe(true);
    expect(f('process.name.caseless:lsmod')('LsMod')).toBe(true);
    expect(f('process.name.caseless:LS*')('lsmod')).toBe(true);
  });
  it('ignore_above leaves longer values unindexed: no match, no exists', () => {
    const f = on('k', { type: 'keyword', ignore_above: 3 });
    expect(f('k:abcd')('abcd')).toBe(false);
    expect(f('k:*')('abcd')).toBe(false);
    expect(f('k:abc')('abc')).toBe(true);
  });
  it('a wildcard-type field has no ignore_above: long values match', () => {
    const long = 'x'.repeat(2000);
    expect(on('w', { type: 'wildcard' })(`w:x*`)(long)).toBe(true);
  });
});

describe('text fields (standard analyzer)', () => {
  const f = on('t', { type: 'text' });
  it('tokenizes by UAX #29 word boundaries and lowercases', () => {
    expect(standardTokens("The 2 QUICK Brown-Foxes jumped over the lazy dog's bone.")).toEqual(['the', '2', 'quick', 'brown', 'foxes', 'jumped', 'over', 'the', 'lazy', "dog's", 'bone']);
  });
  it('an unquoted value (match, operator OR) matches when some token is in the document', () => {
    expect(f('t:Quick')('The quick brown fox')).toBe(true);
    expect(f('t:bin')('/usr/bin/kmod list')).toBe(true);
    expect(f('t:cat')('The quick brown fox')).toBe(false);
  });
  it('a quoted value (match_phrase) needs its tokens consecutive and in order', () => {
    expect(f('t:"brown fox"')('The quick BROWN fox')).toBe(true);
    expect(f('t:"fox brown"')('The quick brown fox')).toBe(false);
  });
  it('a wildcard matches single tokens', () => {
    expect(f('t:kmo*')('/usr/bin/kmod list')).toBe(true);
    expect(f('t:*bin/kmod*')('/usr/bin/kmod list')).toBe(false);
  });
});

describe('fields not in the table', () => {
  it('stay keywords, exactly as without types', () => {
    const p = compileKql('other:1 and n:1', { fieldTypes: { n: { type: 'long' } } });
    expect(p({ other: '1', n: '1.0' })).toBe(true);
    expect(p({ other: '1.0', n: 1 })).toBe(false);
  });
  it('inside nested() a field is typed by its full name', () => {
    const p = compileKql('a:{ n:1 }', { fieldTypes: { 'a.n': { type: 'long' } } });
    expect(p({ a: [{ n: '1' }] })).toBe(true);
  });
});
