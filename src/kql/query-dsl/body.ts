/**
 * Reading clause bodies: the single-field form most leaf queries share (`{field: value}` or
 * `{field: {value, …options}}`), option lists checked by name, and a field's keyword term as the
 * KQL compiler reads it (one definition: the untyped reading of ecs/fields.ts, or the field's codec).
 */
import { isPlainObject, toKeywordTerm } from '../../ecs/fields.js';
import type { FieldMapping } from '../../ecs/field-types.js';
import { termCodec } from '../../ecs/typed-terms.js';
import { keywordOf, typeFamily, type TypeFamily } from '../typed-clauses.js';
import { DslQueryError, type DslContext } from './types.js';

export type Scalar = string | number | boolean;

export const isScalar = (v: unknown): v is Scalar => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean';

/** The one `field: spec` pair of a leaf clause body (`boost` beside it is allowed where ES allows it). */
export function singleField(body: unknown, path: string, clause: string, besides: readonly string[] = []): [string, unknown] {
  if (!isPlainObject(body)) throw new DslQueryError(path, clause, 'expected an object naming one field');
  const keys = Object.keys(body).filter((k) => !besides.includes(k));
  if (keys.length !== 1) throw new DslQueryError(path, clause, `expected exactly one field, found ${keys.length === 0 ? 'none' : keys.map((k) => `"${k}"`).join(', ')}`);
  const field = keys[0]!;
  return [field, body[field]];
}

/**
 * The options of a `{field: {…}}` form, each key checked: known ones are returned, `boost` and
 * `_name` (scoring and naming only) are ignored, anything else is refused by name.
 */
export function options(spec: Record<string, unknown>, path: string, clause: string, known: readonly string[]): Record<string, unknown> {
  for (const k of Object.keys(spec)) {
    if (k === 'boost' || k === '_name' || known.includes(k)) continue;
    throw new DslQueryError(path, clause, `option "${k}" is not supported (supported: ${known.join(', ')})`);
  }
  return spec;
}

export function caseInsensitiveOption(v: unknown, path: string, clause: string): boolean {
  if (v === undefined) return false;
  if (typeof v !== 'boolean') throw new DslQueryError(path, clause, 'case_insensitive must be true or false');
  return v;
}

/** The field's mapping (undefined: not mapped, a keyword as KQL reads it). */
export const mappingOf = (field: string, ctx: DslContext): FieldMapping | undefined => ctx.fieldTypes?.[field];

export const familyOf = (field: string, ctx: DslContext): TypeFamily => {
  const m = mappingOf(field, ctx);
  return m === undefined ? 'keyword' : typeFamily(m);
};

/**
 * The keyword term a value gives a keyword-family field (its normalizer applied), as the KQL
 * compiler reads it: unmapped fields with the context's ignore_above, mapped ones by their codec.
 */
export function keywordTerm(field: string, ctx: DslContext): (v: unknown) => string | undefined {
  const m = mappingOf(field, ctx);
  if (m === undefined) return (v) => toKeywordTerm(v, ctx.ignoreAbove);
  const codec = termCodec(keywordOf(m));
  return (v) => codec.term(v);
}

/** Whether the field's keyword normalizer lowercases (the query side is normalized the same way). */
export const lowercases = (field: string, ctx: DslContext): boolean => mappingOf(field, ctx)?.normalizer === 'lowercase';
