/**
 * The term codecs of a new_terms rule's fields from the field types in force: how each field's doc
 * values are read, keyed, ordered and written (`kibana.alert.new_terms` holds the composite
 * aggregation's bucket key values: `["user-0", 1]` for a keyword and an integer field, as Kibana's
 * new_terms tests expect). No field types: undefined, the keyword reading everywhere.
 */
import { fieldMappingOf, type FieldTypes } from '../ecs/field-types.js';
import { termCodec } from '../ecs/typed-terms.js';
import type { TermCodecs } from './new-terms.js';

export function newTermsCodecs(fields: readonly string[], types: FieldTypes | undefined): TermCodecs | undefined {
  if (types === undefined) return undefined;
  return fields.map((f) => termCodec(fieldMappingOf(types, f)));
}
