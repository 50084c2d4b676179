/**
 * Where a rule comes from, as Kibana records it: `immutable` and `rule_source`.
 *
 * Kibana's rule parameters carry `immutable` (true only for a rule installed from the prebuilt-rules
 * package) and `rule_source` (`{type: "external", is_customized}` for a prebuilt rule,
 * `{type: "internal"}` for a rule written in or imported into Kibana). Read in elastic/kibana:
 * security_solution/server/lib/detection_engine/rule_management/logic/detection_rules_client/
 * converters/common_params_camel_to_snake.ts (`immutable: params.immutable`,
 * `rule_source: convertObjectKeysToSnakeCase(params.ruleSource)`), and the prebuilt-rule
 * customization RFC (normalizePrebuiltSchemaOnRuleRead: a rule without `rule_source` gets
 * `external`/not customized when `immutable`, else `internal`).
 *
 * A rule file given with `--rule` is a custom rule unless the file itself says otherwise (a Kibana
 * export of an installed prebuilt rule carries `immutable: true` and its `rule_source`): the file's own
 * values are kept. The built-in rule and its released versions are what Kibana installs from the
 * package, so they are marked prebuilt by {@link asPrebuilt}.
 */
import type { Rule, RuleSource } from './schema.js';

export interface RuleOrigin {
  immutable: boolean;
  rule_source: RuleSource;
}

const PREBUILT_SOURCE: RuleSource = { type: 'external', is_customized: false };
const CUSTOM_SOURCE: RuleSource = { type: 'internal' };

/** The rule's `immutable` and `rule_source` as Kibana's alert documents record them. */
export function ruleOrigin(rule: Pick<Rule, 'immutable' | 'rule_source'>): RuleOrigin {
  const immutable = rule.immutable ?? false;
  return { immutable, rule_source: rule.rule_source ?? (immutable ? PREBUILT_SOURCE : CUSTOM_SOURCE) };
}

/** The rule as Kibana holds it once installed from the prebuilt-rules package (not customized). */
export function asPrebuilt(rule: Rule): Rule {
  return { ...rule, immutable: true, rule_source: PREBUILT_SOURCE };
}
