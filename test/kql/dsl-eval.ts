/**
 * Test oracle: evaluates the Query DSL that src/kql/dsl.ts emits against one document, as
 * Elasticsearch would on an index whose fields are all `keyword` (the data view the DSL property
 * builds from the document itself). Knows only the clauses Kibana's KQL translation produces:
 * match_all, bool, term, wildcard, exists, range, query_string, multi_match, match(_phrase), nested.
 * Patterns are read as Elasticsearch reads them (backslash escapes, `*` any run, `?` one character),
 * so an escaping or lone-wildcard slip in the translation shows up as a different verdict.
 */
import type { RangeOperator } from '../../src/kql/ast.js';
import { getFieldValues, isPlainObject, toKeywordTerm } from '../../src/ecs/fields.js';
import { rangeHolds } from './interpret.js';

type Json = unknown;
type Obj = Record<string, Json>;

const asObj = (v: Json): Obj => (isPlainObject(v) ? v : {});

/** Every scalar leaf of a document (nulls skipped), for clauses without fields. */
function allLeaves(doc: Json, out: Json[] = []): Json[] {
  if (Array.isArray(doc)) for (const d of doc) allLeaves(d, out);
  else if (isPlainObject(doc)) for (const v of Object.values(doc)) allLeaves(v, out);
  else if (doc !== null && doc !== undefined) out.push(doc);
  return out;
}

/** Every leaf path of a document: the all-keyword data view it stands for. */
export function leafPathsOf(doc: Json, prefix = '', out = new Set<string>()): Set<string> {
  if (Array.isArray(doc)) for (const d of doc) leafPathsOf(d, prefix, out);
  else if (isPlainObject(doc)) for (const [k, v] of Object.entries(doc)) leafPathsOf(v, prefix ? `${prefix}.${k}` : k, out);
  else if (prefix && doc !== null && doc !== undefined) out.add(prefix);
  return out;
}

/** An Elasticsearch wildcard/query_string pattern as an anchored RegExp (`\x` literal, `*`, `?`). */
function patternRegExp(pattern: string): RegExp {
  let src = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) src += escapeRe(pattern[++i]!);
    else if (c === '*') src += '[\\s\\S]*';
    else if (c === '?') src += '[\\s\\S]';
    else src += escapeRe(c);
  }
  return new RegExp(`^${src}$`, 'u');
}

const escapeRe = (c: string): string => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function terms(values: Json[]): string[] {
  return values.flatMap((v) => {
    const t = toKeywordTerm(v);
    return t === undefined ? [] : [t];
  });
}

/** What `exists` sees: an indexed term, or an object holding one. */
function existsIn(values: Json[]): boolean {
  return values.some((v) => (isPlainObject(v) ? terms(allLeaves(v)).length > 0 : toKeywordTerm(v) !== undefined));
}

const single = (o: Obj): [string, Json] => Object.entries(o)[0]!;

export function evaluateDsl(query: Json, doc: Json): boolean {
  const q = asObj(query);
  const [kind, body] = single(q);
  const b = asObj(body);
  switch (kind) {
    case 'match_all':
      return true;
    case 'bool': {
      const list = (v: Json): Json[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
      const should = list(b['should']);
      return (
        list(b['filter']).every((c) => evaluateDsl(c, doc)) &&
        list(b['must']).every((c) => evaluateDsl(c, doc)) &&
        !list(b['must_not']).some((c) => evaluateDsl(c, doc)) &&
        (should.length === 0 || should.filter((c) => evaluateDsl(c, doc)).length >= Number(b['minimum_should_match'] ?? 1))
      );
    }
    case 'term': {
      const [field, spec] = single(b);
      const value = asObj(spec)['value'];
      if (value === null || value === undefined) return false;
      return terms(getFieldValues(doc, field)).includes(String(value));
    }
    case 'match':
    case 'match_phrase': {
      const [field, value] = single(b);
      if (value === null) return false;
      return terms(getFieldValues(doc, field)).includes(String(value));
    }
    case 'wildcard': {
      const [field, spec] = single(b);
      const re = patternRegExp(String(asObj(spec)['value']));
      return terms(getFieldValues(doc, field)).some((t) => re.test(t));
    }
    case 'exists':
      return existsIn(getFieldValues(doc, String(b['field'])));
    case 'range': {
      const [field, spec] = single(b);
      const [op, bound] = single(asObj(spec)) as [RangeOperator, Json];
      if (bound === null) return false;
      return getFieldValues(doc, field).some((v) => rangeHolds(op, String(bound), v, 1024));
    }
    case 'query_string': {
      const re = patternRegExp(String(b['query']));
      const fields = b['fields'] as string[] | undefined;
      const values = fields === undefined ? allLeaves(doc) : fields.flatMap((f) => getFieldValues(doc, f));
      return terms(values).some((t) => re.test(t));
    }
    case 'multi_match':
      return b['query'] !== null && terms(allLeaves(doc)).includes(String(b['query']));
    case 'nested': {
      const path = String(b['path']);
      return getFieldValues(doc, path).some((o) => isPlainObject(o) && evaluateDsl(b['query'], { [path]: o }));
    }
    default:
      throw new Error(`dsl-eval: no reading for ${kind}`);
  }
}
