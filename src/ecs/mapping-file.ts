/**
 * `--mapping FILE`: field types from the JSON of `GET <index>/_mapping` — `{"<index>": {"mappings":
 * {"properties": …}}}` for one or several indices — or from an es_archiver `mappings.json`
 * (`{"type": "index", "value": {"index", "mappings"}}` documents, as Kibana's test archives hold them).
 *
 * Properties are flattened to dotted names the way Elasticsearch names fields: `properties` nest
 * (object and nested fields), `fields` are multi-fields (`process.executable.caseless`), an `alias`
 * takes its target's mapping.
 *
 * A field mapped to types of different Kibana families across indices is a mapping conflict, as
 * Kibana's data view reports it (type `conflict` with `conflictDescriptions: {esType: [indices]}`;
 * `integer` vs `float` or `text` vs `keyword` are not conflicts): read in elastic/kibana
 * test/api_integration/apis/index_patterns fields_for_wildcard "conflicts" test. Elasticsearch
 * itself answers each index by its own mapping; the tool uses the first index's mapping for such a
 * field and says so (MappingConflict).
 */
import { readFileSync } from 'node:fs';
import { isPlainObject } from './fields.js';
import { kibanaFieldType, type FieldMapping, type FieldTypes, type MappingConflict } from './field-types.js';

export class MappingFileError extends Error {
  override name = 'MappingFileError';
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
  }
}

type IndexMappings = Array<{ index: string; mappings: Record<string, unknown> }>;

function indexMappingsOf(doc: unknown, file: string, out: IndexMappings): void {
  if (!isPlainObject(doc)) throw new MappingFileError(file, 'expected a JSON object: the response of GET <index>/_mapping');
  const value = doc['value'];
  if (doc['type'] === 'index' && isPlainObject(value)) {
    const mappings = value['mappings'];
    if (!isPlainObject(mappings)) throw new MappingFileError(file, `index ${String(value['index'])}: no "mappings" object`);
    out.push({ index: String(value['index'] ?? '(unnamed)'), mappings });
    return;
  }
  const entries = Object.entries(doc);
  if (entries.length === 0) throw new MappingFileError(file, 'no index in this mapping (expected {"<index>": {"mappings": {...}}})');
  for (const [index, v] of entries) {
    const mappings = isPlainObject(v) ? v['mappings'] : undefined;
    if (!isPlainObject(mappings)) {
      throw new MappingFileError(file, `"${index}" has no "mappings" object; expected the response of GET <index>/_mapping ({"<index>": {"mappings": {"properties": …}}})`);
    }
    out.push({ index, mappings });
  }
}

/** Splits concatenated JSON documents (es_archiver files hold several, separated by blank lines). */
function jsonDocuments(text: string, file: string): unknown[] {
  try {
    return [JSON.parse(text)];
  } catch {
    // fall through: several documents
  }
  const docs: unknown[] = [];
  for (const chunk of text.split(/\n\s*\n/)) {
    if (chunk.trim() === '') continue;
    try {
      docs.push(JSON.parse(chunk));
    } catch (e) {
      throw new MappingFileError(file, `not JSON: ${(e as Error).message}`);
    }
  }
  return docs;
}

function mappingOf(def: Record<string, unknown>): FieldMapping {
  const m: FieldMapping = { type: typeof def['type'] === 'string' ? def['type'] : 'object' };
  if (typeof def['ignore_above'] === 'number') m.ignore_above = def['ignore_above'];
  if (typeof def['normalizer'] === 'string') m.normalizer = def['normalizer'];
  if (typeof def['scaling_factor'] === 'number') m.scaling_factor = def['scaling_factor'];
  if (typeof def['format'] === 'string') m.format = def['format'];
  return m;
}

/** Flattens `properties` into dotted field names; aliases are resolved after the walk. */
export function flattenProperties(properties: Record<string, unknown>, prefix = '', out = new Map<string, FieldMapping>(), aliases = new Map<string, string>()): Map<string, FieldMapping> {
  for (const [name, def] of Object.entries(properties)) {
    if (!isPlainObject(def)) continue;
    const path = prefix + name;
    const props = def['properties'];
    if (isPlainObject(props)) {
      flattenProperties(props, `${path}.`, out, aliases);
      continue;
    }
    if (def['type'] === 'alias' && typeof def['path'] === 'string') {
      aliases.set(path, def['path']);
      continue;
    }
    if (def['type'] === 'object' || def['type'] === 'nested') continue;
    out.set(path, mappingOf(def));
    const multi = def['fields'];
    if (isPlainObject(multi)) {
      for (const [sub, subDef] of Object.entries(multi)) if (isPlainObject(subDef)) out.set(`${path}.${sub}`, mappingOf(subDef));
    }
  }
  if (prefix === '') {
    for (const [alias, target] of aliases) {
      const m = out.get(target);
      if (m) out.set(alias, m);
    }
  }
  return out;
}

/** Field types from the text of a mapping file; `file` names it in errors. */
export function parseMappingText(text: string, file: string): FieldTypes {
  const indices: IndexMappings = [];
  for (const doc of jsonDocuments(text, file)) indexMappingsOf(doc, file, indices);
  const perIndex = indices.map(({ index, mappings }) => {
    const props = mappings['properties'];
    return { index, fields: isPlainObject(props) ? flattenProperties(props) : new Map<string, FieldMapping>() };
  });
  const merged = new Map<string, FieldMapping>();
  const byType = new Map<string, Map<string, string[]>>();
  for (const { index, fields } of perIndex) {
    for (const [field, m] of fields) {
      if (!merged.has(field)) merged.set(field, m);
      let types = byType.get(field);
      if (!types) byType.set(field, (types = new Map()));
      const list = types.get(m.type) ?? [];
      list.push(index);
      types.set(m.type, list);
    }
  }
  const conflicts: MappingConflict[] = [];
  for (const [field, types] of byType) {
    const families = new Set([...types.keys()].map(kibanaFieldType));
    if (families.size > 1) conflicts.push({ field, conflictDescriptions: Object.fromEntries(types) });
  }
  const names = perIndex.map((p) => p.index);
  return {
    source: `${file} (${names.length === 1 ? `index ${names[0]}` : `${names.length} indices: ${names.join(', ')}`})`,
    lookup: (f) => merged.get(f),
    conflicts,
  };
}

export function loadMappingFile(file: string): FieldTypes {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new MappingFileError(file, `cannot read: ${(e as Error).message}`);
  }
  return parseMappingText(text, file);
}

/** Kibana's words for a conflict, with the indices per type. */
export function describeConflict(c: MappingConflict): string {
  const parts = Object.entries(c.conflictDescriptions).map(([t, idx]) => `${t} in ${idx.join(', ')}`);
  return `mapping conflict: field "${c.field}" is defined as several types across the indices (${parts.join('; ')}); the first index's type is used`;
}
