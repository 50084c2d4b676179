/**
 * `rule_name_override`: the alert's rule name taken from an event field, as Kibana's
 * buildRuleNameFromMapping does (elastic/kibana x-pack/solutions/security/plugins/security_solution/
 * server/lib/detection_engine/rule_types/utils/mappings/build_rule_name_from_mapping.ts): lodash `get`
 * of the field on the event source, used only when it is a string (an empty string too; an array or a
 * number is not a string, so the rule's own name stays).
 */
import { get } from '../get.js';

export function ruleNameFromMapping(source: Record<string, unknown>, ruleName: string, overrideField: string | undefined): string {
  if (overrideField === undefined) return ruleName;
  const value = get(source, overrideField);
  return typeof value === 'string' ? value : ruleName;
}
