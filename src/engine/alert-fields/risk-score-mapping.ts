/**
 * `risk_score_mapping`: the alert's risk score from an event field, as Kibana's
 * buildRiskScoreFromMapping does (…/rule_types/utils/mappings/build_risk_score_from_mapping.ts): only
 * the FIRST entry's field is read; its value (or each element of an array) counts when it is a finite
 * number in [0, 100], or a string whose Number() is one (so "" counts as 0, as in Kibana); the largest
 * counts, else the rule's risk score stays. The entry's own `value` and `risk_score` are not used.
 */
import { get } from '../get.js';

export interface RiskScoreMappingEntry {
  field: string;
  operator: 'equals';
  value: string;
  risk_score?: number | undefined;
}

function validScore(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  return Number.isFinite(n) && n >= 0 && n <= 100 ? n : undefined;
}

export function riskScoreFromMapping(source: Record<string, unknown>, riskScore: number, mapping: readonly RiskScoreMappingEntry[]): number {
  const first = mapping[0];
  if (first === undefined) return riskScore;
  const value = get(source, first.field);
  let best: number | undefined;
  for (const v of Array.isArray(value) ? value : [value]) {
    const n = validScore(v);
    if (n !== undefined && (best === undefined || n > best)) best = n;
  }
  return best ?? riskScore;
}
