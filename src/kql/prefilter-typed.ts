/**
 * Keeping the literal prefilter sound with field types: a line the prefilter passes over must never
 * hold an event the typed predicate matches. The prefilter looks for a clause's value as written in
 * the line's bytes, which only a plain keyword guarantees: a number may be spelled `1.0`, an address
 * `::ffff:10.0.0.1`, a `.caseless` value `LSMOD`, a text value with other words around it. So before
 * the prefilter is derived, every `is` clause on a field typed otherwise becomes an `exists` clause,
 * which demands no literal (a weaker requirement: never a dropped match).
 */
import type { KueryNode } from './ast.js';
import type { FieldTypeTable } from './compile-typed.js';
import { isPlainKeyword } from './typed-clauses.js';

export function prefilterQuery(ast: KueryNode, table: FieldTypeTable, prefix = ''): KueryNode {
  switch (ast.function) {
    case 'and':
    case 'or':
      return { ...ast, arguments: ast.arguments.map((n) => prefilterQuery(n, table, prefix)) };
    case 'not':
      return { ...ast, arguments: [prefilterQuery(ast.arguments[0], table, prefix)] };
    case 'nested': {
      const [path, q] = ast.arguments;
      const p = path.type === 'literal' && typeof path.value === 'string' ? `${prefix}${path.value}.` : prefix;
      return { ...ast, arguments: [path, prefilterQuery(q, table, p)] };
    }
    case 'is': {
      const [field] = ast.arguments;
      if (field.type !== 'literal' || typeof field.value !== 'string') return ast;
      const m = table[prefix + field.value];
      return m !== undefined && !isPlainKeyword(m) ? { type: 'function', function: 'exists', arguments: [field] } : ast;
    }
    default:
      return ast;
  }
}
