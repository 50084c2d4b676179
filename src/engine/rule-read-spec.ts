/**
 * What the reader evaluates for a rule, built in one place for every command that reads events
 * with it (scan, --follow, report): the query by the field types, the index filter, and the literal
 * prefilter derived from the typed query. Anything that narrows which events a rule sees belongs
 * here, so that no command evaluates a rule differently from the scan.
 */
import { fieldTypeTable, type FieldTypes } from '../ecs/field-types.js';
import type { KueryNode } from '../kql/ast.js';
import type { FieldTypeTable } from '../kql/compile-typed.js';
import { derivePrefilter } from '../kql/prefilter.js';
import { prefilterQuery } from '../kql/prefilter-typed.js';
import { queryFields } from '../kql/query-fields.js';
import type { Rule } from '../rule/schema.js';
import type { ReadJobSpec } from './read-job.js';
import { checkFiltersTyped, ruleFilterJob, type RuleFilter } from '../rule/filters.js';

export interface RuleReadOptions {
  /** The tree the reader tests (the rule's query, or a part of it such as report's positive part). */
  query: KueryNode;
  /** Field types of the data (--mapping, else ECS); absent: every field a keyword. */
  fieldTypes?: FieldTypes | undefined;
  /** False: every line is parsed (--no-prefilter, --strict). */
  prefilter: boolean;
  /** The negated filter of the rule's exception lists (rule/exceptions.ts), ANDed like the rule's filters. */
  exceptionFilter?: RuleFilter;
  /** The evaluation time (epoch ms) of `now` in date clauses, the same in every worker. */
  now?: number;
}

export interface RuleReadSpec {
  spec: ReadJobSpec;
  /** The types of the query's fields, for evaluating or explaining the same tree elsewhere. */
  typeTable: FieldTypeTable | undefined;
}

/**
 * Throws DslQueryError when a filter clause cannot run on its field's type (Elasticsearch would fail
 * the rule run).
 */
export function ruleReadSpec(rule: Rule, opts: RuleReadOptions): RuleReadSpec {
  const { query, fieldTypes } = opts;
  // Kibana filters and exception lists narrow the query (buildEsQuery ANDs them, rule/filters.ts):
  // the reader evaluates them too; the prefilter stays the query's, which a filter cannot unsound.
  const filters = ruleFilterJob(rule, opts.exceptionFilter);
  // Clauses on non-keyword fields are evaluated by type and demand no prefilter literal.
  const typeTable = fieldTypes === undefined ? undefined : fieldTypeTable(fieldTypes, [...queryFields(query), ...filters.fields]);
  checkFiltersTyped(filters, typeTable);
  const prefilter = opts.prefilter ? derivePrefilter(typeTable === undefined ? query : prefilterQuery(query, typeTable)) : null;
  const spec: ReadJobSpec = {
    query,
    prefilter,
    indexPatterns: rule.index,
    ...(typeTable !== undefined && { fieldTypes: typeTable }),
    ...(filters.clause !== undefined && { filters: filters.clause }),
    ...(opts.now !== undefined && { now: opts.now }),
  };
  return { spec, typeTable };
}
