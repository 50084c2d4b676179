/**
 * A plain recursive interpreter of KueryNode ASTs with Elasticsearch keyword semantics, used as the
 * oracle of the prefilter soundness tests (independent of src/kql/compile.ts on purpose).
 */
import { WILDCARD_SENTINEL, type KueryNode, type ValueNode } from '../../src/kql/ast.js';
import { getFieldValues, isPlainObject, toKeywordTerm } from '../../src/ecs/fields.js';

function allLeaves(doc: unknown, out: unknown[] = []): unknown[] {
  if (Array.isArray(doc)) for (const d of doc) allLeaves(d, out);
  else if (isPlainObject(doc)) for (const v of Object.values(doc)) allLeaves(v, out);
  else if (doc !== null && doc !== undefined) out.push(doc);
  return out;
}

function globToRegExp(pattern: string): RegExp {
  const parts = pattern.split(WILDCARD_SENTINEL).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('[\\s\\S]*')}$`);
}

function valueMatches(value: ValueNode, leaf: unknown): boolean {
  const term = toKeywordTerm(leaf);
  if (term === undefined) return false;
  if (value.type === 'wildcard') return globToRegExp(value.value).test(term);
  const v = value.value;
  if (v === null) return false;
  return term === (typeof v === 'string' ? v : String(v));
}

function leavesOf(doc: unknown, field: ValueNode): unknown[] {
  if (field.type === 'literal' && field.value === null) return allLeaves(doc);
  return getFieldValues(doc, String(field.value));
}

export function evaluate(node: KueryNode, doc: unknown): boolean {
  switch (node.function) {
    case 'and':
      return node.arguments.every((c) => evaluate(c, doc));
    case 'or':
      return node.arguments.some((c) => evaluate(c, doc));
    case 'not':
      return !evaluate(node.arguments[0], doc);
    case 'exists':
      return getFieldValues(doc, String(node.arguments[0].value)).length > 0;
    case 'is': {
      const [field, value] = node.arguments;
      if (value.type === 'wildcard' && value.value === WILDCARD_SENTINEL) return leavesOf(doc, field).length > 0;
      return leavesOf(doc, field).some((leaf) => valueMatches(value, leaf));
    }
    case 'range': {
      const [field, op, lit] = node.arguments;
      const bound = lit.value;
      return leavesOf(doc, field).some((leaf) => {
        const a = typeof leaf === 'number' ? leaf : toKeywordTerm(leaf);
        const b = typeof leaf === 'number' ? Number(bound) : String(bound);
        if (a === undefined) return false;
        return op === 'gt' ? a > b : op === 'gte' ? a >= b : op === 'lt' ? a < b : a <= b;
      });
    }
    case 'nested': {
      const [path, inner] = node.arguments;
      return getFieldValues(doc, String(path.value)).some((obj) => isPlainObject(obj) && evaluate(inner, obj));
    }
  }
}
