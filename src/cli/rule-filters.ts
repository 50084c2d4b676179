/**
 * The rule's Kibana filters for a command: the mappings of the fields they name (from the same field
 * types as the query), checked, so a clause Elasticsearch would refuse for its field's type is a
 * usage error naming the filter, as the rule would fail in Kibana.
 */
import { fieldTypeTable, type FieldTypes } from '../ecs/field-types.js';
import type { FieldTypeTable } from '../kql/compile-typed.js';
import { DslQueryError } from '../kql/query-dsl/types.js';
import { checkFiltersTyped, type RuleFilterJob } from '../rule/filters.js';
import type { Rule } from '../rule/schema.js';
import { UserFacingError } from './exit.js';

export function ruleFilterTypeTable(rule: Pick<Rule, 'name'>, job: RuleFilterJob, types: FieldTypes): FieldTypeTable {
  const table = fieldTypeTable(types, job.fields);
  try {
    checkFiltersTyped(job, table);
  } catch (e) {
    if (e instanceof DslQueryError) throw new UserFacingError(`rule "${rule.name}": filters cannot run on these field types (${types.source}): ${e.message}`);
    throw e;
  }
  return table;
}

/** Runs `fn` (a rule read spec), turning a filter clause refused for its field's type into a usage error. */
export function withFilterErrors<T>(rule: Pick<Rule, 'name'>, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof DslQueryError) throw new UserFacingError(`rule "${rule.name}": filters cannot run on these field types: ${e.message}`);
    throw e;
  }
}
