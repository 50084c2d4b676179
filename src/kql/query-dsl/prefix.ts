/**
 * `prefix`: some term of the field starts with the value (Elasticsearch reference, prefix query):
 * on a keyword-family field the doc's term (the value through the field's normalizer, like the
 * doc's); on a text field some token, the value taken as written (a prefix query is not analyzed,
 * so capitals never match standard tokens); any other type is Elasticsearch's error.
 * `case_insensitive: true` compares regardless of case. Body: `{field: value}` or
 * `{field: {value, case_insensitive, rewrite}}`.
 */
import { compileFieldVisitor, isPlainObject } from '../../ecs/fields.js';
import { standardTokens } from '../../ecs/standard-analyzer.js';
import { caseInsensitiveOption, familyOf, isScalar, keywordTerm, lowercases, mappingOf, options, singleField } from './body.js';
import { DslQueryError, type ClauseCompiler, type DslContext, type EventPredicate } from './types.js';

export function compilePrefixOn(field: string, value: string, caseInsensitive: boolean, ctx: DslContext, path: string): EventPredicate {
  const family = familyOf(field, ctx);
  const fold = (s: string): string => (caseInsensitive ? s.toLowerCase() : s);
  const visit = compileFieldVisitor(field);
  if (family === 'text') {
    const wanted = fold(value);
    return (e) => visit(e, (v) => typeof v === 'string' && standardTokens(v).some((t) => fold(t).startsWith(wanted)));
  }
  if (family !== 'keyword') {
    throw new DslQueryError(path, 'prefix', `field "${field}" is mapped as ${mappingOf(field, ctx)?.type}: Elasticsearch can only use wildcard and prefix queries on keyword and text fields`);
  }
  const wanted = fold(lowercases(field, ctx) ? value.toLowerCase() : value);
  const term = keywordTerm(field, ctx);
  return (e) =>
    visit(e, (v) => {
      const t = term(v);
      return t !== undefined && fold(t).startsWith(wanted);
    });
}

export const compilePrefix: ClauseCompiler = (body, path, ctx) => {
  const [field, spec] = singleField(body, path, 'prefix');
  if (isScalar(spec)) return compilePrefixOn(field, String(spec), false, ctx, path);
  if (!isPlainObject(spec)) throw new DslQueryError(path, 'prefix', `"${field}": expected a value or {value: …}`);
  const opts = options(spec, path, 'prefix', ['value', 'case_insensitive', 'rewrite']);
  if (!isScalar(opts['value'])) throw new DslQueryError(path, 'prefix', `"${field}": value must be a string`);
  return compilePrefixOn(field, String(opts['value']), caseInsensitiveOption(opts['case_insensitive'], path, 'prefix'), ctx, path);
};
