/**
 * Value normalisation, one definition for compile, explain, DSL and prefilter: which keyword term a
 * query value stands for, and what a range bound reads as. The document side (the term
 * Elasticsearch indexes for a JSON value) is `toKeywordTerm` in src/ecs/fields.ts.
 */
import type { LiteralNode, ValueNode } from './ast.js';
import { wildcardAsText } from './wildcard.js';
import { isPlainObject, toKeywordTerm, visitLeafValues } from '../ecs/fields.js';

/**
 * The keyword term a literal query value is compared with: strings as written, numbers and booleans
 * as their text (`f:true` matches the JSON boolean and the string alike). A null literal has none:
 * Elasticsearch rejects a null term, so it matches nothing.
 */
export function queryTerm(node: LiteralNode): string | undefined {
  const v = node.value;
  if (v === null) return undefined;
  return typeof v === 'string' ? v : String(v);
}

/** The text a range bound carries (a wildcard bound is compared as its text with `*`); null: none. */
export function rangeBoundText(node: ValueNode): string | undefined {
  if (node.type === 'wildcard') return wildcardAsText(node.value);
  return queryTerm(node);
}

/**
 * Whether a field value gives Elasticsearch's `exists` something: an indexed keyword term (""/0/false
 * count; strings over ignore_above do not), or an object holding one at any depth. Built once per
 * clause, as it runs per value.
 */
export function existsTest(ignoreAbove: number): (value: unknown) => boolean {
  const hasTerm = (v: unknown): boolean => toKeywordTerm(v, ignoreAbove) !== undefined;
  return (v) => (isPlainObject(v) ? visitLeafValues(v, hasTerm) : hasTerm(v));
}
