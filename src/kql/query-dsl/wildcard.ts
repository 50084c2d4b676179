/**
 * `wildcard`: the pattern (pattern.ts) against the field's terms (Elasticsearch reference, wildcard
 * query; KeywordFieldType / TextFieldType wildcardQuery):
 * - keyword family (keyword, wildcard, constant_keyword): the doc's term (within ignore_above; its
 *   normalizer applied, and the pattern normalized likewise);
 * - text: some token of the value, the pattern lowercased as the standard analyzer normalizes it;
 * - any other type: Elasticsearch's error ("Can only use wildcard queries on keyword and text
 *   fields"), so the rule is refused.
 * `case_insensitive: true` matches regardless of case. Body: `{field: pattern}` or
 * `{field: {value | wildcard, case_insensitive, rewrite}}` (rewrite only changes scoring).
 */
import { compileFieldVisitor, isPlainObject } from '../../ecs/fields.js';
import { standardTokens } from '../../ecs/standard-analyzer.js';
import { caseInsensitiveOption, familyOf, keywordTerm, lowercases, mappingOf, options, singleField } from './body.js';
import { compileEsWildcard } from './pattern.js';
import { DslQueryError, type ClauseCompiler, type DslContext, type EventPredicate, type ValueTest } from './types.js';

/** The per-value test of a wildcard pattern on a keyword or text field (refused on other types). */
export function wildcardValueTest(field: string, pattern: string, caseInsensitive: boolean, ctx: DslContext, path: string, clause: string): ValueTest {
  const family = familyOf(field, ctx);
  if (family === 'text') {
    const matches = compileEsWildcard(pattern.toLowerCase(), caseInsensitive);
    return (v) => typeof v === 'string' && standardTokens(v).some(matches);
  }
  if (family !== 'keyword') {
    throw new DslQueryError(path, clause, `field "${field}" is mapped as ${mappingOf(field, ctx)?.type}: Elasticsearch can only use wildcard and prefix queries on keyword and text fields`);
  }
  const matches = compileEsWildcard(lowercases(field, ctx) ? pattern.toLowerCase() : pattern, caseInsensitive);
  const term = keywordTerm(field, ctx);
  return (v) => {
    const t = term(v);
    return t !== undefined && matches(t);
  };
}

export function compileWildcardOn(field: string, pattern: string, caseInsensitive: boolean, ctx: DslContext, path: string, clause: string): EventPredicate {
  const test = wildcardValueTest(field, pattern, caseInsensitive, ctx, path, clause);
  const visit = compileFieldVisitor(field);
  return (e) => visit(e, test);
}

export const compileWildcard: ClauseCompiler = (body, path, ctx) => {
  const [field, spec] = singleField(body, path, 'wildcard');
  if (typeof spec === 'string') return compileWildcardOn(field, spec, false, ctx, path, 'wildcard');
  if (!isPlainObject(spec)) throw new DslQueryError(path, 'wildcard', `"${field}": expected a pattern or {value: …}`);
  const opts = options(spec, path, 'wildcard', ['value', 'wildcard', 'case_insensitive', 'rewrite']);
  const pattern = opts['value'] ?? opts['wildcard'];
  if (typeof pattern !== 'string') throw new DslQueryError(path, 'wildcard', `"${field}": value must be a pattern string`);
  return compileWildcardOn(field, pattern, caseInsensitiveOption(opts['case_insensitive'], path, 'wildcard'), ctx, path, 'wildcard');
};
