/**
 * The `kibana.alert.rule.*` fields a rule's optional parameters add to every alert, as buildAlertFields
 * writes them (…/rule_types/factories/utils/build_alert.ts): `building_block_type` both as
 * `kibana.alert.building_block_type` (what the alerts table filters building blocks by) and
 * `kibana.alert.rule.building_block_type`; `rule_name_override`, `namespace`, `timeline_id`/`_title`
 * under `kibana.alert.rule.` (`meta`, flattened under `kibana.alert.rule.meta.`, is added by engine/alert.ts). Absent parameters add
 * nothing (Kibana writes undefined, which the document drops).
 */
import type { Rule } from '../../rule/schema.js';

export function optionalRuleFields(rule: Rule): Record<string, unknown> {
  return {
    'kibana.alert.building_block_type': rule.building_block_type,
    'kibana.alert.rule.building_block_type': rule.building_block_type,
    'kibana.alert.rule.rule_name_override': rule.rule_name_override,
    'kibana.alert.rule.namespace': rule.namespace,
    'kibana.alert.rule.timeline_id': rule.timeline_id,
    'kibana.alert.rule.timeline_title': rule.timeline_title,
  };
}
