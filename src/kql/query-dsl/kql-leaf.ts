/**
 * Clauses whose meaning is a KQL clause's meaning: Kibana's KQL translation sends `match` for an
 * unquoted value, `match_phrase` for a quoted one, `range` and `exists` (kbn-es-query
 * kuery/functions/is.ts, range.ts, exists.ts), so those clauses are compiled as the KQL node they
 * stand for, by the one KQL compiler with the same field types: one matcher, not two.
 */
import type { KueryNode, LiteralNode } from '../ast.js';
import { compileKqlTree } from '../compile-tree.js';
import { KqlTypeError } from '../typed-clauses.js';
import { DslQueryError, type DslContext, type EventPredicate } from './types.js';
import type { Scalar } from './body.js';

export const literal = (value: Scalar | string, isQuoted: boolean): LiteralNode => ({ type: 'literal', value, isQuoted });

/** Compiles a KQL node standing for a clause; a type Elasticsearch would refuse is refused here by name. */
export function compileAsKql(node: KueryNode, ctx: DslContext, path: string, clause: string): EventPredicate {
  try {
    return compileKqlTree(node, { ignoreAbove: ctx.ignoreAbove, ...(ctx.fieldTypes !== undefined && { fieldTypes: ctx.fieldTypes }) });
  } catch (e) {
    if (e instanceof KqlTypeError) throw new DslQueryError(path, clause, e.message);
    throw e;
  }
}

/** KQL's `field:value` with the value as written (quoted: match_phrase; unquoted: match). */
export function isNode(field: string, value: Scalar, quoted: boolean): KueryNode {
  return { type: 'function', function: 'is', arguments: [literal(field, false), literal(value, quoted)] };
}
