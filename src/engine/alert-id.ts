/**
 * Alert ids as Kibana computes them, and stable stand-ins for `_index`/`_id` when the input is bare
 * documents.
 *
 * new_terms (`rule_types/new_terms/wrap_new_terms_alerts.ts`): object-hash (SHA-1 of its type-tagged
 * serialisation) of `[_index, _id, String(_version), "<space>:<rule uuid>", newTerms]`; the top_hits
 * search does not ask for versions, so `_version` is the string "undefined".
 * query (`rule_types/factories/wrap_hits.ts` → `utils/utils.ts` generateId): SHA-256 hex of the
 * concatenation `_index + _id + String(_version) + "<space>:<rule uuid>"`.
 */
import { createHash } from 'node:crypto';
import objectHash from 'object-hash';
import type { SourceEvent } from '../io/types.js';

/** `_index` given to events that arrive without one (bare `_source` documents). */
export const DERIVED_INDEX = 'kmod-enum-detect-derived';

export interface EventIdentity {
  index: string;
  id: string;
  /** True when index or id was derived rather than read from the input. */
  derived: boolean;
}

/**
 * JSON with object keys sorted (code-unit order) at every depth, arrays in order, no whitespace:
 * the same content gives the same text whatever the key order of the input line.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const s = JSON.stringify(value);
    return s === undefined ? 'null' : s;
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

/**
 * The event's `_index`/`_id`: as given, else index {@link DERIVED_INDEX} and id = SHA-1 hex of the
 * canonical JSON of `_source`. Identical documents therefore share an id (as one document would in
 * Elasticsearch) and yield one alert per combination.
 */
export function eventIdentity(ev: Pick<SourceEvent, 'source' | 'index' | 'id'>): EventIdentity {
  const index = ev.index ?? DERIVED_INDEX;
  const id = ev.id ?? createHash('sha1').update(canonicalJson(ev.source)).digest('hex');
  return { index, id, derived: ev.index === undefined || ev.id === undefined };
}

export function newTermsAlertId(
  index: string,
  id: string,
  spaceId: string,
  ruleUuid: string,
  newTerms: readonly (string | number | boolean | null)[],
  version?: number,
): string {
  return objectHash([index, id, String(version), `${spaceId}:${ruleUuid}`, [...newTerms]]);
}

/**
 * Kibana's `generateId` (detection_engine/rule_types/utils/utils.ts): SHA-256 hex of the four strings
 * concatenated, no separator.
 */
export function generateAlertId(docIndex: string, docId: string, version: string, ruleId: string): string {
  return createHash('sha256').update(docIndex.concat(docId, version, ruleId)).digest('hex');
}

/** A query rule's alert id, as `wrap_hits.ts` calls generateId: version as String(_version), rule as `<space>:<rule uuid>`. */
export function queryAlertId(index: string, id: string, spaceId: string, ruleUuid: string, version?: number): string {
  return generateAlertId(index, id, String(version), `${spaceId}:${ruleUuid}`);
}
