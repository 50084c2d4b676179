/**
 * The typed test of one clause, for the compiler (kql/compile-typed.ts) and explain alike: for a
 * clause on a field typed otherwise than a plain keyword,
 * the same per-value test the compiled predicate uses (kql/typed-clauses.ts), so explain and the
 * predicate agree clause by clause.
 */
import type { KueryNode } from './ast.js';
import type { FieldTypeTable } from './compile-typed.js';
import { isPlainKeyword, typeFamily, typedExistsTest, typedIsTest, typedRangeTest, type ValueTest } from './typed-clauses.js';
import { dateClauseSpan } from './date-clauses.js';
import { isLoneWildcard } from './wildcard.js';
import { ECS_KEYWORD_IGNORE_ABOVE } from '../ecs/fields.js';
import { defaultQueryNow } from '../ecs/query-clock.js';

/** The typed test of a leaf clause, or undefined when the clause reads its field as a plain keyword. */
export function typedLeafTest(node: KueryNode, types: FieldTypeTable | undefined, prefix: string, now: number = defaultQueryNow()): ValueTest | undefined {
  if (types === undefined || node.function === 'and' || node.function === 'or' || node.function === 'not' || node.function === 'nested') return undefined;
  const f = node.arguments[0];
  if (f.type !== 'literal' || typeof f.value !== 'string') return undefined;
  const name = prefix + f.value;
  const m = types[name];
  if (m === undefined || (isPlainKeyword(m) && (m.ignore_above ?? Infinity) === ECS_KEYWORD_IGNORE_ABOVE)) return undefined;
  switch (node.function) {
    case 'is': {
      const v = node.arguments[1];
      return isLoneWildcard(v) ? typedExistsTest(m, name) : typedIsTest(name, m, v, now);
    }
    case 'exists':
      return typedExistsTest(m, name);
    case 'range':
      return typedRangeTest(name, m, node.arguments[1], node.arguments[2], now);
  }
}

/**
 * What a typed clause accepts, when the query text alone does not say it: for a date field the
 * instants (`[2024-05-14T00:00:00.000Z, 2024-05-14T23:59:59.999Z]` for `t: 2024-05-14`).
 */
export function typedExpectation(node: KueryNode, types: FieldTypeTable | undefined, prefix: string, now: number = defaultQueryNow()): string | undefined {
  if (types === undefined || (node.function !== 'is' && node.function !== 'range')) return undefined;
  const f = node.arguments[0];
  if (f.type !== 'literal' || typeof f.value !== 'string') return undefined;
  const name = prefix + f.value;
  const m = types[name];
  if (m === undefined || typeFamily(m) !== 'date') return undefined;
  if (node.function === 'is') return isLoneWildcard(node.arguments[1]) ? undefined : dateClauseSpan(name, m, 'is', node.arguments[1], now);
  return dateClauseSpan(name, m, node.arguments[1], node.arguments[2], now);
}
