/**
 * `term`: the exact term, not analyzed (Elasticsearch reference, term query):
 * - keyword family: the value through the field's normalizer equals the doc's term — KQL's
 *   `field:value` on a keyword, compiled as such; `case_insensitive: true` compares both lowercased
 *   (ES builds a case-insensitive automaton; Unicode simple case folding here);
 * - text: equals one of the doc's tokens (they are lowercased, so `term` with capitals never
 *   matches a standard-analyzed field);
 * - number, boolean, address (a CIDR too): that type's term, as KQL reads it; `case_insensitive` on
 *   them is Elasticsearch's error.
 * Body: `{field: value}` or `{field: {value, case_insensitive}}`.
 */
import { isPlainObject } from '../../ecs/fields.js';
import { compileFieldVisitor } from '../../ecs/fields.js';
import { standardTokens } from '../../ecs/standard-analyzer.js';
import { caseInsensitiveOption, familyOf, isScalar, keywordTerm, options, singleField, type Scalar } from './body.js';
import { compileAsKql, isNode } from './kql-leaf.js';
import { DslQueryError, type ClauseCompiler, type DslContext, type EventPredicate, type ValueTest } from './types.js';

/** The per-value test of `term` on a keyword or text field, or undefined for the other types. */
export function termValueTest(field: string, value: Scalar, caseInsensitive: boolean, ctx: DslContext): ValueTest | undefined {
  const family = familyOf(field, ctx);
  const wanted = caseInsensitive ? String(value).toLowerCase() : String(value);
  if (family === 'text') {
    return (v) => typeof v === 'string' && standardTokens(v).some((t) => (caseInsensitive ? t.toLowerCase() : t) === wanted);
  }
  if (family === 'keyword' && caseInsensitive) {
    const term = keywordTerm(field, ctx);
    return (v) => term(v)?.toLowerCase() === wanted;
  }
  return undefined;
}

/** `term` on one field: by type as above. */
export function compileTermOn(field: string, value: Scalar, caseInsensitive: boolean, ctx: DslContext, path: string, clause: string): EventPredicate {
  const test = termValueTest(field, value, caseInsensitive, ctx);
  if (test !== undefined) {
    const visit = compileFieldVisitor(field);
    return (e) => visit(e, test);
  }
  if (caseInsensitive && familyOf(field, ctx) !== 'keyword') {
    throw new DslQueryError(path, clause, `case_insensitive is refused on field "${field}" (mapped as ${ctx.fieldTypes?.[field]?.type})`);
  }
  return compileAsKql(isNode(field, value, true), ctx, path, clause);
}

export const compileTerm: ClauseCompiler = (body, path, ctx) => {
  const [field, spec] = singleField(body, path, 'term');
  if (isScalar(spec)) return compileTermOn(field, spec, false, ctx, path, 'term');
  if (!isPlainObject(spec)) throw new DslQueryError(path, 'term', `"${field}": expected a value or {value: …}`);
  const opts = options(spec, path, 'term', ['value', 'case_insensitive']);
  const value = opts['value'];
  if (!isScalar(value)) throw new DslQueryError(path, 'term', `"${field}": value must be a string, number or boolean`);
  return compileTermOn(field, value, caseInsensitiveOption(opts['case_insensitive'], path, 'term'), ctx, path, 'term');
};
