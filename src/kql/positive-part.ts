/**
 * The query without its top-level exclusions: what an event must satisfy to be a near miss (it
 * passes every positive clause, a `not` clause drops it). Top-level means under the root's `and`
 * chain, the clauses `explain` reports one by one (ClauseCounter's `matchedBeforeExclusions`).
 */
import type { KueryNode } from './ast.js';

/** The root's `and` chain, nested `and`s flattened. */
export function topLevelClauses(ast: KueryNode): KueryNode[] {
  return ast.function === 'and' ? ast.arguments.flatMap(topLevelClauses) : [ast];
}

/**
 * The AND of the query's top-level clauses that are not `not`; null when the query has no top-level
 * exclusion (then nothing can be a near miss) or nothing but exclusions.
 */
export function withoutExclusions(ast: KueryNode): KueryNode | null {
  const clauses = topLevelClauses(ast);
  const positive = clauses.filter((c) => c.function !== 'not');
  if (positive.length === clauses.length || positive.length === 0) return null;
  return positive.length === 1 ? positive[0]! : { type: 'function', function: 'and', arguments: positive };
}
