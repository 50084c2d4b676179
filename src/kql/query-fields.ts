/**
 * The field names a query names, in order of first appearance (`nested(path, q)` names `path` and
 * q's fields prefixed by it). Wildcard field names (`process.*`) are kept as written.
 */
import type { KueryNode, ValueNode } from './ast.js';
import { wildcardAsText } from './wildcard.js';

const nameOf = (field: ValueNode): string | undefined =>
  field.type === 'wildcard' ? wildcardAsText(field.value) : field.value === null ? undefined : String(field.value);

export function queryFields(ast: KueryNode): string[] {
  const out = new Set<string>();
  const walk = (n: KueryNode, prefix: string): void => {
    switch (n.function) {
      case 'and':
      case 'or':
        for (const c of n.arguments) walk(c, prefix);
        return;
      case 'not':
        walk(n.arguments[0], prefix);
        return;
      case 'nested': {
        const path = nameOf(n.arguments[0]);
        if (path !== undefined) out.add(prefix + path);
        walk(n.arguments[1], path === undefined ? prefix : `${prefix}${path}.`);
        return;
      }
      default: {
        const name = nameOf(n.arguments[0]);
        if (name !== undefined) out.add(prefix + name);
      }
    }
  };
  walk(ast, '');
  return [...out];
}
