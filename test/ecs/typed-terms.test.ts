import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalIp, termCodec } from '../../src/ecs/typed-terms.js';

describe('doc values by field type (composite aggregation keys)', () => {
  it('integer types coerce numeric strings, truncate fractions and reject out-of-range or non-numeric values', () => {
    const c = termCodec({ type: 'integer' });
    expect([1, '1', ' 7 ', 2.9, -2.9, '3.5', 2147483648, 'x', true, null, {}].map((v) => c.term(v))).toEqual([
      '1', '1', '7', '2', '-2', '3', undefined, undefined, undefined, undefined, undefined,
    ]);
    expect(termCodec({ type: 'byte' }).term(128)).toBeUndefined();
    expect(termCodec({ type: 'long' }).term('9223372036854775807')).toBe('9223372036854775807');
    expect(c.value('1')).toBe(1);
  });

  it('numbers order numerically, not as text', () => {
    const c = termCodec({ type: 'long' });
    expect(['10', '9', '-1', '100'].sort(c.compare)).toEqual(['-1', '9', '10', '100']);
    fc.assert(fc.property(fc.integer(), fc.integer(), (a, b) => Math.sign(c.compare(String(a), String(b))) === Math.sign(a - b)));
  });

  it('float keeps 32 bits, scaled_float rounds to its factor, double keeps the value', () => {
    expect(termCodec({ type: 'float' }).term(0.1)).toBe('0.10000000149011612');
    expect(termCodec({ type: 'scaled_float', scaling_factor: 100 }).term(1.234)).toBe('1.23');
    expect(termCodec({ type: 'double' }).term('0.1')).toBe('0.1');
  });

  it('booleans read true/false and their strings ("" is false), key as JSON booleans, false first', () => {
    const c = termCodec({ type: 'boolean' });
    expect([true, 'true', false, 'false', '', 'yes', 1].map((v) => c.term(v))).toEqual(['true', 'true', 'false', 'false', 'false', undefined, undefined]);
    expect(c.value('false')).toBe(false);
    expect(['true', 'false'].sort(c.compare)).toEqual(['false', 'true']);
  });

  it('ip addresses key in Elasticsearch\'s text form and order by their 16 bytes', () => {
    expect(canonicalIp('::ffff:10.0.0.1')).toBe('10.0.0.1');
    expect(canonicalIp('2001:0DB8:0000:0000:0000:0000:0000:0001')).toBe('2001:db8::1');
    expect(canonicalIp('10.1')).toBeUndefined();
    expect(canonicalIp('not an ip')).toBeUndefined();
    const c = termCodec({ type: 'ip' });
    // IPv4 sorts as ::ffff:a.b.c.d: after ::1, before 2001:db8::.
    expect(['2001:db8::1', '10.0.0.2', '9.255.255.255', '::1'].sort(c.compare)).toEqual(['::1', '9.255.255.255', '10.0.0.2', '2001:db8::1']);
  });

  it('keywords apply ignore_above and a lowercase normalizer', () => {
    expect(termCodec({ type: 'keyword', ignore_above: 3 }).term('abcd')).toBeUndefined();
    expect(termCodec({ type: 'keyword', normalizer: 'lowercase' }).term('/USR/Bin')).toBe('/usr/bin');
    expect(termCodec({ type: 'keyword' }).term(5)).toBe('5');
  });
});
