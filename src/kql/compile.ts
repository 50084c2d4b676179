/**
 * compileKql: KQL text or a KueryNode (checked against the tree schema) to a predicate over events.
 * The semantics live in ./compile-tree.ts.
 */
import type { KueryNode } from './ast.js';
import { kueryNodeSchema } from './ast-schema.js';
import { compileKqlTree, type CompileKqlOptions, type EventPredicate } from './compile-tree.js';
import { parseKql } from './parse.js';

export type { CompileKqlOptions, EventPredicate } from './compile-tree.js';

/**
 * Compiles a query (text or KueryNode) once into a predicate over events. Throws KqlSyntaxError for
 * bad text, and a zod error for a malformed tree.
 */
export function compileKql(queryOrAst: string | KueryNode, options: CompileKqlOptions = {}): EventPredicate {
  const ast = typeof queryOrAst === 'string' ? parseKql(queryOrAst) : kueryNodeSchema.parse(queryOrAst);
  return compileKqlTree(ast, options);
}
