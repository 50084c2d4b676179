/**
 * `bool`: every `must` and `filter` clause holds, no `must_not` clause holds, and at least
 * minimum_should_match of the `should` clauses hold (Elasticsearch reference, bool query). The
 * default minimum is 1 when there are should clauses and no must/filter clause, else 0 (since 7.0,
 * whatever the context). A spec is an integer or a percentage, negative ones counting from the
 * number of should clauses, computed as Elasticsearch's Queries.calculateMinShouldMatch (percent
 * rounded down, never below 0); more than there are should clauses matches nothing. Conditional
 * specs (`3<90%`) are refused by name. Each occurrence list may be one clause or an array.
 */
import { isPlainObject } from '../../ecs/fields.js';
import { options } from './body.js';
import { DslQueryError, type ClauseCompiler, type EventPredicate } from './types.js';

const OCCURS = ['must', 'filter', 'should', 'must_not'] as const;

/** Elasticsearch's minimum_should_match for `count` should clauses (undefined: the default). */
export function minimumShouldMatch(spec: unknown, count: number, hasRequired: boolean, path: string): number {
  if (spec === undefined || spec === null) return count > 0 && !hasRequired ? 1 : 0;
  const text = String(spec).trim();
  let result: number;
  const pct = /^(-?\d+(?:\.\d+)?)%$/.exec(text);
  if (pct) {
    const calc = Math.trunc((count * Number(pct[1])) / 100);
    result = calc < 0 ? count + calc : calc;
  } else if (/^-?\d+$/.test(text)) {
    const calc = Number(text);
    result = calc < 0 ? count + calc : calc;
  } else {
    throw new DslQueryError(path, 'bool', `minimum_should_match "${text}" is not supported (an integer or a percentage)`);
  }
  return result < 0 ? 0 : result;
}

export const compileBool: ClauseCompiler = (body, path, _ctx, compile) => {
  if (!isPlainObject(body)) throw new DslQueryError(path, 'bool', 'expected an object');
  const opts = options(body, path, 'bool', [...OCCURS, 'minimum_should_match', 'adjust_pure_negative']);
  const lists = {} as Record<(typeof OCCURS)[number], EventPredicate[]>;
  for (const occur of OCCURS) {
    const v = opts[occur];
    const items = v === undefined ? [] : Array.isArray(v) ? v : [v];
    lists[occur] = items.map((q, i) => compile(q, Array.isArray(v) ? `${path}.${occur}[${i}]` : `${path}.${occur}`));
  }
  const required = [...lists.must, ...lists.filter];
  const { should, must_not: mustNot } = lists;
  const min = minimumShouldMatch(opts['minimum_should_match'], should.length, required.length > 0, path);
  if (min > should.length) return () => false;
  return (e) => {
    for (const p of required) if (!p(e)) return false;
    for (const p of mustNot) if (p(e)) return false;
    if (min === 0) return true;
    let hits = 0;
    for (const p of should) if (p(e) && ++hits >= min) return true;
    return false;
  };
};
