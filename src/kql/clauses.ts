/**
 * A query read the way rule authors write detection rules: a conjunction of clauses, some of them
 * exclusions (`not …`). Used to say what changed between two versions of a rule in terms of clauses
 * and excluded values, computed from the parsed trees rather than from the text.
 *
 * - clauses: the top-level `and`'s children that are not negations (the whole query when it is not
 *   an `and`);
 * - exclusions: each top-level `not X`, with X's `or` alternatives flattened, so
 *   `not (process.parent.name:(a or b) or process.parent.args:c)` is three excluded conditions.
 */
import type { KueryNode } from './ast.js';
import { toKqlText, valueText } from './clause-text.js';

export interface QueryClauses {
  clauses: KueryNode[];
  exclusions: KueryNode[];
}

const flatten = (fn: 'and' | 'or', node: KueryNode): KueryNode[] =>
  node.function === fn ? node.arguments.flatMap((c) => flatten(fn, c)) : [node];

export function queryClauses(ast: KueryNode): QueryClauses {
  const clauses: KueryNode[] = [];
  const exclusions: KueryNode[] = [];
  for (const part of flatten('and', ast)) {
    if (part.function === 'not') exclusions.push(...flatten('or', part.arguments[0]));
    else clauses.push(part);
  }
  return { clauses, exclusions };
}

/**
 * A clause that tests one field for one of several values (`f:v`, `f:(a or b)`): its field and values
 * as written (wildcards as `*`); undefined for anything else.
 */
export function fieldValues(node: KueryNode): { field: string; values: string[] } | undefined {
  let field: string | undefined;
  const values: string[] = [];
  for (const leaf of flatten('or', node)) {
    if (leaf.function !== 'is') return undefined;
    const [f, v] = leaf.arguments;
    if (f.type !== 'literal' || f.value === null) return undefined;
    const name = String(f.value);
    if (field !== undefined && field !== name) return undefined;
    field = name;
    values.push(valueText(v));
  }
  return field === undefined ? undefined : { field, values };
}

export interface ClauseChange {
  /** `clause`: a positive clause; `exclusion`: an excluded condition. */
  kind: 'clause' | 'exclusion';
  /** What was added or removed, as KQL text; for a field's value list, `field:(values)`. */
  text: string;
  change: 'added' | 'removed';
  /** Set when the change is values added to (or removed from) a clause on this field. */
  field?: string;
  values?: string[];
}

/**
 * Differences in clauses and exclusions between two queries. Clauses that test one field for a list
 * of values are compared by value, so `event.action:(exec or exec_event)` → `event.action:exec` is one
 * removed value, not a removed clause and an added one; anything else is compared as KQL text.
 */
export function diffClauses(before: KueryNode, after: KueryNode): ClauseChange[] {
  const a = queryClauses(before);
  const b = queryClauses(after);
  return [...diffGroup('clause', a.clauses, b.clauses), ...diffGroup('exclusion', a.exclusions, b.exclusions)];
}

interface Grouped {
  /** Field → values, for one-field value clauses (exclusions of the same field are merged). */
  byField: Map<string, string[]>;
  /** Everything else, by KQL text. */
  other: Map<string, KueryNode>;
}

function group(kind: 'clause' | 'exclusion', nodes: readonly KueryNode[]): Grouped {
  const byField = new Map<string, string[]>();
  const other = new Map<string, KueryNode>();
  for (const n of nodes) {
    const fv = fieldValues(n);
    // Two positive clauses on the same field both have to hold: merging their values would change
    // the meaning, so only the first is compared by value.
    if (fv && (kind === 'exclusion' || !byField.has(fv.field))) {
      const list = byField.get(fv.field) ?? [];
      for (const v of fv.values) if (!list.includes(v)) list.push(v);
      byField.set(fv.field, list);
    } else {
      other.set(toKqlText(n), n);
    }
  }
  return { byField, other };
}

const listText = (field: string, values: readonly string[]): string =>
  values.length === 1 ? `${field}:${values[0]}` : `${field}:(${values.join(' or ')})`;

function diffGroup(kind: 'clause' | 'exclusion', before: readonly KueryNode[], after: readonly KueryNode[]): ClauseChange[] {
  const a = group(kind, before);
  const b = group(kind, after);
  const out: ClauseChange[] = [];
  for (const [text] of a.other) if (!b.other.has(text)) out.push({ kind, text, change: 'removed' });
  for (const [field, values] of a.byField) {
    const now = b.byField.get(field);
    if (now === undefined) {
      out.push({ kind, text: listText(field, values), change: 'removed' });
      continue;
    }
    const removed = values.filter((v) => !now.includes(v));
    if (removed.length > 0) out.push({ kind, text: listText(field, removed), change: 'removed', field, values: removed });
  }
  for (const [field, values] of b.byField) {
    const was = a.byField.get(field);
    if (was === undefined) {
      out.push({ kind, text: listText(field, values), change: 'added' });
      continue;
    }
    const added = values.filter((v) => !was.includes(v));
    if (added.length > 0) out.push({ kind, text: listText(field, added), change: 'added', field, values: added });
  }
  for (const [text] of b.other) if (!a.other.has(text)) out.push({ kind, text, change: 'added' });
  return out;
}
