import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clipMiddle, displayWidth, elidePath, excerpt, sanitize, truncate, truncateStart } from '../../src/output/text.js';

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

  it('cuts a path in the middle, keeping whole leading directories and the file name', () => {
    expect(elidePath('/usr/bin/kmod', 20)).toBe('/usr/bin/kmod');
    expect(elidePath('/usr/bin/kmod', 11)).toBe('/usr/…/kmod');
    expect(elidePath('/usr/sbin/modinfo', 12)).toBe('/…/modinfo');
    expect(elidePath('/usr/bin/python3.10', 12)).toBe('…/python3.10');
    expect(elidePath('/usr/lib/systemd/systemd-udevd', 10)).toBe('…emd-udevd');
    expect(elidePath('no-separator-here', 8)).toBe('no-sepa…');
    expect(truncateStart('abcdef', 4)).toBe('…def');
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-z0-9._-]{0,12}$/), { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 40 }), (segs, w) => {
        const path = '/' + segs.join('/');
        const out = elidePath(path, w);
        return displayWidth(out) <= w && (out === path || out.includes('…'));
      }),
    );
  });

  it('quotes at most 200 characters of a long input around the error column, with the column moved along', () => {
    const query = '('.repeat(10_000) + 'x';
    const e = excerpt(query, 5000);
    expect(e.text.length).toBeLessThanOrEqual(200);
    expect(e.text.startsWith('…') && e.text.endsWith('…')).toBe(true);
    expect(excerpt('abc', 2)).toEqual({ text: 'abc', column: 2 });
    fc.assert(
      fc.property(fc.string({ minLength: 0, maxLength: 600 }), fc.nat(700), (text, c) => {
        const column = Math.min(c, text.length) + 1;
        const r = excerpt(text, column);
        if (r.text.length > 200) return false;
        // The character under the caret is the one at the error column.
        const want = text.charAt(column - 1);
        const got = r.text.charAt(r.column - 1);
        return want === '' ? r.column - 1 >= r.text.replace(/…$/, '').length : got === want;
      }),
    );
  });

  it('clips a long value in the middle to at most 200 characters', () => {
    expect(clipMiddle('a'.repeat(50))).toBe('a'.repeat(50));
    const c = clipMiddle('a'.repeat(150) + 'b'.repeat(150));
    expect(c.length).toBe(200);
    expect(c).toMatch(/^a+…b+$/);
  });
});
