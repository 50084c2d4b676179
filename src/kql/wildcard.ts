/**
 * The KQL wildcard node, one definition of each thing done with it, after Kibana's
 * `kuery/node_types/wildcard.ts` (elastic/kibana, src/platform/packages/shared/kbn-es-query): the
 * parser writes each unescaped `*` as the sentinel; everything else, `?` too, is literal; the whole
 * value must match; case counts; a `*` spans any run of characters, newlines included.
 */
import { WILDCARD_SENTINEL, type ValueNode, type WildcardNode } from './ast.js';

/**
 * Kibana's `isLoneWildcard`: the value holds the sentinel and nothing is left once its FIRST
 * occurrence is removed (String.prototype.replace with a string replaces once), which holds exactly
 * when the value is one sentinel. So `f:*` is an `exists` query and `*:*` match_all, while `f:**` is
 * a pattern like any other: a wildcard query `**`, which matches any indexed term of f and, unlike
 * exists, nothing inside an object field.
 */
export function isLoneWildcard(node: ValueNode): boolean {
  return node.type === 'wildcard' && node.value === WILDCARD_SENTINEL;
}

/** Kibana's wildcard `toElasticsearchQuery`: the text with its wildcard positions as plain `*`. */
export function wildcardAsText(pattern: string): string {
  return pattern.split(WILDCARD_SENTINEL).join('*');
}

/** query_string's reserved characters (Kibana's `escapeQueryString`). */
const QUERY_STRING_RESERVED = /[+\-=&|><!(){}[\]^"~*?:\\/]/g;

/**
 * Kibana's `toQueryStringQuery`, the pattern sent to `wildcard`/`query_string`: literal segments get
 * query_string's reserved characters backslash-escaped, and only the parser's wildcard positions
 * become `*`. So `?` is never a wildcard.
 */
export function toQueryStringPattern(node: WildcardNode): string {
  return node.value
    .split(WILDCARD_SENTINEL)
    .map((seg) => seg.replace(QUERY_STRING_RESERVED, (c) => `\\${c}`))
    .join('*');
}

/**
 * Kibana's wildcard `test` (an anchored regex with `[\s\S]*` per sentinel), compiled without a
 * regex: the literal pieces between stars are matched left to right, each at its first possible
 * place (first piece anchored at the start, last at the end). For globs with only `*`, leftmost
 * placement never loses a match, so there is no backtracking and the cost stays linear in the
 * subject for a given pattern, whatever `*a*a*a*a*b` throws at it.
 */
export function compileWildcardMatcher(pattern: string): (subject: string) => boolean {
  const parts = pattern.split(WILDCARD_SENTINEL);
  if (parts.length === 1) return (s) => s === pattern;
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  const middle = parts.slice(1, -1).filter((p) => p !== '');
  const fixed = first.length + last.length;
  return (s) => {
    if (s.length < fixed || !s.startsWith(first) || !s.endsWith(last)) return false;
    let pos = first.length;
    const end = s.length - last.length;
    for (const piece of middle) {
      const at = s.indexOf(piece, pos);
      if (at < 0 || at + piece.length > end) return false;
      pos = at + piece.length;
    }
    return true;
  };
}
