/**
 * What the I/O room hands to the rest: one ECS document with where it came from. Shapes (bare
 * documents, search hits, search responses, es_archiver docs, fields-API exports) are unwrapped into
 * this before any rule semantics apply.
 */
export interface SourceEvent {
  /** The ECS document (`_source`, or the unflattened fields of a fields-API hit). */
  source: Record<string, unknown>;
  /** `_index` where the input carried one (a search hit, an es_archiver doc). */
  index?: string;
  /** `_id` where the input carried one. */
  id?: string;
  /** Where the event was read: file name (`-` for stdin) and 1-based line number. */
  origin: { file: string; line: number };
}
