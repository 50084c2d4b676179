/** kmod-enum-detect's library front door. */
export type { KueryNode, LiteralNode, WildcardNode, FunctionNode } from './kql/ast.js';
export { WILDCARD_SENTINEL } from './kql/ast.js';
export { getFieldValues, getKeywordTerms, toKeywordTerm } from './ecs/fields.js';
export type { Rule } from './rule/schema.js';
export { ruleSchema } from './rule/schema.js';
export { BUILTIN_RULE } from './rule/builtin.js';
export type { SourceEvent } from './io/types.js';
export type { Prefilter, NeedleAtom, Requirement } from './kql/prefilter.js';
export { derivePrefilter, choosePrefilter } from './kql/prefilter.js';
export type { ByteLines } from './kql/prefilter-scan.js';
export { prefilterBatch, calibratePrefilter, splitLines } from './kql/prefilter-scan.js';
