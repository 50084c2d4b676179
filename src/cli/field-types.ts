/**
 * The field types a command evaluates with (ecs/field-types.ts): `--mapping FILE` when given; else
 * ECS overlaid with Elastic Defend's process data stream for a rule that reads it (the built-in rule,
 * any rule whose index patterns take in logs-endpoint.events.process-*); else ECS alone. Mapping
 * conflicts are reported on stderr as Kibana's data view reports them.
 */
import { ecsFieldTypes, endpointProcessFieldTypes, fieldMappingOf, fieldTypeTable, type FieldTypes } from '../ecs/field-types.js';
import type { FieldTypeTable } from '../kql/compile-typed.js';
import { KqlTypeError } from '../kql/typed-clauses.js';
import { describeConflict, loadMappingFile, MappingFileError } from '../ecs/mapping-file.js';
import type { KueryNode } from '../kql/ast.js';
import { queryFields } from '../kql/query-fields.js';
import { compileKqlTree } from '../kql/compile-tree.js';
import { compileIndexFilter } from '../rule/index-patterns.js';
import type { Rule } from '../rule/schema.js';
import { UserFacingError } from './exit.js';

/** A backing index of Elastic Defend's process data stream, to test index patterns against. */
const DEFEND_PROCESS_INDEX = '.ds-logs-endpoint.events.process-default-2024.01.01-000001';

/** For commands that take a query and no rule (`kql match`): no index patterns. */
export const QUERY_ONLY_RULE: Pick<Rule, 'index'> = { index: ['*'] };

export function resolveFieldTypes(rule: Pick<Rule, 'index'>, mappingFile: string | undefined, warn: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): FieldTypes {
  if (mappingFile !== undefined) {
    let types: FieldTypes;
    try {
      types = loadMappingFile(mappingFile);
    } catch (e) {
      if (e instanceof MappingFileError) throw new UserFacingError(`--mapping ${e.message}`);
      throw e;
    }
    for (const c of types.conflicts) warn(`warning: ${mappingFile}: ${describeConflict(c)}`);
    return types;
  }
  return compileIndexFilter(rule.index)(DEFEND_PROCESS_INDEX) ? endpointProcessFieldTypes() : ecsFieldTypes();
}

/** Every field the rule touches: its query's, its new-terms fields, its timestamp fields. */
export function ruleFields(rule: Rule, ast: KueryNode): string[] {
  const out = new Set(queryFields(ast));
  for (const f of rule.new_terms_fields ?? []) out.add(f);
  if (rule.timestamp_override !== undefined) out.add(rule.timestamp_override);
  out.add('@timestamp');
  return [...out];
}

/** `field  type (ignore_above N, normalizer X, format F)` lines, saying where a field's type is assumed. */
export function describeFieldTypes(fields: readonly string[], types: FieldTypes): string[] {
  const width = Math.max(...fields.map((f) => f.length));
  return fields.map((f) => {
    const m = fieldMappingOf(types, f);
    const opts = [m.ignore_above !== undefined ? `ignore_above ${m.ignore_above}` : '', m.normalizer ? `normalizer ${m.normalizer}` : '', m.scaling_factor !== undefined ? `scaling_factor ${m.scaling_factor}` : '', m.format !== undefined ? `format ${m.format}` : '']
      .filter(Boolean)
      .join(', ');
    const conflict = types.conflicts.some((c) => c.field === f) ? ' [mapping conflict]' : '';
    return `  ${f.padEnd(width)}  ${m.type}${opts ? ` (${opts})` : ''}${m.known ? '' : ' — not mapped: treated as keyword'}${conflict}`;
  });
}

/**
 * The mappings of the fields a query names, checked: a clause Elasticsearch would refuse for its
 * field's type (a word on a numeric field, a wildcard on an ip) is a usage error naming the clause,
 * as the rule would fail in Kibana.
 */
export function queryTypeTable(ast: KueryNode, types: FieldTypes): FieldTypeTable {
  const table = fieldTypeTable(types, queryFields(ast));
  try {
    compileKqlTree(ast, { fieldTypes: table });
  } catch (e) {
    if (e instanceof KqlTypeError) throw new UserFacingError(`the query cannot run on these field types (${types.source}): ${e.message}`);
    throw e;
  }
  return table;
}
