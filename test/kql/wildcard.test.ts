import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WILDCARD_SENTINEL } from '../../src/kql/ast.js';
import { compileWildcardMatcher, isLoneWildcard, wildcardAsText } from '../../src/kql/wildcard.js';

/** Reference: Kibana's own test helper turns sentinels into [\s\S]* in an anchored regex. */
function regexMatch(pattern: string, subject: string): boolean {
  const body = pattern
    .split(WILDCARD_SENTINEL)
    .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[\\s\\S]*');
  return new RegExp(`^${body}$`).test(subject);
}

describe('compileWildcardMatcher', () => {
  it('agrees with an anchored regex on random patterns and subjects', () => {
    const piece = fc.array(fc.constantFrom('a', 'b', '\n', '?', '.'), { maxLength: 3 }).map((p) => p.join(''));
    const pattern = fc.array(piece, { minLength: 1, maxLength: 5 }).map((p) => p.join(WILDCARD_SENTINEL));
    const subject = fc.array(fc.constantFrom('a', 'b', '\n', '?', '.'), { maxLength: 12 }).map((p) => p.join(''));
    fc.assert(
      fc.property(pattern, subject, (p, s) => {
        expect(compileWildcardMatcher(p)(s)).toBe(regexMatch(p, s));
      }),
      { numRuns: 5000, seed: 2 },
    );
  });

  it('does not let the last piece overlap the first', () => {
    expect(compileWildcardMatcher(`ab${WILDCARD_SENTINEL}ba`)('aba')).toBe(false);
    expect(compileWildcardMatcher(`ab${WILDCARD_SENTINEL}ba`)('abba')).toBe(true);
  });

  it('recognises lone wildcards as Kibana does and gives the text Elasticsearch sees', () => {
    const wc = (value: string) => ({ type: 'wildcard' as const, value });
    expect(isLoneWildcard(wc(WILDCARD_SENTINEL))).toBe(true);
    // kbn-es-query node_types/wildcard.ts isLoneWildcard: replace() drops the first sentinel only.
    expect(isLoneWildcard(wc(WILDCARD_SENTINEL + WILDCARD_SENTINEL))).toBe(false);
    expect(isLoneWildcard(wc(`a${WILDCARD_SENTINEL}`))).toBe(false);
    expect(isLoneWildcard({ type: 'literal', value: '*', isQuoted: false })).toBe(false);
    expect(wildcardAsText(`a${WILDCARD_SENTINEL}b`)).toBe('a*b');
  });
});
