/** kmod-enum-detect's library front door. */
export type { KueryNode, LiteralNode, WildcardNode, FunctionNode } from './kql/ast.js';
export { WILDCARD_SENTINEL } from './kql/ast.js';
export { getFieldValues, getKeywordTerms, toKeywordTerm } from './ecs/fields.js';
export type { Rule } from './rule/schema.js';
export { ruleSchema } from './rule/schema.js';
export { BUILTIN_RULE } from './rule/builtin.js';
export type { SourceEvent } from './io/types.js';
export type { AlertDocument, ScanReport, ScanTail, SummaryRow, SummarySection, OutputFormat, Formatter, TextWriter } from './output/types.js';
export { OUTPUT_FORMATS } from './output/types.js';
export { createFormatter, writeReport, type FormatterOptions } from './output/formatter.js';
export { openSink, stdoutSink, fileSink, guardStream, type OutputSink } from './output/sink.js';
export { colorLevel, createChalk, plainChalk, type ColorContext } from './output/color.js';
export { createProgress, progressEnabled, isCI, formatProgressLine, type Progress, type ProgressSnapshot, type ProgressOptions } from './output/progress.js';
export { renderSummary, renderSummaryLine, renderDiagnostics, renderFooter, summaryToObject, sectionKey, type SummaryStyle } from './output/summary.js';
export { renderAlertTable, fitWidths } from './output/pretty.js';
export { ndjsonLine } from './output/ndjson.js';
export { bulkPair, alertsIndex, DEFAULT_SPACE } from './output/bulk.js';
