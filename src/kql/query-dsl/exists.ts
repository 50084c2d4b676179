/**
 * `exists`: the field has an indexed value (within ignore_above for a keyword; a valid value of its
 * type otherwise). KQL's `field:*` (exists.ts), compiled as such. Body: `{field: "name"}`.
 */
import { isPlainObject } from '../../ecs/fields.js';
import { options } from './body.js';
import { compileAsKql, literal } from './kql-leaf.js';
import { DslQueryError, type ClauseCompiler } from './types.js';

export const compileExists: ClauseCompiler = (body, path, ctx) => {
  if (!isPlainObject(body)) throw new DslQueryError(path, 'exists', 'expected {field: "name"}');
  const field = options(body, path, 'exists', ['field'])['field'];
  if (typeof field !== 'string' || field === '') throw new DslQueryError(path, 'exists', 'field must be a field name');
  return compileAsKql({ type: 'function', function: 'exists', arguments: [literal(field, false)] }, ctx, path, 'exists');
};
