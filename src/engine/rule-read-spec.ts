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

export interface RuleReadOptions {
  /** The tree the reader tests (the rule's query, or a part of it such as report's positive part). */
  query: KueryNode;
  /** Field types of the data (--mapping, else ECS); absent: every field a keyword. */
  fieldTypes?: FieldTypes | undefined;
  /** False: every line is parsed (--no-prefilter, --strict). */
  prefilter: boolean;
  /** The evaluation time (epoch ms) of `now` in date clauses, the same in every worker. */
  now?: number;
}

export interface RuleReadSpec {
  spec: ReadJobSpec;
  /** The types of the query's fields, for evaluating or explaining the same tree elsewhere. */
  typeTable: FieldTypeTable | undefined;
}

export function ruleReadSpec(rule: Rule, opts: RuleReadOptions): RuleReadSpec {
  const { query, fieldTypes } = opts;
  // Clauses on non-keyword fields are evaluated by type and demand no prefilter literal.
  const typeTable = fieldTypes === undefined ? undefined : fieldTypeTable(fieldTypes, queryFields(query));
  const prefilter = opts.prefilter ? derivePrefilter(typeTable === undefined ? query : prefilterQuery(query, typeTable)) : null;
  const spec: ReadJobSpec = { query, prefilter, indexPatterns: rule.index, ...(typeTable !== undefined && { fieldTypes: typeTable }), ...(opts.now !== undefined && { now: opts.now }) };
  return { spec, typeTable };
}
