import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import peggy from 'peggy';
import { describe, expect, it } from 'vitest';
import { KqlSyntaxError } from '../../src/kql/errors.js';
import { MAX_NESTING_DEPTH, parseKql } from '../../src/kql/parse.js';

function syntaxError(query: string): KqlSyntaxError {
  try {
    parseKql(query);
  } catch (err) {
    if (err instanceof KqlSyntaxError) return err;
    throw err;
  }
  throw new Error(`expected a syntax error for ${JSON.stringify(query)}`);
}

describe('KqlSyntaxError: Kibana kuery_syntax_error.test.ts cases', () => {
  // [query, Kibana's first line, caret offset]
  const cases: Array<[string, string, number]> = [
    ['response:', 'Expected "(", "{", value, whitespace but end of input found.', 9],
    ['response:200 or ', 'Expected "(", NOT, field name, value but end of input found.', 16],
    ['response:(200 or )', 'Expected "(", NOT, value but ")" found.', 17],
    ['response:200 and not ', 'Expected "(", field name, value but end of input found.', 21],
    ['response:(200 and not )', 'Expected "(", value but ")" found.', 22],
    ['foo:"ba ', 'Expected "(", "{", value, whitespace but """ found.', 4],
    ['foo:"ba "r"', 'Expected AND, OR, end of input but "r" found.', 9],
    ['foo:ba:r', 'Expected AND, OR, end of input but ":" found.', 6],
    ['foo > ', 'Expected literal, whitespace but end of input found.', 6],
    ['< 1000', 'Expected "(", NOT, end of input, field name, value, whitespace but "<" found.', 0],
  ];
  it.each(cases)('%j → %s', (query, message, offset) => {
    const err = syntaxError(query);
    expect(err.shortMessage).toBe(message);
    expect(err.offset).toBe(offset);
    expect(err.message).toBe([message, query, '-'.repeat(offset) + '^'].join('\n'));
    expect(err.name).toBe('KqlSyntaxError');
  });
});

describe('KqlSyntaxError: what Kibana rejects', () => {
  it.each([
    ['foo:not bar', 4],
    ['not not a:b', 4],
    ['not(a:b)', 3],
    ['a:b)', 3],
    ['(a:b', 4],
    ['a:"unterminated', 2],
    ['a:\\q', 2],
    ['a:(b', 4],
    ['a:{b:c', 6],
    ['x:cannot stop', 5],
  ])('rejects %j at offset %i', (query, offset) => {
    expect(syntaxError(query).offset).toBe(offset);
  });

  it('exposes expected and found as Kibana names them', () => {
    const err = syntaxError('response:');
    expect(err.expected).toEqual(['"("', '"{"', 'value', 'whitespace']);
    expect(err.found).toBeNull();
    expect(syntaxError('foo:ba:r').found).toBe(':');
  });

  it('gives 1-based line and column, and format() shows the offending line with a caret', () => {
    const err = syntaxError('a:b and\n  c:d:e');
    expect([err.offset, err.line, err.column]).toEqual([13, 2, 6]);
    expect(err.format()).toBe(['line 2, column 6: Expected AND, OR, end of input but ":" found.', '  c:d:e', '-----^'].join('\n'));
    expect(syntaxError('foo:ba:r').format()).toBe(['Expected AND, OR, end of input but ":" found.', 'foo:ba:r', '------^'].join('\n'));
  });

  it('counts CRLF as one line break', () => {
    const err = syntaxError('a:b or\r\nc:d:e');
    expect([err.line, err.column]).toEqual([2, 4]);
  });
});

describe('parseKql: robustness', () => {
  it('refuses 10,000 nested parentheses with a clean error at the first group too deep', () => {
    const query = '('.repeat(10_000) + 'a:b' + ')'.repeat(10_000);
    const err = syntaxError(query);
    expect(err.offset).toBe(MAX_NESTING_DEPTH);
    expect(err.shortMessage).toBe(`Expected at most ${MAX_NESTING_DEPTH} nested groups but "(" found.`);
  });

  it('refuses deep value lists and nested braces the same way, and parses up to the limit', () => {
    expect(syntaxError('a:' + '('.repeat(5000) + 'b' + ')'.repeat(5000)).offset).toBe(2 + MAX_NESTING_DEPTH);
    expect(syntaxError('a:{'.repeat(5000) + 'b' + '}'.repeat(5000)).offset).toBe(3 * MAX_NESTING_DEPTH + 2);
    const deepest = '('.repeat(MAX_NESTING_DEPTH) + 'a:b' + ')'.repeat(MAX_NESTING_DEPTH);
    expect(parseKql(deepest)).toEqual(parseKql('a:b'));
  });

  it('does not count brackets inside quotes or escaped ones', () => {
    expect(parseKql(`a:"${'('.repeat(5000)}"`).function).toBe('is');
    expect(parseKql(`a:${'\\('.repeat(5000)}`).function).toBe('is');
  });

  const alphabet = ['a', 'b:', ':', ' ', '(', ')', '{', '}', '"', '\\', '*', ' or ', ' and ', 'not ', '<', '>=', '\t', '\n', '\u00a0', '\\u00', 'x'];
  it('never throws anything but KqlSyntaxError on random strings', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 60 }), fc.array(fc.constantFrom(...alphabet), { maxLength: 40 }).map((a) => a.join(''))), (q) => {
        try {
          parseKql(q);
        } catch (err) {
          expect(err).toBeInstanceOf(KqlSyntaxError);
          const e = err as KqlSyntaxError;
          expect(e.offset).toBeGreaterThanOrEqual(0);
          expect(e.offset).toBeLessThanOrEqual(q.length);
        }
      }),
      { numRuns: 1500, seed: 1 },
    );
  });

  // Adversarial shapes, by size: deep groups, long or-chains, deep nesting, long unterminated input.
  const families: Array<[string, (k: number) => string]> = [
    ['open groups then or', (k) => '('.repeat(k) + 'a' + ' or'.repeat(2 * k)],
    ['unclosed value groups', (k) => 'a:' + '(b or '.repeat(k) + 'c'],
    ['unclosed nested', (k) => 'x:{'.repeat(k) + 'y'],
    ['words before a colon', (k) => 'a '.repeat(20 * k) + ':'],
    ['quotes', (k) => '"'.repeat(20 * k + 1)],
  ];

  it('parses long adversarial inputs in linear steps (no backtracking blow-up)', () => {
    // The shipped grammar, generated again with peggy's tracer on (same --cache as the build), so the
    // parser's rule calls can be counted: doubling the input must not more than double the work.
    const grammar = readFileSync(join(import.meta.dirname, '../../src/kql/grammar/kql.peggy'), 'utf8');
    const traced = peggy.generate(grammar, { cache: true, trace: true, allowedStartRules: ['start'], output: 'parser' });
    const ruleCalls = (q: string): number => {
      let calls = 0;
      const tracer = { trace: (e: { type: string }) => void (e.type === 'rule.enter' && calls++) };
      try {
        traced.parse(q, { tracer });
      } catch {
        // a syntax error still counts the work done to find it
      }
      return calls;
    };
    for (const [name, make] of families) {
      const small = ruleCalls(make(40));
      const large = ruleCalls(make(80));
      expect({ name, ratio: large / small <= 2.1 }).toEqual({ name, ratio: true });
    }
  });

  it('gives a tree or a syntax error, never a crash, on the adversarial inputs at full size', () => {
    for (const [, make] of families) {
      for (const q of [make(1000)]) {
        try {
          parseKql(q);
        } catch (err) {
          expect(err).toBeInstanceOf(KqlSyntaxError);
        }
      }
    }
  });
});
