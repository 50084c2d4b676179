/**
 * What a suppressed alert is grouped by, and the ids Kibana derives from it.
 *
 * Query rules (security_solution rule_types/query/alert_suppression/): the events of a tuple are
 * grouped by a composite aggregation with one `terms` source per group_by field
 * (build_group_by_field_aggregation.ts), so a bucket key holds one doc value per field (the field's
 * type decides it, as for new_terms keys: ecs/typed-terms.ts), a multi-valued field puts its event in
 * one bucket per value, and with `missing_fields_strategy: suppress` a missing field is the `null`
 * key (`missing_bucket: true, missing_order: "last"`); with `doNotSuppress` such an event is in no
 * bucket. `kibana.alert.suppression.terms` is `[{field, value}]` from the bucket key.
 *
 * new_terms rules (rule_types/new_terms/wrap_suppressed_new_terms_alerts.ts → utils/utils.ts
 * getSuppressionTerms): the terms are read per event from its `fields` (the search's fields API
 * values, always arrays): `value` is that array sorted (lodash sortBy), or `null` when the field has
 * none.
 *
 * Ids: the instance id (`kibana.alert.instance.id`, what alerts are suppressed into) is
 * objectHash([terms, rule uuid, space]) (createSuppressedAlertInstanceId in
 * query/alert_suppression/wrap_suppressed_alerts.ts, and the same hash in
 * wrap_suppressed_new_terms_alerts.ts). A query rule's suppressed alert id is objectHash([_index,
 * _id, String(_version), "<space>:<rule uuid>", terms, start, end]) with start/end the bucket's
 * min/max timestamp as Dates (object-hash hashes a Date by its ISO text); a new_terms alert keeps its
 * unsuppressed id (alert-id.ts newTermsAlertId).
 */
import objectHash from 'object-hash';
import { fieldVisitor, toKeywordTerm } from '../ecs/fields.js';
import type { TermValue } from '../ecs/typed-terms.js';
import { distinctTerms, type TermCodecs } from './new-terms.js';

/** One entry of `kibana.alert.suppression.terms`. */
export interface SuppressionTerm {
  field: string;
  value: TermValue | TermValue[] | null;
}

/**
 * The composite-aggregation buckets an event falls in: per group_by field its distinct terms (as
 * text, keyed by the field's codec), the cartesian product in field order. A field without a doc
 * value is `null` when `missingBucket`, else the event is in no bucket (empty result).
 */
export function bucketKeysOf(doc: unknown, fields: readonly string[], codecs: TermCodecs | undefined, missingBucket: boolean): (string | null)[][] {
  let out: (string | null)[][] = [[]];
  for (let i = 0; i < fields.length; i++) {
    const terms: (string | null)[] = distinctTerms(doc, fields[i]!, codecs?.[i]);
    if (terms.length === 0) {
      if (!missingBucket) return [];
      terms.push(null);
    }
    const next: (string | null)[][] = [];
    for (const prefix of out) for (const t of terms) next.push([...prefix, t]);
    out = next;
  }
  return out;
}

/** Whether the event has no doc value for at least one group_by field (the `doNotSuppress` partition). */
export function missesAnyField(doc: unknown, fields: readonly string[], codecs: TermCodecs | undefined): boolean {
  return fields.some((f, i) => distinctTerms(doc, f, codecs?.[i]).length === 0);
}

/** `kibana.alert.suppression.terms` of a query bucket: the key's JSON values, `null` for a missing field. */
export function bucketTerms(fields: readonly string[], key: readonly (string | null)[], codecs: TermCodecs | undefined): SuppressionTerm[] {
  return fields.map((field, i) => {
    const t = key[i] ?? null;
    return { field, value: t === null ? null : (codecs?.[i]?.value(t) ?? t) };
  });
}

/** lodash sortBy's order for one array of scalars: `<`/`>` comparison, stable. */
function compareAscending(a: TermValue, b: TermValue): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * `kibana.alert.suppression.terms` of a new_terms alert: each field's values as the fields API
 * returns them (every leaf, duplicates kept, typed by the field's codec), sorted; `null` when none.
 */
export function eventTerms(doc: unknown, fields: readonly string[], codecs: TermCodecs | undefined): SuppressionTerm[] {
  return fields.map((field, i) => {
    const codec = codecs?.[i];
    const values: TermValue[] = [];
    fieldVisitor(field)(doc, (v) => {
      if (codec) {
        const t = codec.term(v);
        if (t !== undefined) values.push(codec.value(t));
      } else {
        const t = toKeywordTerm(v);
        if (t !== undefined) values.push(t);
      }
      return false;
    });
    return { field, value: values.length === 0 ? null : [...values].sort(compareAscending) };
  });
}

/** `kibana.alert.instance.id`: objectHash([terms, rule uuid, space]). */
export function suppressionInstanceId(terms: readonly SuppressionTerm[], ruleUuid: string, spaceId: string): string {
  return objectHash([terms.map((t) => ({ field: t.field, value: t.value })), ruleUuid, spaceId]);
}

/** A query rule's suppressed alert id (wrapSuppressedAlerts): the event, rule, terms and the bucket's time bounds. */
export function suppressedQueryAlertId(
  index: string,
  id: string,
  spaceId: string,
  ruleUuid: string,
  terms: readonly SuppressionTerm[],
  start: number,
  end: number,
  version?: number,
): string {
  return objectHash([index, id, String(version), `${spaceId}:${ruleUuid}`, terms.map((t) => ({ field: t.field, value: t.value })), new Date(start), new Date(end)]);
}
