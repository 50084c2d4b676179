/**
 * `match_phrase`: the analyzed query tokens in order within one value of a text field; on keyword,
 * number, boolean and address fields, that type's term. KQL's quoted `field:"value"` (is.ts sends
 * `match_phrase`), compiled as such. Body: `{field: text}` or `{field: {query, slop: 0}}`.
 */
import { matchQuery } from './match.js';
import { compileAsKql, isNode } from './kql-leaf.js';
import { DslQueryError, type ClauseCompiler } from './types.js';

export const compileMatchPhrase: ClauseCompiler = (body, path, ctx) => {
  const [field, query] = matchQuery(body, path, 'match_phrase', ['slop'], (o) => {
    if (o['slop'] !== undefined && o['slop'] !== 0) throw new DslQueryError(path, 'match_phrase', 'slop other than 0 is not supported');
  });
  return compileAsKql(isNode(field, query, true), ctx, path, 'match_phrase');
};
