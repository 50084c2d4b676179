/** kmod-enum-detect's library front door. */
export type { KueryNode, LiteralNode, WildcardNode, FunctionNode } from './kql/ast.js';
export { WILDCARD_SENTINEL } from './kql/ast.js';
export { getFieldValues, getKeywordTerms, toKeywordTerm } from './ecs/fields.js';
export type { Rule } from './rule/schema.js';
export { ruleSchema } from './rule/schema.js';
export { BUILTIN_RULE } from './rule/builtin.js';
export type { SourceEvent } from './io/types.js';
export { parseEventTime, parseIsoTime, formatTime, eventTimeOf, timestampFieldsOf } from './ecs/time.js';
export { createScanner, ScanConfigError, DEFAULT_SPACE } from './engine/scan.js';
export type { Scanner, ScanOptions, ScanResult, ScanSummary, LostDetection } from './engine/scan.js';
export type { AlertDocument } from './engine/alert.js';
export type { RunMessage } from './engine/schedule.js';
export { loadState, saveState, parseState, StateFileError } from './engine/state.js';
export type { ScanState, LoadedState } from './engine/state.js';
export { newTermsAlertId, queryAlertId, eventIdentity, DERIVED_INDEX } from './engine/alert-id.js';
export { MAX_SIGNALS_WARNING } from './engine/select.js';
