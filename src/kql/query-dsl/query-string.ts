/**
 * `query_string` in the simple forms Kibana writes: `field:value`, `field:"a phrase"`,
 * `field:pat*tern`, `field:*`, optionally `NOT`-prefixed, joined by one operator (`AND`, `OR`, or
 * the default_operator for plain spaces); a term without a field takes the query's single `fields`
 * entry or its `default_field` (KQL's translation sends `{query_string: {fields: [f], query: p}}`
 * for a wildcard on a non-keyword field). Each term means what Elasticsearch's query_string parser
 * builds for it, so it is compiled by the clause that builds: a phrase is match_phrase, a value with
 * an unescaped `*`/`?` a wildcard query (analyze_wildcard normalizes it as wildcard.ts does), a lone
 * `*` exists, any other value match. Parentheses, ranges, fuzzy, boost, regex, `+`/`-` and mixed
 * operators are refused by name.
 */
import { isPlainObject } from '../../ecs/fields.js';
import { options } from './body.js';
import { compileAsKql, isNode, literal } from './kql-leaf.js';
import { hasWildcard } from './pattern.js';
import { compileWildcardOn } from './wildcard.js';
import { DslQueryError, type ClauseCompiler, type DslContext, type EventPredicate } from './types.js';

interface Term {
  negated: boolean;
  field: string | undefined;
  value: string;
  quoted: boolean;
}

const UNSUPPORTED = /^[()[\]{}^~/+-]|[()^~]|\bTO\b/;

function unescape(s: string): string {
  return s.replace(/\\(.)/gsu, '$1');
}

/** Splits the query into words (quoted phrases kept whole, backslash escapes kept). */
function words(query: string, path: string): { text: string; quoted: boolean }[] {
  const out: { text: string; quoted: boolean }[] = [];
  let i = 0;
  while (i < query.length) {
    if (/\s/.test(query[i]!)) {
      i++;
      continue;
    }
    let text = '';
    let quoted = false;
    while (i < query.length && !/\s/.test(query[i]!)) {
      const c = query[i]!;
      if (c === '\\' && i + 1 < query.length) {
        text += c + query[i + 1]!;
        i += 2;
      } else if (c === '"') {
        const end = query.indexOf('"', i + 1);
        if (end < 0) throw new DslQueryError(path, 'query_string', 'unclosed quote');
        text += query.slice(i, end + 1);
        quoted = true;
        i = end + 1;
      } else {
        text += c;
        i++;
      }
    }
    out.push({ text, quoted });
  }
  return out;
}

function parseTerm(word: string, negated: boolean, path: string): Term {
  // The field is what precedes the first unescaped ':' outside quotes.
  let field: string | undefined;
  let rest = word;
  for (let i = 0; i < word.length; i++) {
    const c = word[i];
    if (c === '\\') i++;
    else if (c === '"') break;
    else if (c === ':') {
      field = unescape(word.slice(0, i));
      rest = word.slice(i + 1);
      break;
    }
  }
  if (field !== undefined && (field === '' || hasWildcard(field))) throw new DslQueryError(path, 'query_string', `field "${field}" is not supported (a plain field name)`);
  if (rest.startsWith('"')) {
    if (!rest.endsWith('"') || rest.length < 2) throw new DslQueryError(path, 'query_string', `"${word}" is not supported (a phrase must be the whole value)`);
    return { negated, field, value: rest.slice(1, -1).replace(/\\(.)/gsu, '$1'), quoted: true };
  }
  if (rest === '' || UNSUPPORTED.test(rest.replace(/\\./gsu, ''))) throw new DslQueryError(path, 'query_string', `"${word}" is not one of the simple forms (field:value, field:"phrase", field:pat*tern, field:*)`);
  return { negated, field, value: rest, quoted: false };
}

function parse(query: string, defaultOperator: 'AND' | 'OR', path: string): { op: 'AND' | 'OR'; terms: Term[] } {
  const ws = words(query, path);
  const terms: Term[] = [];
  let op: 'AND' | 'OR' | undefined;
  let pendingOp: 'AND' | 'OR' | undefined;
  let negated = false;
  for (const w of ws) {
    if (!w.quoted && (w.text === 'AND' || w.text === 'OR' || w.text === '&&' || w.text === '||')) {
      if (terms.length === 0 || pendingOp !== undefined) throw new DslQueryError(path, 'query_string', `misplaced ${w.text}`);
      pendingOp = w.text === 'AND' || w.text === '&&' ? 'AND' : 'OR';
      continue;
    }
    if (!w.quoted && (w.text === 'NOT' || w.text === '!')) {
      negated = !negated;
      continue;
    }
    if (terms.length > 0) {
      const joined = pendingOp ?? defaultOperator;
      if (op !== undefined && op !== joined) throw new DslQueryError(path, 'query_string', 'mixed AND/OR operators are not supported (no precedence rules here)');
      op = joined;
    }
    terms.push(parseTerm(w.text, negated, path));
    negated = false;
    pendingOp = undefined;
  }
  if (terms.length === 0 || negated || pendingOp !== undefined) throw new DslQueryError(path, 'query_string', 'expected field:value terms');
  return { op: op ?? defaultOperator, terms };
}

function compileTerm(t: Term, field: string, ctx: DslContext, path: string): EventPredicate {
  if (t.quoted) return compileAsKql(isNode(field, t.value, true), ctx, path, 'query_string');
  if (t.value === '*') return compileAsKql({ type: 'function', function: 'exists', arguments: [literal(field, false)] }, ctx, path, 'query_string');
  if (hasWildcard(t.value)) return compileWildcardOn(field, t.value, false, ctx, path, 'query_string');
  return compileAsKql(isNode(field, unescape(t.value), false), ctx, path, 'query_string');
}

export const compileQueryString: ClauseCompiler = (body, path, ctx) => {
  if (!isPlainObject(body)) throw new DslQueryError(path, 'query_string', 'expected {query: …}');
  const opts = options(body, path, 'query_string', ['query', 'fields', 'default_field', 'default_operator', 'analyze_wildcard', 'allow_leading_wildcard', 'time_zone']);
  const query = opts['query'];
  if (typeof query !== 'string') throw new DslQueryError(path, 'query_string', 'query must be a string');
  const fields = opts['fields'];
  if (fields !== undefined && (!Array.isArray(fields) || fields.length !== 1 || typeof fields[0] !== 'string')) throw new DslQueryError(path, 'query_string', 'fields must name exactly one field');
  const defaultField = Array.isArray(fields) ? String(fields[0]) : typeof opts['default_field'] === 'string' && opts['default_field'] !== '*' ? opts['default_field'] : undefined;
  if (opts['analyze_wildcard'] === false) throw new DslQueryError(path, 'query_string', 'analyze_wildcard: false is not supported');
  const dop = String(opts['default_operator'] ?? 'OR').toUpperCase();
  if (dop !== 'AND' && dop !== 'OR') throw new DslQueryError(path, 'query_string', `default_operator "${dop}" is not AND or OR`);
  const { op, terms } = parse(query, dop, path);
  // Lucene reads `a OR NOT b` as should a, must_not b (a AND NOT b): not the OR it looks like.
  if (op === 'OR' && terms.length > 1 && terms.some((t) => t.negated)) throw new DslQueryError(path, 'query_string', 'NOT within an OR is not supported (Lucene reads `a OR NOT b` as `a AND NOT b`)');
  const parts = terms.map((t) => {
    const field = t.field ?? defaultField;
    if (field === undefined) throw new DslQueryError(path, 'query_string', `"${t.value}" has no field (all-fields search is not supported)`);
    const p = compileTerm(t, field, ctx, path);
    return t.negated ? (e: unknown) => !p(e) : p;
  });
  // A lone negated term matches what it does not (Elasticsearch adds match_all to a pure negation).
  return op === 'AND' ? (e) => parts.every((p) => p(e)) : (e) => parts.some((p) => p(e));
};
