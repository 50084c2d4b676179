/**
 * Field lookup as Elasticsearch sees a document: `a.b.c` is the same field whether the source writes
 * `{"a":{"b":{"c":1}}}`, `{"a.b.c":1}`, `{"a.b":{"c":1}}` or any other mix, and arrays of objects are
 * walked element by element (object arrays are flattened, as for a non-`nested` mapping).
 *
 * The getter is compiled once per field path: every dotted key that could stand for a run of path
 * segments is joined ahead of time, so the per-event work is property reads only.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** Calls `visit` for each leaf value of the field; stops early when `visit` returns true. */
export type FieldVisitor = (doc: unknown, visit: (value: unknown) => boolean) => boolean;

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Builds a visitor for `path`. Leaves are reported as found: scalars one by one (arrays, including
 * arrays of arrays, are flattened; `null` elements are skipped), objects at the end of the path are
 * reported as objects (the caller decides what an object means for its query).
 */
export function compileFieldVisitor(path: string): FieldVisitor {
  const segs = path.split('.');
  const n = segs.length;
  // keys[i][j - i - 1] = segs[i..j).join('.'), the key that consumes segments i..j-1 at once.
  const keys: string[][] = [];
  for (let i = 0; i < n; i++) {
    const row: string[] = [];
    for (let j = i + 1; j <= n; j++) row.push(segs.slice(i, j).join('.'));
    keys.push(row);
  }

  const leaf = (v: unknown, visit: (value: unknown) => boolean): boolean => {
    if (v === null || v === undefined) return false;
    if (Array.isArray(v)) {
      for (const el of v) if (leaf(el, visit)) return true;
      return false;
    }
    return visit(v);
  };

  const walk = (node: unknown, i: number, visit: (value: unknown) => boolean): boolean => {
    if (Array.isArray(node)) {
      for (const el of node) if (walk(el, i, visit)) return true;
      return false;
    }
    if (!isPlainObject(node)) return false;
    const row = keys[i]!;
    for (let k = 0; k < row.length; k++) {
      const key = row[k]!;
      if (!Object.prototype.hasOwnProperty.call(node, key)) continue;
      const child = node[key];
      const next = i + k + 1;
      if (next === n) {
        if (leaf(child, visit)) return true;
      } else if (walk(child, next, visit)) {
        return true;
      }
    }
    return false;
  };

  return (doc, visit) => walk(doc, 0, visit);
}

const visitorCache = new Map<string, FieldVisitor>();

/** Memoised compileFieldVisitor, for callers that look fields up by name at run time. */
export function fieldVisitor(path: string): FieldVisitor {
  let v = visitorCache.get(path);
  if (!v) {
    v = compileFieldVisitor(path);
    visitorCache.set(path, v);
  }
  return v;
}

/** All leaf values of `path` in document order (scalars and end-of-path objects). */
export function getFieldValues(doc: unknown, path: string): unknown[] {
  const out: unknown[] = [];
  fieldVisitor(path)(doc, (v) => {
    out.push(v);
    return false;
  });
  return out;
}

/** ECS keyword fields are mapped with `ignore_above: 1024`: longer strings are not indexed. */
export const ECS_KEYWORD_IGNORE_ABOVE = 1024;

/**
 * The term Elasticsearch indexes for a keyword field from one JSON leaf, or undefined when the leaf
 * yields no term: strings as they are (unless longer than `ignoreAbove` characters), numbers and
 * booleans as their JSON text (`5` → "5", `true` → "true"), objects never.
 */
export function toKeywordTerm(v: unknown, ignoreAbove: number = ECS_KEYWORD_IGNORE_ABOVE): string | undefined {
  let text: string;
  switch (typeof v) {
    case 'string':
      text = v;
      break;
    case 'number':
      if (!Number.isFinite(v)) return undefined;
      text = String(v);
      break;
    case 'boolean':
      text = v ? 'true' : 'false';
      break;
    default:
      return undefined;
  }
  // Elasticsearch applies ignore_above to the text of any value indexed into a keyword field.
  return text.length > ignoreAbove ? undefined : text;
}

/** Distinct keyword terms of a field, in first-seen order (doc values are a set per field). */
export function getKeywordTerms(doc: unknown, path: string, ignoreAbove: number = ECS_KEYWORD_IGNORE_ABOVE): string[] {
  const seen = new Set<string>();
  fieldVisitor(path)(doc, (v) => {
    const t = toKeywordTerm(v, ignoreAbove);
    if (t !== undefined) seen.add(t);
    return false;
  });
  return [...seen];
}

/**
 * Calls `visit` with every scalar leaf of `doc` (arrays flattened, nulls skipped, objects walked);
 * stops early when `visit` returns true. For queries that name no field.
 */
export function visitLeafValues(doc: unknown, visit: (value: unknown) => boolean): boolean {
  if (doc === null || doc === undefined) return false;
  if (Array.isArray(doc)) {
    for (const el of doc) if (visitLeafValues(el, visit)) return true;
    return false;
  }
  if (isPlainObject(doc)) {
    for (const key in doc) {
      if (Object.prototype.hasOwnProperty.call(doc, key) && visitLeafValues(doc[key], visit)) return true;
    }
    return false;
  }
  return visit(doc);
}

/**
 * Like visitLeafValues, with each leaf's field name: keys joined with `.` (so `{"a":{"b":1}}` and
 * `{"a.b":1}` both give `a.b`). For field-name patterns such as `process.*`.
 */
export function visitLeafPaths(doc: unknown, visit: (path: string, value: unknown) => boolean, prefix = ''): boolean {
  if (doc === null || doc === undefined) return false;
  if (Array.isArray(doc)) {
    for (const el of doc) if (visitLeafPaths(el, visit, prefix)) return true;
    return false;
  }
  if (isPlainObject(doc)) {
    for (const key in doc) {
      if (!Object.prototype.hasOwnProperty.call(doc, key)) continue;
      if (visitLeafPaths(doc[key], visit, prefix === '' ? key : `${prefix}.${key}`)) return true;
    }
    return false;
  }
  return visit(prefix, doc);
}
