import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { displayWidth, sanitize, truncate } from '../../src/output/text.js';

describe('terminal text', () => {
  it('counts wide characters as two columns and combining marks as none', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('日本')).toBe(4);
    expect(displayWidth('e\u0301')).toBe(1);
  });

  it('cuts to the width with an ellipsis, never splitting a wide character past the width', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abc', 3)).toBe('abc');
    expect(truncate('日本語', 4)).toBe('日…');
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), fc.integer({ min: 1, max: 40 }), (s, w) => displayWidth(truncate(s, w)) <= w));
  });

  it('makes every control character visible', () => {
    expect(sanitize('a\tb\nc\x1b[31m\x7f')).toBe('a\\tb\\nc\\x1b[31m\\x7f');
    fc.assert(fc.property(fc.string(), (s) => !/[\u0000-\u001f\u007f-\u009f]/.test(sanitize(s))));
  });
});
