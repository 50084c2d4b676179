/** `match_all` (every document) and `match_none` (none); both take only `boost`/`_name`. */
import { isPlainObject } from '../../ecs/fields.js';
import { options } from './body.js';
import { DslQueryError, type ClauseCompiler } from './types.js';

const constant = (clause: string, answer: boolean): ClauseCompiler => (body, path) => {
  if (!isPlainObject(body)) throw new DslQueryError(path, clause, 'expected {}');
  options(body, path, clause, []);
  return () => answer;
};

export const compileMatchAll = constant('match_all', true);
export const compileMatchNone = constant('match_none', false);
