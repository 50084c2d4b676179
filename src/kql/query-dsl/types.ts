/**
 * The Query DSL evaluator's shared types: what a clause compiles to, the context it compiles in, and
 * the error that refuses a clause by name. The evaluator covers the clauses Kibana filters and
 * exception lists hold (bool, term, terms, match, match_phrase, wildcard, prefix, range, exists,
 * match_all / match_none, simple query_string); one module per clause kind, dispatched by compile.ts.
 */
import type { FieldTypeTable } from '../compile-typed.js';

/** Whether an ECS document (`_source`) matches. */
export type EventPredicate = (event: unknown) => boolean;

/** Whether one value of a field passes a clause. */
export type ValueTest = (value: unknown) => boolean;

/** How clauses are read: the mappings of the fields they name, and the default keyword ignore_above. */
export interface DslContext {
  /** Field → mapping (kql/compile-typed.ts); a field not in it is a keyword, as in KQL. */
  fieldTypes?: FieldTypeTable;
  /** ignore_above of a field no mapping names (ECS's 1024). */
  ignoreAbove: number;
}

/** Compiles a nested clause (bool's children), `path` naming where it sits. */
export type CompileClause = (query: unknown, path: string) => EventPredicate;

/** One clause kind: its body (the value under the kind's key) to a predicate. */
export type ClauseCompiler = (body: unknown, path: string, ctx: DslContext, compile: CompileClause) => EventPredicate;

/**
 * A clause the evaluator does not take, or takes in a form Elasticsearch would refuse: `path` says
 * where it sits (`query.bool.must_not[0].wildcard`), `clause` its kind.
 */
export class DslQueryError extends Error {
  override name = 'DslQueryError';
  constructor(
    readonly path: string,
    readonly clause: string,
    readonly reason: string,
  ) {
    super(`${path}: ${clause}: ${reason}`);
  }
}
