/**
 * Wildcard patterns as Kibana sends them to Elasticsearch for a keyword field: the sentinel marks
 * each unescaped `*` (any run of characters, newlines included); everything else, `?` too, is
 * literal; the whole value must match; case counts.
 */
import { WILDCARD_SENTINEL } from './ast.js';

export function hasWildcard(pattern: string): boolean {
  return pattern.includes(WILDCARD_SENTINEL);
}

/** A wildcard node whose value is nothing but sentinels: Kibana's "lone wildcard" (exists / all fields). */
export function isLoneWildcard(pattern: string): boolean {
  return pattern.length > 0 && pattern.split(WILDCARD_SENTINEL).every((part) => part === '');
}

/** The text Elasticsearch sees where a wildcard node is used as a plain value (e.g. a range bound). */
export function wildcardAsText(pattern: string): string {
  return pattern.split(WILDCARD_SENTINEL).join('*');
}

/**
 * Compiles a sentinel pattern into a matcher. The literal pieces between stars are matched left to
 * right, each at its first possible place (first piece anchored at the start, last at the end):
 * for globs with only `*`, leftmost placement never loses a match, so there is no backtracking and
 * the cost stays linear in the subject for a given pattern, whatever `*a*a*a*a*b` throws at it.
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
