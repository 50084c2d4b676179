/** fast-check generators for KQL trees and ECS-ish documents, shared by the property tests. */
import fc from 'fast-check';
import { WILDCARD_SENTINEL, type KueryNode, type LiteralNode, type RangeOperator, type ValueNode } from '../../src/kql/ast.js';

export const FIELDS = ['a', 'b', 'a.b', 'a.b.c', 'c'];
/**
 * Edge dates ride along with the words, as document values and as range bounds: impossible days,
 * years below 100 (Date.UTC's two-digit rule), separators and case Elasticsearch refuses, partial
 * dates, offsets, signed years and epoch milliseconds.
 */
const EDGE_DATES = [
  '2023-02-31',
  '2024-02-29',
  '0050-01-01',
  '0050-01-01T00:00:00Z',
  '2024-05-14 10:00:00',
  '2024-05-14t10:00:00z',
  '2024',
  '2024-05',
  '2024-05-14T10',
  '2024-05-14T10:00:00.5+02:00',
  '2024-05-14T24:00:00Z',
  '+10000-01-01',
  '1715680800000',
];
const WORDS = ['x', 'y', '1', '10', '2', 'xy', 'true', 'false', '', 'x y', '2024-05-14', '2024-05-14T10:00:00Z', ...EDGE_DATES];

const lit = (value: LiteralNode['value'], isQuoted = false): LiteralNode => ({ type: 'literal', value, isQuoted });
const wildcard = (pattern: string): ValueNode => ({ type: 'wildcard', value: pattern.replaceAll('*', WILDCARD_SENTINEL) });

export const fieldNode: fc.Arbitrary<ValueNode> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...FIELDS).map((f) => lit(f)) },
  { weight: 1, arbitrary: fc.constantFrom('a*', 'a.*', '*.c').map((f): ValueNode => wildcard(f)) },
  // A lone `*` and its look-alike `**` (not lone for Kibana) often enough to meet every other shape.
  { weight: 1, arbitrary: fc.constantFrom('*', '**').map((f): ValueNode => wildcard(f)) },
  { weight: 1, arbitrary: fc.constant(lit(null)) },
);

export const valueNode: fc.Arbitrary<ValueNode> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...WORDS).map((w) => lit(w)) },
  { weight: 1, arbitrary: fc.constantFrom(...WORDS).map((w) => lit(w, true)) },
  { weight: 1, arbitrary: fc.constantFrom(true, false, null).map((v) => lit(v)) },
  {
    weight: 2,
    arbitrary: fc.constantFrom('x*', '*y', 'x*y', '*1*', '1*0', '2024*').map((w): ValueNode => wildcard(w)),
  },
  { weight: 2, arbitrary: fc.constantFrom('*', '**').map((w): ValueNode => wildcard(w)) },
);

/** Any tree the compiler accepts, including ones the parser cannot write (numbers, exists). */
export const kueryNode: fc.Arbitrary<KueryNode> = fc.letrec<{ node: KueryNode }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 5, arbitrary: fc.tuple(fieldNode, valueNode).map(([f, v]): KueryNode => ({ type: 'function', function: 'is', arguments: [f, v] })) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fieldNode, fc.constantFrom<RangeOperator>('gt', 'gte', 'lt', 'lte'), valueNode)
        .map(([f, op, v]): KueryNode => ({ type: 'function', function: 'range', arguments: [f, op, v] })),
    },
    { weight: 1, arbitrary: fc.constantFrom(...FIELDS).map((f): KueryNode => ({ type: 'function', function: 'exists', arguments: [lit(f)] })) },
    { weight: 2, arbitrary: fc.array(tie('node'), { minLength: 1, maxLength: 4 }).map((args): KueryNode => ({ type: 'function', function: 'and', arguments: args })) },
    { weight: 2, arbitrary: fc.array(tie('node'), { minLength: 1, maxLength: 4 }).map((args): KueryNode => ({ type: 'function', function: 'or', arguments: args })) },
    { weight: 2, arbitrary: tie('node').map((n): KueryNode => ({ type: 'function', function: 'not', arguments: [n] })) },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.constantFrom('a', 'b', 'a.b'), tie('node')).map(([p, n]): KueryNode => ({ type: 'function', function: 'nested', arguments: [lit(p), n] })),
    },
  ),
})).node;

const scalar = fc.oneof(
  fc.constantFrom(...WORDS),
  fc.constantFrom(0, 1, 2, 10, -1, 1.5),
  fc.boolean(),
  fc.constant(null),
  fc.constant('2024-05-14T09:00:00.5Z'),
  fc.constantFrom(...EDGE_DATES),
);

/** Documents mixing nested objects, dotted keys, arrays (of objects too), nulls, numbers and booleans. */
export const document: fc.Arbitrary<Record<string, unknown>> = fc.letrec<{ obj: Record<string, unknown>; val: unknown }>((tie) => ({
  obj: fc.dictionary(fc.constantFrom('a', 'b', 'c', 'a.b', 'b.c'), tie('val'), { maxKeys: 4 }),
  val: fc.oneof({ depthSize: 'small' }, scalar, tie('obj'), fc.array(fc.oneof(scalar, tie('obj')), { maxLength: 3 })),
})).obj;

// ----- trees the parser can produce (for print → parse round trips) -----

const TEXT_PIECES = ['a', 'b', 'o', 'r', 'n', 't', 'd', 'or', 'and', 'not', 'NOT', 'Or', ' ', '\u00a0', '\t', '\n', '\r', '(', ')', ':', '"', '\\', '{', '}', '<', '>', '?', '-', '.', 'é', '@', '\\u0041', 'null', 'true'];
const text = fc.array(fc.constantFrom(...TEXT_PIECES), { minLength: 1, maxLength: 8 }).map((p) => p.join(''));
const unquotedText = text.filter((t) => t.trim() === t && t !== '' && !['null', 'true', 'false'].includes(t));

const printableValue: fc.Arbitrary<ValueNode> = fc.oneof(
  unquotedText.map((t) => lit(t)),
  fc.oneof(text, fc.constant('')).map((t) => lit(t, true)),
  fc.constantFrom(true, false, null).map((v) => lit(v)),
  fc
    .array(fc.oneof(text, fc.constant('')), { minLength: 2, maxLength: 4 })
    .map((pieces) => pieces.join(WILDCARD_SENTINEL))
    .filter((v) => v.trim() === v)
    .map((v): ValueNode => ({ type: 'wildcard', value: v })),
);
const printableField: fc.Arbitrary<ValueNode> = printableValue.filter((v) => v.value !== null || v.type === 'wildcard');

export const printableNode: fc.Arbitrary<KueryNode> = fc.letrec<{ node: KueryNode }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 4, arbitrary: fc.tuple(printableField, printableValue).map(([f, v]): KueryNode => ({ type: 'function', function: 'is', arguments: [f, v] })) },
    { weight: 1, arbitrary: printableValue.map((v): KueryNode => ({ type: 'function', function: 'is', arguments: [lit(null), v] })) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(printableField, fc.constantFrom<RangeOperator>('gt', 'gte', 'lt', 'lte'), printableValue)
        .map(([f, op, v]): KueryNode => ({ type: 'function', function: 'range', arguments: [f, op, v] })),
    },
    { weight: 2, arbitrary: fc.array(tie('node'), { minLength: 2, maxLength: 4 }).map((args): KueryNode => ({ type: 'function', function: 'and', arguments: args })) },
    { weight: 2, arbitrary: fc.array(tie('node'), { minLength: 2, maxLength: 4 }).map((args): KueryNode => ({ type: 'function', function: 'or', arguments: args })) },
    { weight: 2, arbitrary: tie('node').map((n): KueryNode => ({ type: 'function', function: 'not', arguments: [n] })) },
    { weight: 1, arbitrary: fc.tuple(printableField, tie('node')).map(([p, n]): KueryNode => ({ type: 'function', function: 'nested', arguments: [p, n] })) },
  ),
})).node;
