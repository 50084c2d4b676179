/*
 * KQL semantics: what a compiled query matches, and where this deviates from a live cluster.
 *
 * Without field types every field is treated as an ECS `keyword` field (all fields of the v210 rule
 * are); with them (CompileKqlOptions.fieldTypes) clauses on other types follow kql/typed-clauses.ts:
 * - `f:v` (quoted or not) holds when some value of f, as the term Elasticsearch indexes for a keyword
 *   (strings as-is, numbers and booleans as their JSON text, objects never), equals v exactly and
 *   case-sensitively. Unquoted `true`/`false` compare as the text "true"/"false", so they match the
 *   JSON boolean and the string alike. Numbers in the query stay text: `f:01` matches "01", not 1
 *   (a numeric-mapped field would match 1: deviation).
 * - ignore_above (default 1024, option `ignoreAbove`): longer strings are not indexed, so they never
 *   match, never satisfy a range, and do not count for `f:*`.
 * - Fields are found through nested objects, flat dotted keys, any mix of both, and arrays (of
 *   values or of objects); null elements are skipped. A field matches if any of its values matches;
 *   a missing field makes `f:v` false and `not f:v` true.
 * - `f:*` (unquoted) is Elasticsearch's `exists`: true when f has some indexed term (""/0/false
 *   count) or is an object holding one; false for missing, null, [] and [null]. Only a lone `*` is
 *   (Kibana's isLoneWildcard, src/kql/wildcard.ts): `f:**` is a pattern matching any term of f.
 * - Only an unquoted, unescaped `*` is a wildcard: anchored, case-sensitive, across newlines,
 *   matched in linear time; `?` and quoted or escaped `*` are literal.
 * - `f:null` (unquoted null) matches nothing: Elasticsearch rejects a null term, so a live rule would
 *   fail instead (deviation). A null range bound likewise matches nothing.
 * - Ranges: numeric when the document value is a JSON number and the bound is a number; as instants
 *   when the document value is an ISO-8601 date (YYYY-MM-DD at least; no zone = UTC) and the bound is
 *   an ISO date or epoch milliseconds, with Elasticsearch's rounding of partial bounds (gt/lte round
 *   up, gte/lt down); otherwise keyword order (code points). `f:<date>` equality stays a term match.
 * - `nested(path, q)`: q must hold within one object of `path` (arrays of objects are tried one by
 *   one); field names inside q are relative to that object.
 * - Value-only clauses (`foo`, field null) approximate Kibana's multi_match over all fields as "some
 *   leaf value anywhere in the event matches" (exact term; a wildcard value is a pattern). Real
 *   multi_match analyses text fields, so a cluster can match more. `*:*` and the empty query match
 *   every event.
 * - Wildcard field names (`process.*:x`) match any leaf whose dotted name matches the pattern,
 *   standing in for Kibana's expansion against the data view's fields.
 */
import type { KueryNode, RangeOperator, ValueNode } from './ast.js';
import { compileRangeBound } from './range.js';
import { compileTypedTree, needsTypes, type FieldTypeTable } from './compile-typed.js';
import { compileWildcardMatcher, isLoneWildcard, wildcardAsText } from './wildcard.js';
import { existsTest, queryTerm, rangeBoundText } from './value-term.js';
import { defaultQueryNow } from '../ecs/query-clock.js';
import {
  ECS_KEYWORD_IGNORE_ABOVE,
  compileFieldVisitor,
  isPlainObject,
  toKeywordTerm,
  visitLeafPaths,
  visitLeafValues,
} from '../ecs/fields.js';

/** How a query is compiled (see each option). */
export interface CompileKqlOptions {
  /** Strings longer than this are not indexed (ECS keyword ignore_above); default 1024. */
  ignoreAbove?: number;
  /**
   * Mappings of the fields the query names: clauses on fields that are not plain keywords are
   * evaluated by type (kql/compile-typed.ts). Fields not in the table are keywords as above.
   */
  fieldTypes?: FieldTypeTable;
  /**
   * The evaluation time (epoch ms) of `now` in date math on date fields (kql/date-clauses.ts);
   * default the process's query clock (ecs/query-clock.ts), which explain uses too.
   */
  now?: number;
}

/** A compiled query: whether an ECS document (`_source`) matches. */
export type EventPredicate = (event: unknown) => boolean;
type ValueTest = (value: unknown) => boolean;

const always: EventPredicate = () => true;

/**
 * Compiles a KueryNode that is already known to be well formed (from parseKql, or checked by
 * compileKql) into a predicate over events. Kept apart from the KQL parser and the zod tree schema so
 * a scan worker thread, handed a tree its parent already checked, loads neither.
 */
export function compileKqlTree(ast: KueryNode, options: CompileKqlOptions = {}): EventPredicate {
  const ignoreAbove = options.ignoreAbove ?? ECS_KEYWORD_IGNORE_ABOVE;
  if (options.fieldTypes !== undefined && needsTypes(ast, options.fieldTypes)) return compileTypedTree(ast, options.fieldTypes, compileNode, ignoreAbove, options.now ?? defaultQueryNow());
  return compileNode(ast, ignoreAbove);
}

function compileNode(node: KueryNode, ignoreAbove: number): EventPredicate {
  switch (node.function) {
    case 'and': {
      const parts = node.arguments.map((n) => compileNode(n, ignoreAbove));
      if (parts.length === 2) {
        const [a, b] = parts as [EventPredicate, EventPredicate];
        return (e) => a(e) && b(e);
      }
      return (e) => {
        for (let i = 0; i < parts.length; i++) if (!parts[i]!(e)) return false;
        return true;
      };
    }
    case 'or': {
      const parts = node.arguments.map((n) => compileNode(n, ignoreAbove));
      if (parts.length === 2) {
        const [a, b] = parts as [EventPredicate, EventPredicate];
        return (e) => a(e) || b(e);
      }
      return (e) => {
        for (let i = 0; i < parts.length; i++) if (parts[i]!(e)) return true;
        return false;
      };
    }
    case 'not': {
      const inner = compileNode(node.arguments[0], ignoreAbove);
      return (e) => !inner(e);
    }
    case 'is': {
      const [field, value] = node.arguments;
      if (isLoneWildcard(field) && isLoneWildcard(value)) return always;
      const test = isLoneWildcard(value) ? existsTest(ignoreAbove) : valueTest(value, ignoreAbove);
      return anyFieldValue(field, test);
    }
    case 'exists':
      return anyFieldValue(node.arguments[0], existsTest(ignoreAbove));
    case 'range': {
      const [field, op, bound] = node.arguments;
      return anyFieldValue(field, rangeTest(op, bound, ignoreAbove));
    }
    case 'nested': {
      const [path, query] = node.arguments;
      const inner = compileNode(query, ignoreAbove);
      return anyFieldValue(path, (v) => isPlainObject(v) && inner(v));
    }
  }
}

/** Whether some value of the field named by `field` passes `test`; the field lookup is built once. */
function anyFieldValue(field: ValueNode, test: ValueTest): EventPredicate {
  if (field.type === 'wildcard') {
    const nameMatches = compileWildcardMatcher(field.value);
    const visit = (path: string, v: unknown) => nameMatches(path) && test(v);
    return (e) => visitLeafPaths(e, visit);
  }
  if (field.value === null) return (e) => visitLeafValues(e, test);
  const visitor = compileFieldVisitor(String(field.value));
  return (e) => visitor(e, test);
}

function valueTest(value: ValueNode, ignoreAbove: number): ValueTest {
  if (value.type === 'wildcard') {
    const matches = compileWildcardMatcher(value.value);
    return (v) => {
      const term = toKeywordTerm(v, ignoreAbove);
      return term !== undefined && matches(term);
    };
  }
  const wanted = queryTerm(value);
  if (wanted === undefined || wanted.length > ignoreAbove) return () => false;
  return (v) => (typeof v === 'string' ? v === wanted : toKeywordTerm(v, ignoreAbove) === wanted);
}

function rangeTest(op: RangeOperator, bound: ValueNode, ignoreAbove: number): ValueTest {
  const text = rangeBoundText(bound);
  return text === undefined ? () => false : compileRangeBound(op, text, ignoreAbove);
}

