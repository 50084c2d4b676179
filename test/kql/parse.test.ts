import { describe, expect, it } from 'vitest';
import type { KueryNode, ValueNode } from '../../src/kql/ast.js';
import { parseKql, parseKqlWithWarnings } from '../../src/kql/parse.js';

const S = '@kuery-wildcard@';
const lit = (value: string | boolean | null, isQuoted = false): ValueNode => ({ type: 'literal', value, isQuoted });
const wc = (value: string): ValueNode => ({ type: 'wildcard', value: value.replaceAll('*', S) });
const is = (field: string | null | ValueNode, value: string | ValueNode): KueryNode => ({
  type: 'function',
  function: 'is',
  arguments: [typeof field === 'object' && field !== null ? field : lit(field), typeof value === 'string' ? lit(value) : value],
});
const and = (...args: KueryNode[]): KueryNode => ({ type: 'function', function: 'and', arguments: args });
const or = (...args: KueryNode[]): KueryNode => ({ type: 'function', function: 'or', arguments: args });
const not = (arg: KueryNode): KueryNode => ({ type: 'function', function: 'not', arguments: [arg] });

describe('parseKql: Kibana ast.test.ts cases', () => {
  it('reads blank input as is(*, *) with two wildcard nodes', () => {
    expect(parseKql('')).toEqual(is(wc('*'), wc('*')));
    expect(parseKql(' \t\r\n\u00a0')).toEqual(is(wc('*'), wc('*')));
  });
  it('reads a lone literal as a value-only is with a null field, trimmed', () => {
    expect(parseKql('foo')).toEqual(is(null, 'foo'));
    expect(parseKql('  foo ')).toEqual(is(null, 'foo'));
    expect(parseKql('foo bar')).toEqual(is(null, 'foo bar'));
  });
  it('flattens same-level and/or and gives and precedence over or', () => {
    expect(parseKql('foo and bar and baz')).toEqual(and(is(null, 'foo'), is(null, 'bar'), is(null, 'baz')));
    expect(parseKql('foo or bar or baz')).toEqual(or(is(null, 'foo'), is(null, 'bar'), is(null, 'baz')));
    expect(parseKql('foo or bar and baz or qux')).toEqual(or(is(null, 'foo'), and(is(null, 'bar'), is(null, 'baz')), is(null, 'qux')));
  });
  it('keeps a parenthesised group as its own node', () => {
    expect(parseKql('(foo or bar) and baz')).toEqual(and(or(is(null, 'foo'), is(null, 'bar')), is(null, 'baz')));
    expect(parseKql('(a or b) or c')).toEqual(or(or(is(null, 'a'), is(null, 'b')), is(null, 'c')));
    expect(parseKql('((((((((((foo))))))))))')).toEqual(is(null, 'foo'));
  });
  it('negates with a not prefix', () => {
    expect(parseKql('not (foo or bar)')).toEqual(not(or(is(null, 'foo'), is(null, 'bar'))));
    expect(parseKql('not foo:bar')).toEqual(not(is('foo', 'bar')));
  });
  it('accepts NBSP, tab, CR and LF as whitespace and keywords in any case', () => {
    expect(parseKql('foo and\u00a0bar')).toEqual(and(is(null, 'foo'), is(null, 'bar')));
    expect(parseKql('a:1\tOR\nb:2\r\nAnD c:3')).toEqual(or(is('a', '1'), and(is('b', '2'), is('c', '3'))));
    expect(parseKql('NoT a:b')).toEqual(not(is('a', 'b')));
  });
  it('matches specific fields, keeping spaces inside unquoted values', () => {
    expect(parseKql('foo:bar')).toEqual(is('foo', 'bar'));
    expect(parseKql('foo:bar baz')).toEqual(is('foo', 'bar baz'));
    expect(parseKql('foo : bar')).toEqual(is('foo', 'bar'));
  });
  it('marks quoted values and keeps their specials literal', () => {
    expect(parseKql('foo:"bar baz"')).toEqual(is('foo', lit('bar baz', true)));
    expect(parseKql('foo:"a*b (c) or d:e"')).toEqual(is('foo', lit('a*b (c) or d:e', true)));
    expect(parseKql('"a b":c')).toEqual(is(lit('a b', true), 'c'));
  });
  it('distributes a field over a value list with and/or/not and groups', () => {
    expect(parseKql('foo:(bar or baz)')).toEqual(or(is('foo', 'bar'), is('foo', 'baz')));
    expect(parseKql('foo:((bar or baz) and not qux)')).toEqual(and(or(is('foo', 'bar'), is('foo', 'baz')), not(is('foo', 'qux'))));
  });
  it('reads range operators', () => {
    const range = (f: string, op: string, v: string | ValueNode): KueryNode =>
      ({ type: 'function', function: 'range', arguments: [lit(f), op, typeof v === 'string' ? lit(v) : v] }) as KueryNode;
    expect(parseKql('bytes > 1000 and bytes < 8000')).toEqual(and(range('bytes', 'gt', '1000'), range('bytes', 'lt', '8000')));
    expect(parseKql('bytes >= 1000 and bytes <= 8000')).toEqual(and(range('bytes', 'gte', '1000'), range('bytes', 'lte', '8000')));
    expect(parseKql('a>"x y"')).toEqual(range('a', 'gt', lit('x y', true)));
    expect(parseKql('a > b*')).toEqual(range('a', 'gt', wc('b*')));
  });
  it('makes wildcard nodes from unescaped stars in fields and values, leading ones included', () => {
    expect(parseKql('machine*:osx')).toEqual(is(wc('machine*'), 'osx'));
    expect(parseKql('foo:ba*')).toEqual(is('foo', wc('ba*')));
    expect(parseKql('foo:*')).toEqual(is('foo', wc('*')));
    expect(parseKql('foo:*bar*')).toEqual(is('foo', wc('*bar*')));
    expect(parseKql('*:*')).toEqual(is(wc('*'), wc('*')));
    expect(parseKql('foo:a\\*b*')).toEqual(is('foo', { type: 'wildcard', value: `a*b${S}` }));
    expect(parseKql('foo:a\\*b')).toEqual(is('foo', 'a*b'));
    expect(parseKql('foo:"a*"')).toEqual(is('foo', lit('a*', true)));
    expect(parseKql('foo:a?b')).toEqual(is('foo', 'a?b'));
  });
  it('reads nested queries in curly braces, also inside groups and other nested queries', () => {
    const nested = (path: string, q: KueryNode): KueryNode => ({ type: 'function', function: 'nested', arguments: [lit(path), q] });
    expect(parseKql('nestedField:{ childOfNested: foo }')).toEqual(nested('nestedField', is('childOfNested', 'foo')));
    expect(parseKql('response:200 and nestedField:{ childOfNested:foo or childOfNested:bar }')).toEqual(
      and(is('response', '200'), nested('nestedField', or(is('childOfNested', 'foo'), is('childOfNested', 'bar')))),
    );
    expect(parseKql('nestedField:{ nestedChild:{ doublyNestedChild:foo } }')).toEqual(
      nested('nestedField', nested('nestedChild', is('doublyNestedChild', 'foo'))),
    );
  });
});

describe('parseKql: literals and escapes', () => {
  it('types only unquoted true, false and null; numbers stay text', () => {
    expect(parseKql('a:true')).toEqual(is('a', lit(true)));
    expect(parseKql('a:false')).toEqual(is('a', lit(false)));
    expect(parseKql('a:null')).toEqual(is('a', lit(null)));
    expect(parseKql('a:"true"')).toEqual(is('a', lit('true', true)));
    expect(parseKql('a:01')).toEqual(is('a', '01'));
    expect(parseKql('a:-1.50')).toEqual(is('a', '-1.50'));
    expect(parseKql('null:foo')).toEqual(is(null, 'foo'));
  });
  it('unescapes specials, whitespace escapes, unicode and escaped keywords in unquoted values', () => {
    expect(parseKql('a:\\(\\)\\:\\<\\>\\"\\{\\}\\\\')).toEqual(is('a', '():<>"{}\\'));
    expect(parseKql('a:x\\ty\\rz\\nw')).toEqual(is('a', 'x\ty\rz\nw'));
    expect(parseKql('a:caf\\u00e9')).toEqual(is('a', 'café'));
    expect(parseKql('a:b \\and c')).toEqual(is('a', 'b and c'));
    expect(parseKql('a:b \\OR c')).toEqual(is('a', 'b OR c'));
    expect(parseKql('a:\\NOT b')).toEqual(is('a', 'NOT b'));
  });
  it('keeps Kibana quirks: \\not is a newline escape, \\true a tab escape, escaped tabs at the ends are trimmed', () => {
    expect(parseKql('a:x\\not')).toEqual(is('a', 'x\not'));
    expect(parseKql('a:\\true')).toEqual(is('a', 'rue'));
    expect(parseKql('a:\\tx\\t')).toEqual(is('a', 'x'));
  });
  it('unescapes only \\" \\\\ \\t \\r \\n \\uXXXX inside quotes, keeping other backslashes', () => {
    expect(parseKql('a:"C:\\Windows\\q"')).toEqual(is('a', lit('C:\\Windows\\q', true)));
    expect(parseKql('a:"x\\"y\\\\z\\tw\\u0041"')).toEqual(is('a', lit('x"y\\z\twA', true)));
    expect(parseKql('a:"line\nbreak"')).toEqual(is('a', lit('line\nbreak', true)));
  });
  it('treats - / . \' ? ! = @ # , as ordinary characters', () => {
    expect(parseKql("a:--all/x.y'z?!=@#,")).toEqual(is('a', "--all/x.y'z?!=@#,"));
  });
  it('reads words that merely start with a keyword as literals', () => {
    expect(parseKql('a:notepad or b:order and c:android')).toEqual(or(is('a', 'notepad'), and(is('b', 'order'), is('c', 'android'))));
  });
});

describe('parseKql: lenient Kibana readings', () => {
  it('reads a dangling keyword as part of the value', () => {
    expect(parseKql('a:b and')).toEqual(is('a', 'b and'));
    expect(parseKql('a:(b or)')).toEqual(is('a', 'b or'));
    expect(parseKql('and a:b')).toEqual(is('and a', 'b'));
  });
});

describe('parseKqlWithWarnings', () => {
  it('warns about a value ending in a dangling keyword, pointing at the keyword', () => {
    const { ast, warnings } = parseKqlWithWarnings('a:b and');
    expect(ast).toEqual(is('a', 'b and'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ code: 'dangling-keyword', offset: 4, line: 1, column: 5 });
    expect(warnings[0]!.message).toContain('"b and"');
  });
  it('warns about a(b or) and a field name starting with a keyword', () => {
    expect(parseKqlWithWarnings('a:(b or)').warnings.map((w) => w.code)).toEqual(['dangling-keyword']);
    expect(parseKqlWithWarnings('and a:b').warnings.map((w) => [w.code, w.offset])).toEqual([['leading-keyword', 0]]);
  });
  it('warns about value-only clauses with their position on the right line', () => {
    const { warnings } = parseKqlWithWarnings('a:b and\n  lsmod');
    expect(warnings).toEqual([expect.objectContaining({ code: 'value-only', offset: 10, line: 2, column: 3 })]);
  });
  it('does not warn for escaped keywords, clean queries or the empty query', () => {
    expect(parseKqlWithWarnings('a:b \\and').warnings).toEqual([]);
    expect(parseKqlWithWarnings('a:(b or c) and not d:"x and"').warnings).toEqual([]);
    expect(parseKqlWithWarnings('').warnings).toEqual([]);
  });
  it('warns once per literal even when a field is shared by a value list', () => {
    expect(parseKqlWithWarnings('and x:(a or b)').warnings).toHaveLength(1);
  });
});
