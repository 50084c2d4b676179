/**
 * KQL abstract syntax tree in Kibana's KueryNode JSON shape (kbn-es-query `node_types/*`), so a tree
 * printed here can be fed to Kibana tooling and vice versa. Plain JSON: no classes, no methods.
 */

/** Each unescaped `*` in an unquoted value is replaced by this sentinel (Kibana's KQL_WILDCARD_SYMBOL). */
export const WILDCARD_SENTINEL = '@kuery-wildcard@';

export type LiteralValue = string | number | boolean | null;

/** A field name or value as written: text (quoted or not), or null for a value-only clause's field. */
export interface LiteralNode {
  type: 'literal';
  value: LiteralValue;
  isQuoted: boolean;
}

/** A value with `*` in it; wildcard positions hold WILDCARD_SENTINEL, as in Kibana's AST. */
export interface WildcardNode {
  type: 'wildcard';
  /** The pattern text with every wildcard position written as WILDCARD_SENTINEL. */
  value: string;
}

/** A field or value argument of `is`: a literal, or a wildcard pattern. */
export type ValueNode = LiteralNode | WildcardNode;

export type RangeOperator = 'gt' | 'gte' | 'lt' | 'lte';

export interface IsNode {
  type: 'function';
  function: 'is';
  /** [field, value]; a literal field whose value is null means "no field" (value-only query). */
  arguments: [ValueNode, ValueNode];
}

export interface AndNode {
  type: 'function';
  function: 'and';
  arguments: KueryNode[];
}

export interface OrNode {
  type: 'function';
  function: 'or';
  arguments: KueryNode[];
}

export interface NotNode {
  type: 'function';
  function: 'not';
  arguments: [KueryNode];
}

export interface RangeNode {
  type: 'function';
  function: 'range';
  /**
   * Kibana keeps the operator as a bare string between field and value. The value is a wildcard node
   * when it holds an unescaped `*` (`a > b*`); Elasticsearch then compares with the text `b*`.
   */
  arguments: [ValueNode, RangeOperator, ValueNode];
}

export interface NestedNode {
  type: 'function';
  function: 'nested';
  arguments: [ValueNode, KueryNode];
}

export interface ExistsNode {
  type: 'function';
  function: 'exists';
  /** Never produced by the parser; built programmatically (Kibana parity). */
  arguments: [LiteralNode];
}

/** One KQL function node: is, and, or, not, range, nested or exists (Kibana's `function` nodes). */
export type FunctionNode = IsNode | AndNode | OrNode | NotNode | RangeNode | NestedNode | ExistsNode;

/** A whole query, or any sub-query. */
export type KueryNode = FunctionNode;
