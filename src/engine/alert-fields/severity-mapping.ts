/**
 * `severity_mapping`: the alert's severity from event values, as Kibana's buildSeverityFromMapping
 * does (…/rule_types/utils/mappings/build_severity_from_mapping.ts):
 * - entries are sorted by severity, low to critical (a stable sort), and the LAST entry whose field
 *   holds its value wins, so the highest severity that matches;
 * - `event.severity` (ECS long) compares numbers: the entry's value as Math.floor(Number(value)) against
 *   the event's safe-integer numbers (a string in the event never matches);
 * - any other field compares strings: the event's strings and safe-integer numbers as String(v)
 *   (booleans, floats and objects never match);
 * - an array in the event matches when any element does.
 * Kibana sorts the rule's own array in place (`severityMapping.sort(…)`) before the alert is built, so
 * the alert's `kibana.alert.rule.severity_mapping` and `…parameters.severity_mapping` show it sorted:
 * {@link sortedSeverityMapping} gives that order.
 */
import { get } from '../get.js';

export type Severity = 'low' | 'medium' | 'high' | 'critical';

export interface SeverityMappingEntry {
  field: string;
  operator: 'equals';
  value: string;
  severity: Severity;
}

const RANK: Record<Severity, number> = { low: 0, medium: 1, high: 2, critical: 3 };
const ECS_SEVERITY_FIELD = 'event.severity';

/** The mapping in the order Kibana leaves it (stable sort by severity, low first); empty stays empty. */
export function sortedSeverityMapping<T extends SeverityMappingEntry>(mapping: readonly T[]): T[] {
  return [...mapping].sort((a, b) => RANK[a.severity] - RANK[b.severity]);
}

function eventValues(field: string, value: unknown): Set<string | number> {
  const values = Array.isArray(value) ? value : [value];
  const numbersOnly = field === ECS_SEVERITY_FIELD;
  const out = new Set<string | number>();
  for (const v of values) {
    if (typeof v === 'number' && Number.isSafeInteger(v)) out.add(numbersOnly ? v : String(v));
    else if (!numbersOnly && typeof v === 'string') out.add(v);
  }
  return out;
}

function mappingValue(field: string, value: string): string | number {
  return field === ECS_SEVERITY_FIELD ? Math.floor(Number(value)) : value;
}

/** The alert's severity: the highest matching entry's, else the rule's. */
export function severityFromMapping(source: Record<string, unknown>, severity: Severity, mapping: readonly SeverityMappingEntry[]): Severity {
  let match: SeverityMappingEntry | undefined;
  for (const entry of sortedSeverityMapping(mapping)) {
    if (eventValues(entry.field, get(source, entry.field)).has(mappingValue(entry.field, entry.value))) match = entry;
  }
  return match?.severity ?? severity;
}
