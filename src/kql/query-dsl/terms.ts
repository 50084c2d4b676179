/**
 * `terms`: some value of the field is one of the given terms, each read as `term` reads it
 * (term.ts). Body: `{field: [values…], boost?}`; the terms-lookup form (an object) is refused.
 */
import { singleField, isScalar } from './body.js';
import { compileTermOn } from './term.js';
import { DslQueryError, type ClauseCompiler } from './types.js';

export const compileTerms: ClauseCompiler = (body, path, ctx) => {
  const [field, values] = singleField(body, path, 'terms', ['boost', '_name']);
  if (!Array.isArray(values)) throw new DslQueryError(path, 'terms', `"${field}": expected an array of values (a terms lookup is not supported)`);
  const parts = values.map((v, i) => {
    if (!isScalar(v)) throw new DslQueryError(`${path}.${field}[${i}]`, 'terms', 'each value must be a string, number or boolean');
    return compileTermOn(field, v, false, ctx, path, 'terms');
  });
  return (e) => parts.some((p) => p(e));
};
