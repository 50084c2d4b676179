/**
 * Why an event matched a KQL query or not: the query's AST evaluated node by node, each node keeping
 * its verdict and, at the leaves, the field's indexed values that were looked at and those that
 * satisfied the clause. Field semantics are Elasticsearch's on keyword fields, as the compiler
 * documents them (src/kql/compile-tree.ts): values found through nested objects, dotted keys and arrays (src/ecs/fields.ts),
 * compared as the keyword terms ES would index (`toKeywordTerm`), exactly and case-sensitively; a
 * clause on a missing field is false, so `not` of it is true.
 */
import { compileFieldVisitor, ECS_KEYWORD_IGNORE_ABOVE, isPlainObject, toKeywordTerm } from '../ecs/fields.js';
import type { KueryNode, ValueNode } from './ast.js';
import { toKqlText, valueListField, valueText } from './clause-text.js';
import { compileRangeBound } from './range.js';
import { existsTest, queryTerm, rangeBoundText } from './value-term.js';
import { compileWildcardMatcher, isLoneWildcard } from './wildcard.js';
import type { FieldTypeTable } from './compile-typed.js';
import { typedExpectation, typedLeafTest } from './explain-typed.js';

interface Base {
  /** The node as KQL text. */
  kql: string;
  verdict: boolean;
}

/** Values of one field, as the keyword terms Elasticsearch would index. */
export interface FieldEvidence {
  field: string;
  /** Every value of the field that was compared. */
  examined: string[];
  /** The values that satisfied the clause. */
  satisfied: string[];
}

export interface LeafExplanation extends Base {
  kind: 'is' | 'exists' | 'range';
  /** The field as written in the query; null for a value-only query (all fields). */
  field: string | null;
  /** What the field was compared with: the value (wildcards as `*`), `*` for exists, `>= v` for range. */
  expected: string;
  /** One entry per concrete field (several for wildcard field names and value-only queries). */
  fields: FieldEvidence[];
  /** What a typed clause accepts when its text alone does not say it: a date clause's instants. */
  accepts?: string;
}

export interface MatchAllExplanation extends Base {
  kind: 'match_all';
}

export interface BoolExplanation extends Base {
  kind: 'and' | 'or';
  children: Explanation[];
}

export interface NotExplanation extends Base {
  kind: 'not';
  child: Explanation;
}

export interface NestedExplanation extends Base {
  kind: 'nested';
  path: string;
  /** How many objects the path holds. */
  objects: number;
  /** The inner query's explanation for the first object that satisfied it, else for the first object. */
  child: Explanation | null;
}

/** Why a query matched a document or not: a tree mirroring the query, each node with its verdict and evidence. */
export type Explanation = LeafExplanation | MatchAllExplanation | BoolExplanation | NotExplanation | NestedExplanation;

/** Every leaf path of a document with its values (dotted keys and nested objects give the same path). */
function leafPaths(doc: unknown, prefix = '', out = new Set<string>()): Set<string> {
  if (Array.isArray(doc)) {
    for (const el of doc) leafPaths(el, prefix, out);
  } else if (isPlainObject(doc)) {
    for (const [k, v] of Object.entries(doc)) leafPaths(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix && doc !== null && doc !== undefined) {
    out.add(prefix);
  }
  return out;
}

/** Concrete field names a field argument stands for in this document. */
function resolveFields(field: ValueNode, doc: unknown): string[] {
  if (field.type === 'literal') return field.value === null ? [...leafPaths(doc)] : [String(field.value)];
  const matches = compileWildcardMatcher(field.value);
  return [...leafPaths(doc)].filter(matches);
}

const holdsTerm = existsTest(ECS_KEYWORD_IGNORE_ABOVE);

interface Collected {
  terms: string[];
  hasObject: boolean;
  /** The JSON values each term came from, for comparisons that depend on JSON type. */
  raw: Map<string, unknown[]>;
}

/**
 * The distinct keyword terms of a field (plus whether it holds an object with a term). A typed
 * clause collects every value (its own test decides, ignore_above included).
 */
function collect(doc: unknown, field: string, ignoreAbove = ECS_KEYWORD_IGNORE_ABOVE): Collected {
  const seen = new Set<string>();
  const raw = new Map<string, unknown[]>();
  let hasObject = false;
  compileFieldVisitor(field)(doc, (v) => {
    if (isPlainObject(v)) {
      if (holdsTerm(v)) hasObject = true;
      return false;
    }
    const t = toKeywordTerm(v, ignoreAbove);
    if (t !== undefined) {
      seen.add(t);
      const from = raw.get(t);
      if (from) from.push(v);
      else raw.set(t, [v]);
    }
    return false;
  });
  return { terms: [...seen], hasObject, raw };
}

function leaf(
  kind: LeafExplanation['kind'],
  node: KueryNode,
  fieldArg: ValueNode,
  expected: string,
  doc: unknown,
  test: (term: string, c: Collected) => boolean,
  objectsCount = false,
  typed?: (value: unknown) => boolean,
): LeafExplanation {
  const fields: FieldEvidence[] = [];
  let verdict = false;
  if (typed !== undefined) {
    // A typed clause: every value is collected and the type's own test decides (objects included).
    test = (t, c) => (c.raw.get(t) ?? []).some(typed);
  }
  for (const name of resolveFields(fieldArg, doc)) {
    const c = collect(doc, name, typed === undefined ? ECS_KEYWORD_IGNORE_ABOVE : Number.POSITIVE_INFINITY);
    const satisfied = c.terms.filter((t) => test(t, c));
    if (satisfied.length > 0 || (objectsCount && c.hasObject)) verdict = true;
    // Value-only queries look at every field; keep only the ones that say something.
    if (fieldArg.type === 'literal' && fieldArg.value === null && satisfied.length === 0) continue;
    fields.push({ field: name, examined: c.terms, satisfied });
  }
  const fieldName = fieldArg.type === 'literal' ? (fieldArg.value === null ? null : String(fieldArg.value)) : valueText(fieldArg);
  return { kind, kql: toKqlText(node), verdict, field: fieldName, expected, fields };
}

/**
 * Explains `ast` on one document (`_source`). The root verdict is whether the query matches it.
 * `types`: the mappings of the query's fields, as given to the compiler (kql/explain-typed.ts).
 */
export function explainKql(ast: KueryNode, event: unknown, types?: FieldTypeTable, prefix = ''): Explanation {
  const node = ast;
  const typed = typedLeafTest(node, types, prefix);
  const accepts = typed === undefined ? undefined : typedExpectation(node, types, prefix);
  const explained = explainNode(node, event, types, prefix, typed);
  return accepts !== undefined && (explained.kind === 'is' || explained.kind === 'range') ? { ...explained, accepts } : explained;
}

function explainNode(node: KueryNode, event: unknown, types: FieldTypeTable | undefined, prefix: string, typed: ((value: unknown) => boolean) | undefined): Explanation {
  switch (node.function) {
    case 'and':
    case 'or': {
      const children = node.arguments.map((c) => explainKql(c, event, types, prefix));
      const verdict = node.function === 'and' ? children.every((c) => c.verdict) : children.some((c) => c.verdict);
      return { kind: node.function, kql: toKqlText(node), verdict, children };
    }
    case 'not': {
      const child = explainKql(node.arguments[0], event, types, prefix);
      return { kind: 'not', kql: toKqlText(node), verdict: !child.verdict, child };
    }
    case 'is': {
      const [fieldArg, valueArg] = node.arguments;
      if (isLoneWildcard(valueArg)) {
        if (isLoneWildcard(fieldArg)) return { kind: 'match_all', kql: toKqlText(node), verdict: true };
        return leaf('exists', node, fieldArg, '*', event, () => true, true, typed);
      }
      if (valueArg.type === 'wildcard') {
        const matches = compileWildcardMatcher(valueArg.value);
        return leaf('is', node, fieldArg, valueText(valueArg), event, (t) => matches(t), false, typed);
      }
      const want = queryTerm(valueArg);
      const expected = valueArg.value === null ? 'null' : String(valueArg.value);
      return leaf('is', node, fieldArg, expected, event, (t) => want !== undefined && t === want, false, typed);
    }
    case 'exists':
      return leaf('exists', node, node.arguments[0], '*', event, () => true, true, typed);
    case 'range': {
      const [fieldArg, op, bound] = node.arguments;
      const expected = toKqlText(node).slice(valueText(fieldArg).length + 1);
      const text = rangeBoundText(bound);
      if (text === undefined) return leaf('range', node, fieldArg, expected, event, () => false);
      // The compiler's bound comparison (numeric, date or keyword order by the value's JSON type).
      const holds = compileRangeBound(op, text, ECS_KEYWORD_IGNORE_ABOVE);
      return leaf('range', node, fieldArg, expected, event, (t, c) => (c.raw.get(t) ?? []).some(holds), false, typed);
    }
    case 'nested': {
      const pathArg = node.arguments[0];
      const path = pathArg.type === 'wildcard' ? valueText(pathArg) : String(pathArg.value);
      const objects: unknown[] = [];
      compileFieldVisitor(path)(event, (v) => {
        if (isPlainObject(v)) objects.push(v);
        return false;
      });
      const explained = objects.map((o) => explainKql(node.arguments[1], o, types, pathArg.type === 'literal' ? `${prefix}${path}.` : prefix));
      const hit = explained.find((e) => e.verdict);
      return {
        kind: 'nested',
        kql: toKqlText(node),
        verdict: hit !== undefined,
        path,
        objects: objects.length,
        child: hit ?? explained[0] ?? null,
      };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Summaries

/** A leaf clause with the values that decided it (satisfied values, or all values when it failed). */
export interface LeafEvidence {
  clause: string;
  field: string | null;
  values: string[];
}

export interface BranchTaken {
  /** The branching `or` (alternatives that are not one field's value list). */
  clause: string;
  /** The first alternative that held. */
  taken: string;
  evidence: LeafEvidence[];
}

export interface ExplanationSummary {
  matched: boolean;
  /** For a match: the alternative taken in each branching `or` (for the rule: lsmod/modinfo · kmod list · depmod -a/--all). */
  branches: BranchTaken[];
  /** For a match: every leaf that held on the way, with its satisfying values. */
  evidence: LeafEvidence[];
  /** For a non-match: the first top-level clause that failed, and why. */
  failure?: {
    clause: string;
    reason: 'exclusion' | 'mismatch' | 'missing';
    evidence: LeafEvidence[];
  };
  /** One line for people. */
  text: string;
}

const isLeaf = (e: Explanation): e is LeafExplanation => e.kind === 'is' || e.kind === 'exists' || e.kind === 'range';

function leafEvidence(e: LeafExplanation, which: 'satisfied' | 'examined'): LeafEvidence[] {
  if (e.fields.length === 0) return [{ clause: e.kql, field: e.field, values: [] }];
  return e.fields.map((f) => ({ clause: e.kql, field: f.field, values: f[which] }));
}

/** Whether an `or` explanation is a value list `field:(a or b)` rather than a choice between clauses. */
function isValueList(e: BoolExplanation): boolean {
  const fields = new Set<string | null>();
  for (const c of e.children) {
    if (c.kind !== 'is') return false;
    fields.add(c.field);
  }
  return fields.size === 1 && !fields.has(null);
}

/** The leaves that make a true node true (first alternative for or), collecting branches taken. */
function witness(e: Explanation, branches: BranchTaken[]): LeafEvidence[] {
  if (isLeaf(e)) return leafEvidence(e, 'satisfied');
  switch (e.kind) {
    case 'match_all':
      return [];
    case 'and':
      return e.children.flatMap((c) => witness(c, branches));
    case 'or': {
      const taken = e.children.find((c) => c.verdict);
      if (!taken) return [];
      const inner: BranchTaken[] = [];
      const ev = witness(taken, inner);
      if (!isValueList(e)) branches.push({ clause: e.kql, taken: taken.kql, evidence: ev });
      branches.push(...inner);
      return ev;
    }
    case 'not':
      return [];
    case 'nested':
      return e.child && e.verdict ? witness(e.child, branches) : [];
  }
}

/** The leaves that make a false node false. */
function counterEvidence(e: Explanation): LeafEvidence[] {
  if (isLeaf(e)) return leafEvidence(e, 'examined');
  switch (e.kind) {
    case 'match_all':
      return [];
    case 'and': {
      const failed = e.children.find((c) => !c.verdict);
      return failed ? counterEvidence(failed) : [];
    }
    case 'or': {
      // Every alternative failed; report each field once.
      const seen = new Set<string>();
      const out: LeafEvidence[] = [];
      for (const ev of e.children.flatMap(counterEvidence)) {
        const key = `${ev.field}\u0000${ev.values.join('\u0000')}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({ ...ev, clause: isValueList(e) ? e.kql : ev.clause });
      }
      return out;
    }
    case 'not':
      return witness(e.child, []);
    case 'nested':
      return e.child ? counterEvidence(e.child) : [{ clause: e.kql, field: e.path, values: [] }];
  }
}

/** The first failing clause at the top, descending through nested `and`s. */
function firstFailure(e: Explanation): Explanation {
  if (e.kind === 'and') {
    const failed = e.children.find((c) => !c.verdict);
    if (failed) return firstFailure(failed);
  }
  return e;
}

const show = (values: string[]): string => (values.length === 1 ? JSON.stringify(values[0]) : `[${values.map((v) => JSON.stringify(v)).join(', ')}]`);
const evidenceText = (ev: LeafEvidence[]): string =>
  ev.map((v) => (v.values.length === 0 ? `${v.field ?? '(any field)'} missing` : `${v.field ?? '(any field)'} = ${show(v.values)}`)).join(', ');

export function summarizeExplanation(expl: Explanation): ExplanationSummary {
  if (expl.verdict) {
    const branches: BranchTaken[] = [];
    const evidence = witness(expl, branches);
    const text =
      branches.length > 0
        ? `matched branch ${branches.map((b) => `${b.taken} (${evidenceText(b.evidence)})`).join('; ')}`
        : `matched (${evidenceText(evidence)})`;
    return { matched: true, branches, evidence, text };
  }
  const failed = firstFailure(expl);
  const evidence = counterEvidence(failed);
  if (failed.kind === 'not') {
    return {
      matched: false,
      branches: [],
      evidence: [],
      failure: { clause: failed.kql, reason: 'exclusion', evidence },
      text: `excluded by ${failed.kql.length > 80 ? `${failed.kql.slice(0, 77)}...` : failed.kql}: ${evidenceText(evidence)}`,
    };
  }
  const reason = evidence.every((v) => v.values.length === 0) ? 'missing' : 'mismatch';
  return {
    matched: false,
    branches: [],
    evidence: [],
    failure: { clause: failed.kql, reason, evidence },
    text: `failed ${failed.kql}: ${evidenceText(evidence)}`,
  };
}

// ---------------------------------------------------------------------------------------------
// Per-clause counts over many events

export interface ClauseCountRow {
  clause: string;
  /** clause: a top-level clause; alternative: one choice of a top-level `or`; exclusion: a top-level
   * `not`; exclusion-value: one value/clause inside an exclusion. */
  kind: 'clause' | 'alternative' | 'exclusion' | 'exclusion-value';
  /** 0 for top-level rows, 1 for rows inside one. */
  depth: number;
  /** Events where the clause itself held (for exclusions: where the excluded condition was present). */
  held: number;
  /** alternative: events that matched the whole query with this alternative true. */
  matched?: number;
  /** exclusion(-value): events that passed every positive clause and were dropped by this exclusion (value). */
  suppressed?: number;
}

export interface ClauseCounts {
  events: number;
  matched: number;
  /** Events that passed every positive top-level clause (what would match with no exclusions). */
  matchedBeforeExclusions: number;
  rows: ClauseCountRow[];
}

/** Leaves (or value-list alternatives) inside an exclusion, as their explanation paths. */
function exclusionParts(e: Explanation): Explanation[] {
  if (e.kind === 'or') return e.children.flatMap((c) => (c.kind === 'or' ? exclusionParts(c) : [c]));
  return [e];
}

/**
 * Counts, over many events, how often each top-level clause held, which alternative of each
 * top-level `or` carried matches, and how often each exclusion (a top-level `not`, and each value or
 * clause inside it) dropped an event that every positive clause accepted: so a rule author sees which
 * exclusions earn their keep.
 */
export class ClauseCounter {
  private events = 0;
  private matched = 0;
  private beforeExclusions = 0;
  private readonly rows: ClauseCountRow[] = [];
  /** rows index for each top-level clause, and for each alternative/part under it. */
  private readonly layout: Array<{ row: number; parts: number[]; isNot: boolean; isOr: boolean }> = [];

  constructor(
    private readonly ast: KueryNode,
    private readonly types?: FieldTypeTable,
  ) {
    const top = ast.function === 'and' ? ast.arguments : [ast];
    for (const clause of top) {
      const isNot = clause.function === 'not';
      const isOr = clause.function === 'or' && valueListField(clause) === undefined;
      const row = this.rows.push({ clause: toKqlText(clause), kind: isNot ? 'exclusion' : 'clause', depth: 0, held: 0, ...(isNot ? { suppressed: 0 } : {}) }) - 1;
      const parts: number[] = [];
      if (isOr && clause.function === 'or') {
        for (const alt of clause.arguments) parts.push(this.rows.push({ clause: toKqlText(alt), kind: 'alternative', depth: 1, held: 0, matched: 0 }) - 1);
      } else if (isNot && clause.function === 'not') {
        const inner = clause.arguments[0];
        const flat = (n: KueryNode): KueryNode[] => (n.function === 'or' ? n.arguments.flatMap(flat) : [n]);
        const pieces = flat(inner);
        if (pieces.length > 1) {
          for (const p of pieces) parts.push(this.rows.push({ clause: toKqlText(p), kind: 'exclusion-value', depth: 1, held: 0, suppressed: 0 }) - 1);
        }
      }
      this.layout.push({ row, parts, isNot, isOr });
    }
  }

  /** Explains and counts one document; returns its explanation for callers that also show it. */
  add(event: unknown): Explanation {
    const expl = explainKql(this.ast, event, this.types);
    this.addExplanation(expl);
    return expl;
  }

  /** Counts an explanation made by explainKql for this counter's query. */
  addExplanation(expl: Explanation): void {
    const top = this.ast.function === 'and' && expl.kind === 'and' ? expl.children : [expl];
    this.events++;
    if (expl.verdict) this.matched++;
    const positivesHold = top.every((c, i) => this.layout[i]!.isNot || c.verdict);
    if (positivesHold) this.beforeExclusions++;
    top.forEach((c, i) => {
      const lay = this.layout[i]!;
      const row = this.rows[lay.row]!;
      if (lay.isNot && c.kind === 'not') {
        if (c.child.verdict) row.held++;
        if (positivesHold && !c.verdict) row.suppressed = (row.suppressed ?? 0) + 1;
        if (lay.parts.length > 0) {
          exclusionParts(c.child).forEach((p, k) => {
            const r = this.rows[lay.parts[k]!];
            if (!r || !p.verdict) return;
            r.held++;
            if (positivesHold) r.suppressed = (r.suppressed ?? 0) + 1;
          });
        }
        return;
      }
      if (c.verdict) row.held++;
      if (lay.isOr && c.kind === 'or') {
        c.children.forEach((alt, k) => {
          const r = this.rows[lay.parts[k]!]!;
          if (!alt.verdict) return;
          r.held++;
          if (expl.verdict) r.matched = (r.matched ?? 0) + 1;
        });
      }
    });
  }

  counts(): ClauseCounts {
    return {
      events: this.events,
      matched: this.matched,
      matchedBeforeExclusions: this.beforeExclusions,
      rows: this.rows.map((r) => ({ ...r })),
    };
  }
}
