/**
 * `nested`: the query holds within ONE object of the `path` array (Elasticsearch reference, nested
 * query), its field names written in full (`process.Ext.code_signature.trusted` under
 * `process.Ext.code_signature`), as Kibana's exception lists write nested entries
 * (build_exception_filter.ts buildNestedClause). Each object is tried on its own, re-rooted at its
 * path, so the inner clauses keep their full names and field types. Body: `{path, query,
 * score_mode, ignore_unmapped}` (score_mode only scores).
 */
import { compileFieldVisitor, isPlainObject } from '../../ecs/fields.js';
import { options } from './body.js';
import { DslQueryError, type ClauseCompiler } from './types.js';

export const compileNested: ClauseCompiler = (body, path, _ctx, compile) => {
  if (!isPlainObject(body)) throw new DslQueryError(path, 'nested', 'expected {path, query}');
  const opts = options(body, path, 'nested', ['path', 'query', 'score_mode', 'ignore_unmapped']);
  const nestedPath = opts['path'];
  if (typeof nestedPath !== 'string' || nestedPath === '') throw new DslQueryError(path, 'nested', 'path must be a field name');
  const inner = compile(opts['query'], `${path}.query`);
  const visit = compileFieldVisitor(nestedPath);
  return (e) => visit(e, (o) => isPlainObject(o) && inner({ [nestedPath]: o }));
};
