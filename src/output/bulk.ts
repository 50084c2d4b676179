import { getFieldValues } from '../ecs/fields.js';
import { createLineFormatter, type StreamFormatterOptions } from './ndjson.js';
import { DEFAULT_SPACE } from '../engine/scan-config.js';
import type { AlertDocument, Formatter } from './types.js';

// Kibana space ids: lowercase letters, digits, `_` and `-`; also what keeps the index name valid.
const SPACE_ID = /^[a-z0-9_-]+$/;

/** The alerts index (an alias in a real cluster) Kibana writes a space's security alerts into. */
export function alertsIndex(space: string = DEFAULT_SPACE): string {
  if (!SPACE_ID.test(space)) throw new Error(`invalid Kibana space id "${space}": use lowercase letters, digits, "_" and "-"`);
  return `.alerts-security.alerts-${space}`;
}

/**
 * One `_bulk` action/document pair. `create` (not `index`) so re-sending the same alerts cannot
 * overwrite ones already triaged: the second copy fails with a version conflict per item. The id
 * is `kibana.alert.uuid`, as Kibana's own writes use it; without one Elasticsearch assigns an id.
 */
export function bulkPair(doc: AlertDocument, index: string): string {
  const uuid = getFieldValues(doc, 'kibana.alert.uuid').find((v): v is string => typeof v === 'string');
  const action = uuid === undefined ? { create: { _index: index } } : { create: { _index: index, _id: uuid } };
  return JSON.stringify(action) + '\n' + JSON.stringify(doc) + '\n';
}

export interface BulkFormatterOptions extends StreamFormatterOptions {
  /** Kibana space whose alerts index receives the alerts; `default` unless given. */
  space?: string;
}

/** `--format bulk`: a body for `POST _bulk` (each line newline-terminated), summary on stderr. */
export function createBulkFormatter(opts: BulkFormatterOptions): Formatter {
  const index = alertsIndex(opts.space);
  return createLineFormatter((doc) => bulkPair(doc, index), opts);
}
