/**
 * The Query DSL evaluator: a query clause (plain JSON, as a Kibana filter or exception list holds
 * it) to a predicate over events, with the same per-type semantics as the KQL compiler. One module
 * per clause kind; anything else is refused by name with where it sits (DslQueryError).
 *
 *   const matches = compileDslQuery({ bool: { must_not: [{ term: { 'user.name': 'root' } }] } }, { ignoreAbove: 1024 });
 */
import { isPlainObject } from '../../ecs/fields.js';
import { compileBool } from './bool.js';
import { compileExists } from './exists.js';
import { compileMatch } from './match.js';
import { compileMatchAll, compileMatchNone } from './match-all.js';
import { compileMatchPhrase } from './match-phrase.js';
import { compileNested } from './nested.js';
import { compilePrefix } from './prefix.js';
import { compileQueryString } from './query-string.js';
import { compileRange } from './range.js';
import { compileTerm } from './term.js';
import { compileTerms } from './terms.js';
import { compileWildcard } from './wildcard.js';
import { DslQueryError, type ClauseCompiler, type DslContext, type EventPredicate } from './types.js';

/** The clause kinds the evaluator takes. */
export const SUPPORTED_CLAUSES: Readonly<Record<string, ClauseCompiler>> = Object.freeze({
  bool: compileBool,
  term: compileTerm,
  terms: compileTerms,
  match: compileMatch,
  match_phrase: compileMatchPhrase,
  wildcard: compileWildcard,
  prefix: compilePrefix,
  range: compileRange,
  exists: compileExists,
  query_string: compileQueryString,
  match_all: compileMatchAll,
  match_none: compileMatchNone,
  nested: compileNested,
});

/** Compiles one query clause `{kind: body}`; `path` names it in errors (default `query`). */
export function compileDslQuery(query: unknown, ctx: DslContext, path = 'query'): EventPredicate {
  const compile = (q: unknown, at: string): EventPredicate => {
    if (!isPlainObject(q)) throw new DslQueryError(at, 'query', 'expected a query clause object ({kind: …})');
    const kinds = Object.keys(q);
    if (kinds.length !== 1) throw new DslQueryError(at, kinds.join('+') || '(empty)', `expected exactly one clause kind, found ${kinds.length === 0 ? 'an empty object' : kinds.length}`);
    const kind = kinds[0]!;
    const compiler = Object.prototype.hasOwnProperty.call(SUPPORTED_CLAUSES, kind) ? SUPPORTED_CLAUSES[kind] : undefined;
    if (compiler === undefined) throw new DslQueryError(`${at}.${kind}`, kind, `this clause kind is not supported (supported: ${Object.keys(SUPPORTED_CLAUSES).join(', ')})`);
    return compiler(q[kind], `${at}.${kind}`, ctx, compile);
  };
  return compile(query, path);
}
