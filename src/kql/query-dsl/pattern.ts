/**
 * Elasticsearch's wildcard pattern syntax (wildcard query; query_string terms): `*` any run of
 * characters (none too), `?` exactly one, `\` makes the next character literal; the whole term must
 * match (Lucene WildcardQuery.toAutomaton). Compiled to an anchored RegExp with the dotAll and
 * unicode flags (`?` is one code point, as Lucene's automaton steps by code point); `case_insensitive`
 * adds the `i` flag (Unicode simple case folding, as AutomatonQueries.toCaseInsensitiveString folds
 * each code point).
 */
const REGEX_SPECIAL = /[.*+?^${}()|[\]\\]/g;

export function compileEsWildcard(pattern: string, caseInsensitive: boolean): (subject: string) => boolean {
  let src = '';
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === '\\' && i + 1 < chars.length) src += chars[++i]!.replace(REGEX_SPECIAL, '\\$&');
    else if (c === '*') src += '.*';
    else if (c === '?') src += '.';
    else src += c.replace(REGEX_SPECIAL, '\\$&');
  }
  const re = new RegExp(`^(?:${src})$`, caseInsensitive ? 'sui' : 'su');
  return (s) => re.test(s);
}

/** Whether the pattern has an unescaped `*` or `?` (else it is one literal term). */
export function hasWildcard(pattern: string): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (c === '*' || c === '?') return true;
  }
  return false;
}
