/**
 * `match`: the query text analyzed by the field's search analyzer: a keyword field's term (its
 * normalizer applied), a text field's tokens of which one must occur (operator OR, the default), a
 * number, boolean or address as that type's term. That is KQL's unquoted `field:value` (is.ts sends
 * `match`), compiled as such. Body: `{field: text}` or `{field: {query, operator: "or"}}`.
 */
import { isPlainObject } from '../../ecs/fields.js';
import { isScalar, options, singleField, type Scalar } from './body.js';
import { compileAsKql, isNode } from './kql-leaf.js';
import { DslQueryError, type ClauseCompiler } from './types.js';

/** The query text of a match/match_phrase body, with its options checked. */
export function matchQuery(body: unknown, path: string, clause: string, known: readonly string[], check: (opts: Record<string, unknown>) => void): [string, Scalar] {
  const [field, spec] = singleField(body, path, clause);
  if (isScalar(spec)) return [field, spec];
  if (!isPlainObject(spec)) throw new DslQueryError(path, clause, `"${field}": expected a value or {query: …}`);
  const opts = options(spec, path, clause, ['query', ...known]);
  if (!isScalar(opts['query'])) throw new DslQueryError(path, clause, `"${field}": query must be a string, number or boolean`);
  check(opts);
  return [field, opts['query']];
}

export const compileMatch: ClauseCompiler = (body, path, ctx) => {
  const [field, query] = matchQuery(body, path, 'match', ['operator'], (o) => {
    const op = o['operator'];
    if (op !== undefined && String(op).toLowerCase() !== 'or') throw new DslQueryError(path, 'match', `operator "${String(op)}" is not supported (only "or", the default)`);
  });
  return compileAsKql(isNode(field, query, false), ctx, path, 'match');
};
