/**
 * Compiling a query with field types: clauses on a field whose mapping is not a plain keyword are
 * evaluated by type (kql/typed-clauses.ts); every other clause is compiled exactly as without types
 * (kql/compile-tree.ts), with the field's own ignore_above. The boolean structure and `nested` are
 * walked here so each leaf sees its full field name.
 */
import type { KueryNode } from './ast.js';
import { isPlainKeyword } from './typed-clauses.js';
import { typedLeafTest } from './explain-typed.js';
import { compileFieldVisitor, isPlainObject, ECS_KEYWORD_IGNORE_ABOVE } from '../ecs/fields.js';
import type { FieldMapping } from '../ecs/field-types.js';
import { defaultQueryNow } from '../ecs/query-clock.js';

export type EventPredicate = (event: unknown) => boolean;

/** Field name → mapping for the fields a query names (plain data: it travels to worker threads). */
export type FieldTypeTable = Readonly<Record<string, FieldMapping>>;

/** How the untyped compiler compiles one clause (injected: compile-tree.ts calls into this module). */
export type KeywordClauseCompiler = (node: KueryNode, ignoreAbove: number) => EventPredicate;

const fieldNameOf = (node: KueryNode): string | undefined => {
  if (node.function === 'and' || node.function === 'or' || node.function === 'not') return undefined;
  const f = node.arguments[0];
  return f.type === 'literal' && typeof f.value === 'string' ? f.value : undefined;
};

/** Whether any clause of the query names a field the table types otherwise than a plain keyword. */
export function needsTypes(ast: KueryNode, table: FieldTypeTable, prefix = ''): boolean {
  switch (ast.function) {
    case 'and':
    case 'or':
      return ast.arguments.some((n) => needsTypes(n, table, prefix));
    case 'not':
      return needsTypes(ast.arguments[0], table, prefix);
    case 'nested': {
      const path = fieldNameOf(ast);
      return path !== undefined && needsTypes(ast.arguments[1], table, `${prefix}${path}.`);
    }
    default: {
      const name = fieldNameOf(ast);
      const m = name === undefined ? undefined : table[prefix + name];
      return m !== undefined && !(isPlainKeyword(m) && (m.ignore_above ?? Infinity) === ECS_KEYWORD_IGNORE_ABOVE);
    }
  }
}

/** `now`: the evaluation time (epoch ms) of date math in clauses on date fields. */
export function compileTypedTree(ast: KueryNode, table: FieldTypeTable, keyword: KeywordClauseCompiler, defaultIgnoreAbove: number, now: number = defaultQueryNow()): EventPredicate {
  const compile = (node: KueryNode, prefix: string): EventPredicate => {
    switch (node.function) {
      case 'and': {
        const parts = node.arguments.map((n) => compile(n, prefix));
        return (e) => parts.every((p) => p(e));
      }
      case 'or': {
        const parts = node.arguments.map((n) => compile(n, prefix));
        return (e) => parts.some((p) => p(e));
      }
      case 'not': {
        const inner = compile(node.arguments[0], prefix);
        return (e) => !inner(e);
      }
      case 'nested': {
        const path = fieldNameOf(node);
        if (path === undefined) return keyword(node, defaultIgnoreAbove);
        const inner = compile(node.arguments[1], `${prefix}${path}.`);
        const visit = compileFieldVisitor(path);
        return (e) => visit(e, (v) => isPlainObject(v) && inner(v));
      }
      default: {
        const name = fieldNameOf(node);
        const m = name === undefined ? undefined : table[prefix + name];
        if (name === undefined || m === undefined) return keyword(node, defaultIgnoreAbove);
        if (isPlainKeyword(m)) return keyword(node, m.ignore_above ?? Number.MAX_SAFE_INTEGER);
        // One definition of a typed clause's test, shared with explain (kql/explain-typed.ts).
        const test = typedLeafTest(node, table, prefix, now) ?? ((): never => { throw new Error(`internal error: ${node.function} on ${name} is not typed`); })();
        const visit = compileFieldVisitor(name);
        return (e) => visit(e, test);
      }
    }
  };
  return compile(ast, '');
}
