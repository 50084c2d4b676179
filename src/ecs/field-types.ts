/**
 * The field-type model: which Elasticsearch field type (and keyword options) a field has, because
 * Elasticsearch matches a query, orders terms and formats aggregation keys by the field's mapping.
 *
 * Sources, lowest precedence first:
 * 1. ECS: every ECS field's type from the ECS repository's flat definitions
 *    (field-types/ecs.json, derived from elastic/ecs generated/ecs/ecs_flat.yml at the version it names).
 * 2. For the built-in rule: Elastic Defend's `logs-endpoint.events.process-*` data stream
 *    (field-types/endpoint-process.json, derived from elastic/endpoint-package
 *    package/endpoint/data_stream/process/fields/fields.yml): `.caseless` multi-fields with the
 *    `lowercase` normalizer, `.text` multi-fields, ignore_above.
 * 3. `--mapping FILE`: the JSON of `GET <index>/_mapping` (one or several indices), which replaces 1–2.
 * A field none of them knows is a keyword (ignore_above 1024), as the tool has always treated fields.
 *
 * Derivation: .build/ecs-field-types.py (reads the definitions from a checkout; only the derived
 * table is committed).
 */
import ecsTable from './field-types/ecs.json' with { type: 'json' };
import endpointProcessTable from './field-types/endpoint-process.json' with { type: 'json' };
import { ECS_KEYWORD_IGNORE_ABOVE } from './fields.js';

/** A field's mapping, as far as matching and aggregations need it. */
export interface FieldMapping {
  /** The Elasticsearch field type (`keyword`, `long`, `ip`, `date`, `text`, …). */
  type: string;
  ignore_above?: number;
  normalizer?: string;
  scaling_factor?: number;
  /** A date field's formats (`||` list); default strict_date_optional_time||epoch_millis (ecs/date-field.ts). */
  format?: string;
}

/** Kibana's field type family (kbn-field-types castEsToKbnFieldTypeName): a conflict is between families. */
export type KibanaFieldType = 'string' | 'number' | 'date' | 'ip' | 'boolean' | 'geo_point' | 'geo_shape' | 'attachment' | 'murmur3' | 'histogram' | 'nested' | 'object' | 'unknown';

const KIBANA_TYPE: Readonly<Record<string, KibanaFieldType>> = {
  keyword: 'string', text: 'string', match_only_text: 'string', constant_keyword: 'string', wildcard: 'string', version: 'string', string: 'string',
  long: 'number', integer: 'number', short: 'number', byte: 'number', double: 'number', float: 'number', half_float: 'number',
  scaled_float: 'number', unsigned_long: 'number', token_count: 'number',
  date: 'date', date_nanos: 'date',
  ip: 'ip', boolean: 'boolean', geo_point: 'geo_point', geo_shape: 'geo_shape', binary: 'attachment', murmur3: 'murmur3',
  histogram: 'histogram', nested: 'nested', object: 'object',
};

export function kibanaFieldType(esType: string): KibanaFieldType {
  return KIBANA_TYPE[esType] ?? 'unknown';
}

/** A field mapped to types of different families across the indices of a `--mapping` file. */
export interface MappingConflict {
  field: string;
  /** Elasticsearch type → indices mapping the field that way (Kibana's `conflictDescriptions`). */
  conflictDescriptions: Record<string, string[]>;
}

export interface FieldTypes {
  /** Where the types come from, for `rule show` and messages. */
  readonly source: string;
  /** The field's mapping, or undefined when no source knows it (then it is a keyword). */
  lookup(field: string): FieldMapping | undefined;
  readonly conflicts: readonly MappingConflict[];
}

/** The mapping used for `field`: the known one, else a keyword with ECS's ignore_above. */
export function fieldMappingOf(types: FieldTypes | undefined, field: string): FieldMapping & { known: boolean } {
  const m = types?.lookup(field);
  return m ? { ...m, known: true } : { type: 'keyword', ignore_above: ECS_KEYWORD_IGNORE_ABOVE, known: false };
}

interface TableFile {
  source: { repository: string; version: string; commit: string; path: string };
  fields: Record<string, FieldMapping>;
}

function tableTypes(tables: readonly TableFile[], source: string): FieldTypes {
  const merged = new Map<string, FieldMapping>();
  for (const t of tables) for (const [k, v] of Object.entries(t.fields)) merged.set(k, v);
  return { source, lookup: (f) => merged.get(f), conflicts: [] };
}

const describeTable = (t: TableFile): string => `${t.source.repository} ${t.source.version}`;

let ecsOnly: FieldTypes | undefined;
let builtin: FieldTypes | undefined;

/** ECS's types alone. */
export function ecsFieldTypes(): FieldTypes {
  return (ecsOnly ??= tableTypes([ecsTable as TableFile], `ECS (${describeTable(ecsTable as TableFile)})`));
}

/** ECS overlaid with Elastic Defend's process data stream: the types the built-in rule's index has. */
export function endpointProcessFieldTypes(): FieldTypes {
  return (builtin ??= tableTypes(
    [ecsTable as TableFile, endpointProcessTable as TableFile],
    `ECS (${describeTable(ecsTable as TableFile)}) overlaid with Elastic Defend logs-endpoint.events.process-* (${describeTable(endpointProcessTable as TableFile)})`,
  ));
}

/** The mappings of `fields` the types know, as plain data (it travels to worker threads). */
export function fieldTypeTable(types: FieldTypes, fields: readonly string[]): Record<string, FieldMapping> {
  const out: Record<string, FieldMapping> = {};
  for (const f of fields) {
    const m = types.lookup(f);
    if (m !== undefined) out[f] = m;
  }
  return out;
}

/**
 * The data view Kibana's detection engine resolves a query against: the query's fields that the
 * types know, each with its Elasticsearch type (field caps); fields none knows are absent.
 */
export function dataViewTypes(types: FieldTypes, fields: readonly string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(fieldTypeTable(types, fields)).map(([f, m]) => [f, m.type]));
}
