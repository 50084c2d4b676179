/**
 * A rule's `index` patterns as Elasticsearch resolves them for a search, applied to the `_index`
 * an exported event carries:
 *
 * - each entry may be a comma list; `*` matches any run of characters (ES index expressions have no
 *   other wildcard);
 * - `-pattern` removes what the expressions before it matched (ES applies exclusions in order, to
 *   the preceding expressions only);
 * - a data stream's backing index `.ds-<stream>-<yyyy.MM.dd>-<generation>` (or the pre-7.11
 *   `.ds-<stream>-<generation>`) is searched when its data stream is, so it counts as `<stream>`;
 * - wildcards do not reach hidden/dot-prefixed names unless the pattern itself starts with `.`
 *   (a search with the default `expand_wildcards=open`);
 * - an event without an index was exported without one: it is evaluated.
 */

export type IndexFilter = (index: string | undefined) => boolean;

interface Expression {
  exclude: boolean;
  re: RegExp;
  /** Whether the pattern may match a dot-prefixed name itself. */
  reachesHidden: boolean;
}

const BACKING_DATED = /^\.ds-(.+)-\d{4}\.\d{2}\.\d{2}-\d{6,}$/;
const BACKING_UNDATED = /^\.ds-(.+)-\d{6,}$/;

/** The data stream a backing index belongs to, or undefined for an ordinary index name. */
export function dataStreamOf(index: string): string | undefined {
  const m = BACKING_DATED.exec(index) ?? BACKING_UNDATED.exec(index);
  return m ? m[1] : undefined;
}

function toRegExp(pattern: string): RegExp {
  const body = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`);
}

function parseExpressions(patterns: readonly string[]): Expression[] {
  const out: Expression[] = [];
  for (const entry of patterns) {
    for (const raw of entry.split(',')) {
      const p = raw.trim();
      if (p === '') continue;
      const exclude = p.startsWith('-') && p.length > 1;
      const body = exclude ? p.slice(1) : p;
      out.push({ exclude, re: toRegExp(body), reachesHidden: body.startsWith('.') || !body.includes('*') });
    }
  }
  return out;
}

function matches(expr: Expression, names: readonly string[]): boolean {
  for (const n of names) {
    if (n.startsWith('.') && !expr.reachesHidden) continue;
    if (expr.re.test(n)) return true;
  }
  return false;
}

/**
 * Compiles index patterns into a filter over `_index`. With no patterns at all every event passes
 * (a rule without an index list would search the default data view, which we cannot know).
 */
export function compileIndexFilter(patterns: readonly string[]): IndexFilter {
  const exprs = parseExpressions(patterns);
  if (exprs.length === 0) return () => true;
  const cache = new Map<string, boolean>();
  return (index) => {
    if (index === undefined) return true;
    const hit = cache.get(index);
    if (hit !== undefined) return hit;
    const stream = dataStreamOf(index);
    const names = stream === undefined ? [index] : [index, stream];
    let included = false;
    for (const e of exprs) {
      if (e.exclude ? included : !included) {
        if (matches(e, names)) included = !e.exclude;
      }
    }
    // Real exports hold few distinct indices; bound the cache anyway.
    if (cache.size < 10_000) cache.set(index, included);
    return included;
  };
}
