/**
 * KQL text for a node, for people reading explanations: value lists are folded back into the
 * `field:(a or b)` shorthand the rule author wrote, and parentheses appear only where precedence
 * needs them. Not a round-trip serialiser for arbitrary literals.
 */
import { WILDCARD_SENTINEL, type KueryNode, type ValueNode } from './ast.js';

const SPECIAL = /[\\():<>"*{}]/g;
const RANGE_OPS = { gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

export function valueText(node: ValueNode): string {
  if (node.type === 'wildcard') return node.value.split(WILDCARD_SENTINEL).map((s) => s.replace(SPECIAL, '\\$&')).join('*');
  if (node.value === null) return 'null';
  const text = String(node.value);
  if (node.isQuoted) return `"${text.replace(/["\\]/g, '\\$&')}"`;
  const escaped = text.replace(SPECIAL, '\\$&');
  return /^(or|and|not)$/i.test(escaped) ? `\\${escaped}` : escaped;
}

/** The field an `or` of plain `is` leaves all test, if they share one: such an `or` is a value list. */
export function valueListField(node: KueryNode): string | undefined {
  if (node.function !== 'or' || node.arguments.length === 0) return undefined;
  let field: string | undefined;
  for (const child of node.arguments) {
    if (child.function !== 'is') return undefined;
    const f = child.arguments[0];
    if (f.type !== 'literal' || f.value === null) return undefined;
    const name = String(f.value);
    if (field !== undefined && field !== name) return undefined;
    field = name;
  }
  return field;
}

function wrap(node: KueryNode): string {
  const text = toKqlText(node);
  const compound = node.function === 'and' || node.function === 'or';
  if (!compound || valueListField(node) !== undefined) return text;
  // Same-level operators are flattened by the parser, so a nested and/or was parenthesised in the source.
  return `(${text})`;
}

export function toKqlText(node: KueryNode): string {
  switch (node.function) {
    case 'is': {
      const [field, value] = node.arguments;
      if (field.type === 'literal' && field.value === null) return valueText(value);
      return `${valueText(field)}:${valueText(value)}`;
    }
    case 'or': {
      const field = valueListField(node);
      if (field !== undefined && node.arguments.length > 1) {
        const values = node.arguments.map((c) => (c.function === 'is' ? valueText(c.arguments[1]) : ''));
        return `${field}:(${values.join(' or ')})`;
      }
      return node.arguments.map((c) => wrap(c)).join(' or ');
    }
    case 'and':
      return node.arguments.map((c) => wrap(c)).join(' and ');
    case 'not':
      return `not ${wrap(node.arguments[0])}`;
    case 'range':
      return `${valueText(node.arguments[0])} ${RANGE_OPS[node.arguments[1]]} ${valueText(node.arguments[2])}`;
    case 'exists':
      return `${valueText(node.arguments[0])}:*`;
    case 'nested':
      return `${valueText(node.arguments[0])}:{ ${toKqlText(node.arguments[1])} }`;
  }
}
