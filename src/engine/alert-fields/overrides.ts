/**
 * The alert's rule name, severity and risk score from the event, as Kibana's transformHitToAlert
 * computes them before building the alert (…/rule_types/factories/utils/transform_hit_to_alert.ts,
 * `applyOverrides`, true for query and new_terms alerts): they go to `kibana.alert.rule.name`,
 * `kibana.alert.severity`, `kibana.alert.risk_score` and the reason, while `kibana.alert.rule.severity`
 * and `kibana.alert.rule.risk_score` keep the rule's own values (build_alert.ts).
 */
import type { Rule } from '../../rule/schema.js';
import { riskScoreFromMapping } from './risk-score-mapping.js';
import { ruleNameFromMapping } from './rule-name-override.js';
import { severityFromMapping, type Severity } from './severity-mapping.js';

export interface AlertOverrides {
  name: string;
  severity: Severity;
  riskScore: number;
}

export function alertOverrides(rule: Rule, source: Record<string, unknown>): AlertOverrides {
  return {
    name: ruleNameFromMapping(source, rule.name, rule.rule_name_override),
    severity: severityFromMapping(source, rule.severity, rule.severity_mapping),
    riskScore: riskScoreFromMapping(source, rule.risk_score, rule.risk_score_mapping),
  };
}
