import { describe, expect, it, vi } from 'vitest';
import { compileKql } from '../../src/kql/compile.js';
import { parseKql } from '../../src/kql/parse.js';

const m = (query: string, event: unknown, ignoreAbove?: number) => compileKql(query, ignoreAbove === undefined ? {} : { ignoreAbove })(event);

describe('compileKql: equality on keyword terms', () => {
  it('is exact and case-sensitive', () => {
    expect(m('a:lsmod', { a: 'lsmod' })).toBe(true);
    expect(m('a:lsmod', { a: 'LSMOD' })).toBe(false);
    expect(m('a:lsmod', { a: 'lsmod ' })).toBe(false);
    expect(m('a:"lsmod"', { a: 'lsmod' })).toBe(true);
  });
  it('matches if any value of an array matches, each value on its own', () => {
    expect(m('a:list', { a: ['kmod', 'list'] })).toBe(true);
    expect(m('a:(x and y)', { a: ['x', 'y'] })).toBe(true);
    expect(m('a:(x and y)', { a: ['x'] })).toBe(false);
    expect(m('a:list', { a: [['nested', ['list']]] })).toBe(true);
  });
  it('compares numbers and booleans as their JSON text', () => {
    expect(m('a:5', { a: 5 })).toBe(true);
    expect(m('a:5.0', { a: 5 })).toBe(false);
    expect(m('a:01', { a: '01' })).toBe(true);
    expect(m('a:01', { a: 1 })).toBe(false);
    expect(m('a:true', { a: true })).toBe(true);
    expect(m('a:true', { a: 'true' })).toBe(true);
    expect(m('a:"false"', { a: false })).toBe(true);
  });
  it('never matches an object, nor an unquoted null', () => {
    expect(m('a:x', { a: { b: 'x' } })).toBe(false);
    expect(m('a:null', { a: null })).toBe(false);
    expect(m('a:null', { a: 'null' })).toBe(false);
  });
  it('ignores strings longer than ignore_above (1024 by default)', () => {
    const long = 'x'.repeat(1025);
    expect(m(`a:${'x'.repeat(1024)}`, { a: 'x'.repeat(1024) })).toBe(true);
    expect(m(`a:${long}`, { a: long })).toBe(false);
    expect(m('a:x*', { a: long })).toBe(false);
    expect(m('a:abc', { a: 'abc' }, 2)).toBe(false);
    // Elasticsearch measures the text of numbers and booleans too.
    expect(m('a:true', { a: true }, 3)).toBe(false);
    expect(m('a:*', { a: 12345 }, 4)).toBe(false);
  });
});

describe('compileKql: field lookup', () => {
  it('finds a field through nested objects, dotted keys and any mix', () => {
    for (const doc of [{ a: { b: { c: 'v' } } }, { 'a.b.c': 'v' }, { 'a.b': { c: 'v' } }, { a: { 'b.c': 'v' } }]) {
      expect(m('a.b.c:v', doc)).toBe(true);
    }
  });
  it('walks arrays of objects', () => {
    expect(m('a.b:v', { a: [{ b: 'x' }, { b: 'v' }] })).toBe(true);
    expect(m('a.b:v', { a: [{ b: 'x' }, { c: 'v' }] })).toBe(false);
  });
  it('treats a missing field as no match, and not of it as a match', () => {
    expect(m('a:x', {})).toBe(false);
    expect(m('not a:x', {})).toBe(true);
    expect(m('not a:x', { a: null })).toBe(true);
    expect(m('not a:x', { a: ['y', 'x'] })).toBe(false);
    expect(m('a:(not x)', {})).toBe(true);
  });
});

describe('compileKql: exists (f:*)', () => {
  it.each([
    [{}, false],
    [{ f: null }, false],
    [{ f: [] }, false],
    [{ f: [null] }, false],
    [{ f: {} }, false],
    [{ f: { g: null } }, false],
    [{ f: '' }, true],
    [{ f: false }, true],
    [{ f: 0 }, true],
    [{ f: [null, 'x'] }, true],
    [{ f: { g: 1 } }, true],
    [{ 'f.g': 'x' }, false],
  ])('f:* on %j is %s', (doc, expected) => {
    expect(m('f:*', doc)).toBe(expected);
  });
  it('reads a quoted star as the literal text "*"', () => {
    expect(m('f:"*"', { f: 'x' })).toBe(false);
    expect(m('f:"*"', { f: '*' })).toBe(true);
  });
  it('compiles a programmatic exists node the same way', () => {
    const p = compileKql({ type: 'function', function: 'exists', arguments: [{ type: 'literal', value: 'f', isQuoted: false }] });
    expect([p({ f: '' }), p({ f: [null] })]).toEqual([true, false]);
  });
});

describe('compileKql: wildcards', () => {
  it('anchors, respects case, crosses newlines, and reads ? literally', () => {
    expect(m('a:ls*', { a: 'lsmod' })).toBe(true);
    expect(m('a:*mod', { a: 'lsmod' })).toBe(true);
    expect(m('a:s*', { a: 'lsmod' })).toBe(false);
    expect(m('a:LS*', { a: 'lsmod' })).toBe(false);
    expect(m('a:x*y', { a: 'x\n\ny' })).toBe(true);
    expect(m('a:ls?od', { a: 'lsmod' })).toBe(false);
    expect(m('a:ls?od', { a: 'ls?od' })).toBe(true);
    expect(m('a:ls\\*', { a: 'lsmod' })).toBe(false);
    expect(m('a:ls\\*', { a: 'ls*' })).toBe(true);
    expect(m('a:"ls*"', { a: 'lsmod' })).toBe(false);
  });
  it('matches the v211 dpkg path pattern shape', () => {
    const q = 'f:/var/lib/dpkg/info/linux-modules*-generic.post*';
    expect(m(q, { f: '/var/lib/dpkg/info/linux-modules-6.5.0-14-generic.postinst' })).toBe(true);
    expect(m(q, { f: '/var/lib/dpkg/info/linux-modules-6.5.0-14-lowlatency.postinst' })).toBe(false);
  });
  it('does not blow up on *a*a*a*a*b against a long run of a: one indexOf per piece, no backtracking', () => {
    const p = compileKql(`a:${'*a'.repeat(30)}*b`);
    // Count the matcher's steps (each is one native left-to-right search), not the wall clock.
    const searches = vi.spyOn(String.prototype, 'indexOf');
    try {
      expect(p({ a: 'a'.repeat(100_000) })).toBe(false);
      expect(searches.mock.calls.length).toBeLessThanOrEqual(30);
    } finally {
      searches.mockRestore();
    }
  });
  it('applies to the keyword term of numbers', () => {
    expect(m('a:12*', { a: 123 })).toBe(true);
  });
});

describe('compileKql: ranges', () => {
  it('compares numbers numerically and strings in code-point order', () => {
    expect(m('n > 9', { n: 10 })).toBe(true);
    expect(m('n > 9', { n: '10' })).toBe(false);
    expect(m('n >= 10 and n <= 10', { n: 10 })).toBe(true);
    expect(m('s < b', { s: 'a' })).toBe(true);
    expect(m('s < b', { s: 'B' })).toBe(true);
    expect(m('s > \uffff', { s: '\u{1f600}' })).toBe(true);
    expect(m('n < 5', { n: [9, 3] })).toBe(true);
  });
  it('compares ISO dates as instants, rounding partial bounds as Elasticsearch does', () => {
    const doc = { t: '2024-05-14T10:00:00.123456789Z' };
    // A bound without a fraction is rounded up to …:00.999999999 for gt (Elasticsearch's "missing date
    // components"; JavaDateFormatter.defaultRoundUp), so …:00.123456789 is not after it.
    expect(m('t > "2024-05-14T10:00:00Z"', doc)).toBe(false);
    expect(m('t > "2024-05-14T09:59:59Z"', doc)).toBe(true);
    expect(m('t >= "2024-05-14T10:00:00Z"', doc)).toBe(true);
    expect(m('t > "2024-05-14T10:00:00.123456788Z"', doc)).toBe(true);
    expect(m('t > 2024-05-14', doc)).toBe(false);
    expect(m('t >= 2024-05-14', doc)).toBe(true);
    expect(m('t <= 2024-05-14', doc)).toBe(true);
    expect(m('t < 2024-05-14', doc)).toBe(false);
    expect(m('t < "2024-05-14T12:00:00+02:00"', doc)).toBe(false);
    expect(m('t >= 1715680800000', doc)).toBe(true);
  });
  it('never matches a null bound', () => {
    expect(m('n > null', { n: 1 })).toBe(false);
  });
});

describe('compileKql: nested, value-only and wildcard field names', () => {
  it('holds a nested query within one object of the path', () => {
    const doc = { users: [{ first: 'a', last: 'x' }, { first: 'b', last: 'y' }] };
    expect(m('users:{ first:a and last:x }', doc)).toBe(true);
    expect(m('users:{ first:a and last:y }', doc)).toBe(false);
    expect(m('users.first:a and users.last:y', doc)).toBe(true);
    expect(m('not users:{ first:a and last:y }', doc)).toBe(true);
  });
  it('searches every leaf for a value-only clause', () => {
    expect(m('lsmod', { process: { args: ['x', 'lsmod'] } })).toBe(true);
    expect(m('ls*', { process: { name: 'lsmod' } })).toBe(true);
    expect(m('lsmod', { process: { name: 'LSMOD' } })).toBe(false);
  });
  it('matches wildcard field names against dotted leaf names', () => {
    expect(m('process.*:lsmod', { process: { parent: { name: 'lsmod' } } })).toBe(true);
    expect(m('process.*:lsmod', { 'process.name': 'lsmod' })).toBe(true);
    expect(m('process.*:lsmod', { host: { name: 'lsmod' } })).toBe(false);
    expect(m('*:lsmod', { host: { name: 'lsmod' } })).toBe(true);
  });
  it('matches every event for the empty query and *:*', () => {
    expect(m('', {})).toBe(true);
    expect(m('*:*', {})).toBe(true);
  });
});

describe('compileKql: inputs', () => {
  it('compiles a parsed tree to the same predicate as the text', () => {
    const doc = { a: 'x', b: ['y'] };
    expect(compileKql(parseKql('a:x and b:y'))(doc)).toBe(true);
  });
  it('rejects a malformed tree', () => {
    expect(() => compileKql({ type: 'function', function: 'is', arguments: [] } as never)).toThrow();
  });
});
