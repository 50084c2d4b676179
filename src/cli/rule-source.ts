/**
 * The active rule for a command and its compiled query: the built-in v210 rule, another released
 * version of it (--rule-version N), or a rule file given with --rule. Query syntax errors become usage
 * errors that name where the query came from.
 */
import { KqlSyntaxError } from '../kql/errors.js';
import { parseKqlWithWarnings, type KqlWarning } from '../kql/parse.js';
import type { KueryNode } from '../kql/ast.js';
import { BUILTIN_RULE, BUILTIN_RULE_PARAMETERS } from '../rule/builtin.js';
import type { Rule } from '../rule/schema.js';
import type { ParameterFinding } from '../rule/parameter-check.js';
import type { RuleFilter } from '../rule/filters.js';
import { UserFacingError } from './exit.js';

export interface ActiveRule {
  rule: Rule;
  /** Where the rule came from, for messages: the file, or "built-in rule". */
  origin: string;
  /** The rule file, when it came from one. */
  file?: string;
  ast: KueryNode;
  warnings: KqlWarning[];
  /** The rule file's keys and what the tool does with each (empty for the built-in rule's versions). */
  parameters: ParameterFinding[];
  /** The negated filter of the rule's exception lists, when --exceptions FILE gave them (rule/exceptions.ts). */
  exceptionFilter?: RuleFilter;
}

/** How to load a --rule file. */
export interface RuleSourceOptions {
  /** --allow-unsupported: run a rule whose unapplied parameters change its alerts, warning about each. */
  allowUnsupported?: boolean | undefined;
}

export async function loadActiveRule(file: string | undefined, ruleId: string | undefined, ruleVersion?: number, opts: RuleSourceOptions = {}): Promise<ActiveRule> {
  let rule: Rule = BUILTIN_RULE;
  let parameters: ParameterFinding[] = ruleVersion === undefined || ruleVersion === BUILTIN_RULE.version ? [...BUILTIN_RULE_PARAMETERS] : [];
  let origin = `built-in rule "${BUILTIN_RULE.name}" v${BUILTIN_RULE.version}`;
  if (ruleVersion !== undefined && file !== undefined) {
    throw new UserFacingError('--rule-version picks a version of the built-in rule; it cannot be combined with --rule FILE');
  }
  if (ruleVersion !== undefined && ruleVersion !== BUILTIN_RULE.version) {
    rule = await loadBuiltinVersion(ruleVersion);
    origin = `built-in rule "${rule.name}" v${rule.version}`;
  }
  if (file !== undefined) {
    const { loadRule, RuleFileError } = await import('../rule/load.js');
    try {
      ({ rule, parameters } = await loadRule(file, { ...(ruleId !== undefined && { ruleId }), allowUnsupported: opts.allowUnsupported === true }));
    } catch (e) {
      if (e instanceof RuleFileError) throw new UserFacingError(e.message);
      throw e;
    }
    origin = file;
  } else if (ruleId !== undefined && ruleId !== BUILTIN_RULE.rule_id) {
    throw new UserFacingError(`--rule-id ${ruleId}: the built-in rule is ${BUILTIN_RULE.rule_id}; give --rule FILE to load another rule`);
  }
  return { rule, origin, ...(file !== undefined && { file }), parameters, ...compileRuleQuery(rule.query, `${origin}: query`) };
}

/** A released version of the built-in rule (loaded on demand: the catalog is only read when asked for). */
export async function loadBuiltinVersion(version: number): Promise<Rule> {
  const { loadRuleVersion, RuleVersionError } = await import('../rule/versions.js');
  try {
    return loadRuleVersion(version);
  } catch (e) {
    if (e instanceof RuleVersionError) throw new UserFacingError(`--rule-version ${version}: ${e.message}`);
    throw e;
  }
}

export function compileRuleQuery(query: string, where: string): { ast: KueryNode; warnings: KqlWarning[] } {
  try {
    return parseKqlWithWarnings(query);
  } catch (e) {
    if (e instanceof KqlSyntaxError) throw new UserFacingError(`${where}, line ${e.line}, column ${e.column}: KQL syntax error\n${e.format()}`);
    throw e;
  }
}

export function formatKqlWarning(where: string, w: KqlWarning): string {
  return `${where}, line ${w.line}, column ${w.column}: ${w.message}`;
}
