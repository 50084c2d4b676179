/**
 * The fields a query clause names (for the field-type table the evaluator reads them with), in order
 * of first appearance. Walks the clause kinds compile.ts takes; query_string terms' fields included.
 */
import { isPlainObject } from '../../ecs/fields.js';

const LEAF_WITH_FIELD_KEY = new Set(['term', 'terms', 'match', 'match_phrase', 'wildcard', 'prefix', 'range']);
const NOT_FIELDS = new Set(['boost', '_name']);

export function dslQueryFields(query: unknown): string[] {
  const out = new Set<string>();
  const walk = (q: unknown): void => {
    if (!isPlainObject(q)) return;
    for (const [kind, body] of Object.entries(q)) {
      if (!isPlainObject(body)) continue;
      if (kind === 'bool') {
        for (const occur of ['must', 'filter', 'should', 'must_not']) {
          const v = body[occur];
          for (const c of Array.isArray(v) ? v : [v]) walk(c);
        }
      } else if (kind === 'nested') walk(body['query']);
      else if (kind === 'exists' && typeof body['field'] === 'string') out.add(body['field']);
      else if (kind === 'query_string') {
        const fields = body['fields'];
        if (Array.isArray(fields)) for (const f of fields) if (typeof f === 'string') out.add(f);
        if (typeof body['default_field'] === 'string') out.add(body['default_field']);
        const query = body['query'];
        if (typeof query === 'string') for (const m of query.matchAll(/(?:^|[\s(!])((?:[^\s:\\"()]|\\.)+):/gu)) out.add(m[1]!.replace(/\\(.)/gu, '$1'));
      } else if (LEAF_WITH_FIELD_KEY.has(kind)) for (const f of Object.keys(body)) if (!NOT_FIELDS.has(f)) out.add(f);
    }
  };
  walk(query);
  return [...out];
}
