/**
 * Exception lists: a rule's `exceptions_list` references, a Kibana exception-list export read with
 * `--exceptions FILE` (NDJSON: the list, its items, an export summary; a rules export carrying its
 * lists works too), and the negated filter Kibana builds from the referenced lists' items.
 *
 * Read (elastic/kibana): the lists plugin's server/services/exception_lists/build_exception_filter.ts
 * (`buildExceptionFilter`, which @kbn/securitysolution-list-utils used to hold), called by the
 * security solution's rule wrapper (rule_types/create_security_rule_type_wrapper.ts) with
 * `excludeExceptions: true, chunkSize: 10, alias: null, startedAt` and appended after the rule's
 * filters by get_query_filter.ts `getAllFilters`:
 * - items whose `expire_time` is before the run's start are dropped (removeExpiredExceptions);
 * - each item is one OR clause, its entries ANDed (`bool.filter`; a single entry alone); with
 *   `os_types`, one clause per OS and per OS field: `host.os.type` and `host.os.name.caseless`
 *   matched against the OS name, ANDed with the entries (transformOsType);
 * - match: `bool {should: [match_phrase {field: value}], minimum_should_match: 1}`; match_any: one
 *   such bool per value in a should (the single-value case unwrapped); wildcard:
 *   `bool {filter: {wildcard: {field: value}}}` (no case_insensitive: case counts); exists:
 *   `bool {should: [exists], minimum_should_match: 1}`; operator `excluded` wraps any of them in
 *   `bool {must_not: …}`; nested: `nested {path: field, query: …, score_mode: none}` over the
 *   sub-entries with full field names;
 * - the filter is `{meta: {alias: null, negate: true, disabled: false}, query: {bool: {should: [the
 *   item clauses]}}}`, so it lands in must_not: an event any item matches is excluded.
 * - chunkSize only batches the value-list lookups (the `list` entries); it does not change the query.
 * `list` entries (value lists) need the lists' items, which an exception-list export does not carry:
 * refused by name.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { isPlainObject, type JsonObject } from '../ecs/fields.js';
import type { RuleFilter } from './filters.js';

const nonEmpty = z.string().min(1);
const operator = z.enum(['included', 'excluded']);
const entryMatch = z.object({ field: nonEmpty, operator, type: z.literal('match'), value: nonEmpty });
const entryMatchAny = z.object({ field: nonEmpty, operator, type: z.literal('match_any'), value: z.array(nonEmpty).min(1) });
const entryExists = z.object({ field: nonEmpty, operator, type: z.literal('exists') });
const entryWildcard = z.object({ field: nonEmpty, operator, type: z.literal('wildcard'), value: nonEmpty });
const entryList = z.object({ field: nonEmpty, operator, type: z.literal('list'), list: z.object({ id: nonEmpty, type: nonEmpty }) });
const entryNested = z.object({ field: nonEmpty, type: z.literal('nested'), entries: z.array(z.discriminatedUnion('type', [entryMatch, entryMatchAny, entryExists])).min(1) });
const entrySchema = z.discriminatedUnion('type', [entryMatch, entryMatchAny, entryExists, entryWildcard, entryList, entryNested]);
export type ExceptionEntry = z.infer<typeof entrySchema>;
type LeafEntry = Exclude<ExceptionEntry, { type: 'nested' }>;

const namespaceType = z.enum(['single', 'agnostic']).default('single');
const osTypes = z.array(z.enum(['linux', 'macos', 'windows'])).default([]);

export const exceptionItemSchema = z
  .object({
    item_id: nonEmpty,
    list_id: nonEmpty,
    namespace_type: namespaceType,
    name: z.string().default(''),
    type: z.literal('simple').default('simple'),
    entries: z.array(entrySchema).min(1),
    os_types: osTypes,
    expire_time: z.iso.datetime({ offset: true }).optional(),
  })
  .passthrough();
export type ExceptionItem = z.infer<typeof exceptionItemSchema>;

export const exceptionListSchema = z
  .object({ list_id: nonEmpty, namespace_type: namespaceType, name: z.string().default(''), type: nonEmpty })
  .passthrough();
export type ExceptionList = z.infer<typeof exceptionListSchema>;

/** A rule's reference to an exception list (Kibana's `exceptions_list` rule parameter). */
export const exceptionListRefSchema = z.object({ id: nonEmpty, list_id: nonEmpty, namespace_type: z.enum(['single', 'agnostic']), type: nonEmpty }).passthrough();
export type ExceptionListRef = z.infer<typeof exceptionListRefSchema>;

/** The rule schema's `exceptions_list` key (one spread line in rule/schema.ts). */
export const exceptionsListShape = { exceptions_list: z.array(exceptionListRefSchema).optional() };

/** An export that cannot be used, naming the file (and line) and what was expected. */
export class ExceptionsFileError extends Error {
  override name = 'ExceptionsFileError';
}

/** The lists and items of an export, by list. */
export interface ExceptionLists {
  file: string;
  lists: ExceptionList[];
  items: ExceptionItem[];
}

const isSummary = (o: Record<string, unknown>): boolean => Object.keys(o).some((k) => k.startsWith('exported_') || k.startsWith('missing_exception'));
const isRule = (o: Record<string, unknown>): boolean => typeof o['rule_id'] === 'string';

/** Parses an exception-list export; every line is a list, an item, a summary or (in a rules export) a rule. */
export function parseExceptionsText(text: string, file: string): ExceptionLists {
  const out: ExceptionLists = { file, lists: [], items: [] };
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const where = `${file}:${i + 1}`;
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch (e) {
      throw new ExceptionsFileError(`${where}: not JSON (${(e as Error).message}); expected a Kibana exception-list export (NDJSON of the list, its items and an export summary)`);
    }
    if (!isPlainObject(obj)) throw new ExceptionsFileError(`${where}: expected a JSON object`);
    if (isSummary(obj) || isRule(obj)) continue;
    const isItem = 'item_id' in obj || 'entries' in obj;
    if (!isItem && !('list_id' in obj)) throw new ExceptionsFileError(`${where}: neither an exception list (list_id, type) nor an exception item (item_id, list_id, entries)`);
    const parsed = (isItem ? exceptionItemSchema : exceptionListSchema).safeParse(obj);
    if (!parsed.success) throw new ExceptionsFileError(`${where}: not a valid exception ${isItem ? 'item' : 'list'}:\n${z.prettifyError(parsed.error)}`);
    if (isItem) out.items.push(parsed.data as ExceptionItem);
    else out.lists.push(parsed.data as ExceptionList);
  }
  return out;
}

export async function loadExceptionsFile(file: string): Promise<ExceptionLists> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new ExceptionsFileError(`${file}: cannot read: ${(e as Error).message}`);
  }
  return parseExceptionsText(text, file);
}

const sameList = (ref: { list_id: string; namespace_type: string }, item: { list_id: string; namespace_type: string }): boolean =>
  ref.list_id === item.list_id && ref.namespace_type === item.namespace_type;

/** What the rule's references find in the export: the items, and the references the export lacks. */
export function referencedItems(refs: readonly ExceptionListRef[], lists: ExceptionLists): { items: ExceptionItem[]; missing: ExceptionListRef[] } {
  const items = lists.items.filter((item) => refs.some((r) => sameList(r, item)));
  const missing = refs.filter((r) => !lists.lists.some((l) => sameList(r, l)) && !lists.items.some((it) => sameList(r, it)));
  return { items, missing };
}

const matchPhraseBool = (field: string, value: string): JsonObject => ({ bool: { minimum_should_match: 1, should: [{ match_phrase: { [field]: value } }] } });
const excludedOr = (operatorOf: string, clause: JsonObject): JsonObject => (operatorOf === 'excluded' ? { bool: { must_not: clause } } : clause);

function leafClause(entry: LeafEntry, field: string, item: ExceptionItem): JsonObject {
  switch (entry.type) {
    case 'match':
      return excludedOr(entry.operator, matchPhraseBool(field, entry.value));
    case 'match_any':
      return excludedOr(
        entry.operator,
        entry.value.length === 1 ? matchPhraseBool(field, entry.value[0]!) : { bool: { minimum_should_match: 1, should: entry.value.map((v) => matchPhraseBool(field, v)) } },
      );
    case 'wildcard':
      return excludedOr(entry.operator, { bool: { filter: { wildcard: { [field]: entry.value } } } });
    case 'exists':
      return excludedOr(entry.operator, { bool: { minimum_should_match: 1, should: [{ exists: { field } }] } });
    case 'list':
      throw new ExceptionsFileError(
        `exception item "${item.item_id}" (list ${item.list_id}): entry on ${entry.field} is a value-list entry (list "${entry.list.id}", type ${entry.list.type}): value lists are not supported (their values are not in an exception-list export)`,
      );
  }
}

/** createInnerAndClauses: one entry as its clause (nested entries under their parent's path). */
function entryClause(entry: ExceptionEntry, item: ExceptionItem): JsonObject {
  if (entry.type !== 'nested') return leafClause(entry, entry.field, item);
  const inner = entry.entries.map((e) => leafClause(e, `${entry.field}.${e.field}`, item));
  const query = inner.length === 1 ? inner[0]! : { bool: { filter: inner } };
  return { nested: { path: entry.field, query, score_mode: 'none' } };
}

/** buildExceptionItemFilter: the OR clauses one item contributes. */
export function exceptionItemClauses(item: ExceptionItem): JsonObject[] {
  if (item.os_types.length > 0) {
    const withOs = (field: string) => item.os_types.map((os) => [entryClause({ field, operator: 'included', type: 'match', value: os }, item), ...item.entries.map((e) => entryClause(e, item))]);
    return [...withOs('host.os.type'), ...withOs('host.os.name.caseless')].map((clauses) => ({ bool: { filter: clauses } }));
  }
  const clauses = item.entries.map((e) => entryClause(e, item));
  return clauses.length === 1 ? clauses : [{ bool: { filter: clauses } }];
}

/** removeExpiredExceptions: items whose expire_time is before the run's start do not apply. */
export function liveItems(items: readonly ExceptionItem[], startedAt: Date): ExceptionItem[] {
  return items.filter((it) => it.expire_time === undefined || !(new Date(it.expire_time) < startedAt));
}

/** buildExceptionFilter: the negated filter of the items; undefined when none applies. */
export function buildExceptionFilter(items: readonly ExceptionItem[], startedAt: Date): RuleFilter | undefined {
  const live = liveItems(items, startedAt);
  if (live.length === 0) return undefined;
  return { meta: { alias: null, negate: true, disabled: false }, query: { bool: { should: live.flatMap(exceptionItemClauses) } } };
}
