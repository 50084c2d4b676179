import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WILDCARD_SENTINEL } from '../../../src/kql/ast.js';
import { compileWildcardMatcher } from '../../../src/kql/wildcard.js';
import { compileEsWildcard, hasWildcard } from '../../../src/kql/query-dsl/pattern.js';

const CHARS = ['a', 'b', '-', '/', '\\', '*', '?', '.', '[', ']', '(', '$', '^', '|', '\n', 'é', '😀', ' '];
const text = fc.array(fc.constantFrom(...CHARS), { maxLength: 8 }).map((c) => c.join(''));
const escape = (s: string): string => s.replace(/[\\*?]/g, '\\$&');

describe('Elasticsearch wildcard patterns', () => {
  it('an escaped string matches itself and nothing else', () => {
    fc.assert(
      fc.property(text, text, (s, other) => {
        expect(hasWildcard(escape(s))).toBe(false);
        expect(compileEsWildcard(escape(s), false)(s)).toBe(true);
        expect(compileEsWildcard(escape(s), false)(other)).toBe(other === s);
      }),
    );
  });
  it('with * as the only wildcard, agrees with the KQL wildcard matcher', () => {
    const piece = fc.array(fc.constantFrom('a', 'b', '-', '.', 'é', '\n'), { maxLength: 3 }).map((c) => c.join(''));
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 4 }), text, (pieces, subject) => {
        const kql = compileWildcardMatcher(pieces.join(WILDCARD_SENTINEL));
        expect(compileEsWildcard(pieces.join('*'), false)(subject)).toBe(kql(subject));
      }),
    );
  });
  it('? is exactly one code point', () => {
    expect(compileEsWildcard('a?b', false)('a😀b')).toBe(true);
    expect(compileEsWildcard('a?b', false)('ab')).toBe(false);
  });
});
