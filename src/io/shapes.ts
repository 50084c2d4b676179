/**
 * Recognises how one parsed JSON value wraps ECS documents, without flags:
 *
 * - es_archiver doc        `{"type":"doc","value":{"index","id","source"}}`
 * - search response        `{"hits":{"hits":[hit, …]}}` (one event per hit)
 * - search hit             `{"_index","_id","_source"}`
 * - fields-API hit         `{"_index","_id","fields":{"a.b":[…]}}` (the fields object is the source:
 *                          src/ecs/fields.ts resolves dotted keys and arrays)
 * - an array of hits       `[hit, …]`
 * - bare document          anything else that is an object: nested, flat dotted keys, every leaf an
 *                          array (fields-API style), or a mix, all kept as they are
 *
 * A bare `fields` object is not taken as a fields-API hit unless `_index` or `_id` sits beside it:
 * Beats put user-defined fields under a top-level `fields` key.
 *
 * These checks are hand-written rather than zod schemas on purpose: this runs once per parsed event.
 * Measured on the demo fixture's events (node 20, 2 cores), the same recognition written with zod 4
 * object schemas cost 9–18 µs per search hit and 35–110 µs per bare document, against 0.05–1.5 µs here
 * (JSON.parse itself is ~16 µs per 1.9 KB event). Every other boundary (options, rule files, state
 * files, ASTs handed to the compiler) is validated with zod.
 */
import { isPlainObject } from '../ecs/fields.js';
import type { ShapeName } from './accounting.js';

export interface UnwrappedEvent {
  source: Record<string, unknown>;
  index?: string;
  id?: string;
}

export type ShapeResult =
  | { ok: true; shape: ShapeName; events: UnwrappedEvent[] }
  | { ok: false; what: string };

/** Elasticsearch metadata fields: they can never be in `_source`, so at top level they are wrapper. */
const METADATA_KEYS = ['_index', '_id', '_score', '_version', '_type', '_seq_no', '_primary_term', '_routing', '_ignored'];

function metaString(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

function withMeta(source: Record<string, unknown>, index: unknown, id: unknown): UnwrappedEvent {
  const ev: UnwrappedEvent = { source };
  const i = metaString(index);
  const d = metaString(id);
  if (i !== undefined) ev.index = i;
  if (d !== undefined) ev.id = d;
  return ev;
}

/** A search hit (`_source` or fields-API), or undefined when `v` is not one. */
function asHit(v: Record<string, unknown>): { shape: 'hit' | 'fields-hit'; event: UnwrappedEvent } | undefined {
  if (isPlainObject(v._source)) return { shape: 'hit', event: withMeta(v._source, v._index, v._id) };
  if (isPlainObject(v.fields) && (v._index !== undefined || v._id !== undefined)) {
    return { shape: 'fields-hit', event: withMeta(v.fields, v._index, v._id) };
  }
  return undefined;
}

function bare(o: Record<string, unknown>): UnwrappedEvent {
  if (o._index === undefined && o._id === undefined) return { source: o };
  // An export that inlined the hit metadata into the document (no `_source` wrapper).
  const source: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (!METADATA_KEYS.includes(k)) source[k] = v;
  return withMeta(source, o._index, o._id);
}

function hitsOf(list: unknown[], where: string): UnwrappedEvent[] | string {
  const out: UnwrappedEvent[] = [];
  for (let i = 0; i < list.length; i++) {
    const el = list[i];
    if (!isPlainObject(el)) return `not an object: ${where}[${i}] is ${describe(el)}`;
    const hit = asHit(el);
    out.push(hit ? hit.event : bare(el));
  }
  return out;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return `a ${typeof v}`;
}

export function recognizeShape(v: unknown): ShapeResult {
  if (Array.isArray(v)) {
    // Only an array of search hits is an event container; anything else in an array is not an event.
    if (v.length > 0 && v.every((el) => isPlainObject(el) && asHit(el) !== undefined)) {
      return { ok: true, shape: 'hit', events: v.map((el) => asHit(el as Record<string, unknown>)!.event) };
    }
    return { ok: false, what: 'not an object: an array that is not a list of search hits' };
  }
  if (!isPlainObject(v)) return { ok: false, what: `not an object: ${describe(v)}` };

  if (v.type === 'doc' && isPlainObject(v.value) && isPlainObject(v.value.source)) {
    const val = v.value;
    // Archives of data streams name the stream; the backing index, when present, is more exact.
    const index = val.index ?? val.data_stream;
    return { ok: true, shape: 'es-archiver', events: [withMeta(val.source as Record<string, unknown>, index, val.id)] };
  }
  if (isPlainObject(v.hits) && Array.isArray(v.hits.hits)) {
    const hits = hitsOf(v.hits.hits, 'hits.hits');
    if (typeof hits === 'string') return { ok: false, what: hits };
    return { ok: true, shape: 'search-response', events: hits };
  }
  const hit = asHit(v);
  if (hit) return { ok: true, shape: hit.shape, events: [hit.event] };
  return { ok: true, shape: 'bare', events: [bare(v)] };
}

/**
 * The hits of a container record (a search response's `hits.hits`, or an array of hits), in the
 * order recognizeShape gives their events; undefined for a record that is one event.
 */
export function containerHits(v: unknown): unknown[] | undefined {
  if (Array.isArray(v)) return v;
  if (isPlainObject(v) && isPlainObject(v.hits) && Array.isArray(v.hits.hits)) return v.hits.hits;
  return undefined;
}
