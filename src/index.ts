/**
 * kmod-enum-detect as a library: Kibana's KQL (parse, compile, explain, print, Elasticsearch DSL),
 * Elastic's prebuilt rule "Enumeration of Kernel Modules", and the detection engine that runs it over
 * ECS events as Kibana's scheduler would, end to end (`scanFiles`) or event by event
 * (`createScanner`). The README's "Library" section has an example for each name.
 */

// KQL: the language.
export { parseKql } from './kql/parse.js';
export { compileKql } from './kql/compile.js';
export { explainKql } from './kql/explain.js';
export { toKqlExpression } from './kql/print.js';
export { toElasticsearchQuery } from './kql/dsl.js';
export { KqlSyntaxError } from './kql/errors.js';
export type { KueryNode, LiteralNode, WildcardNode, FunctionNode } from './kql/ast.js';
export type { EventPredicate, CompileKqlOptions } from './kql/compile.js';
export type { Explanation } from './kql/explain.js';
export type { DslOptions, DslQuery, FieldTypes } from './kql/dsl.js';

// Rules.
export { BUILTIN_RULE } from './rule/builtin.js';
export { loadRuleFile, RuleFileError } from './rule/load.js';
export type { RuleLoadOptions } from './rule/load.js';
export type { Rule } from './rule/schema.js';

// Scans: inputs end to end, or events you already hold.
export { scanFiles } from './engine/scan-files.js';
export type { ScanFilesOptions, ScanFilesResult, ScanProgress } from './engine/scan-files.js';
export { createScanner, ScanConfigError } from './engine/scan.js';
export type { Scanner, ScanOptions, ScanResult, ScanSummary, LostDetection } from './engine/scan.js';
export type { AlertDocument } from './engine/alert.js';
export type { RunMessage } from './engine/schedule.js';
export { loadState, saveState, StateFileError } from './engine/state.js';
export type { ScanState, LoadedState } from './engine/state.js';

// Reading events: every input shape, every line accounted for.
export { readEvents } from './io/read-events.js';
export type { ReadEventsOptions, ReadProgress } from './io/read-events.js';
export { Accounting } from './io/accounting.js';
export type { Counts, Problem, MalformedKind } from './io/accounting.js';
export { InputError } from './io/errors.js';
export type { InputErrorReason } from './io/errors.js';
export type { SourceEvent } from './io/types.js';
