/** kmod-enum-detect's library front door. */
export type { KueryNode, LiteralNode, WildcardNode, FunctionNode } from './kql/ast.js';
export { WILDCARD_SENTINEL } from './kql/ast.js';
export { getFieldValues, getKeywordTerms, toKeywordTerm } from './ecs/fields.js';
export type { Rule } from './rule/schema.js';
export { ruleSchema } from './rule/schema.js';
export { BUILTIN_RULE } from './rule/builtin.js';
export type { SourceEvent } from './io/types.js';
export { parseKql, parseKqlWithWarnings } from './kql/parse.js';
export type { KqlWarning, KqlWarningCode } from './kql/parse.js';
export { KqlSyntaxError } from './kql/errors.js';
export { compileKql } from './kql/compile.js';
export type { CompileKqlOptions, EventPredicate } from './kql/compile.js';
export { toKqlExpression, KqlPrintError } from './kql/print.js';
