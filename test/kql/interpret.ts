/**
 * A deliberately plain reference evaluator (test oracle, not shipped): walks the tree for every
 * event and looks fields up by trying every key, with no precompilation. It exists so property tests
 * can check the compiler (src/kql/compile-tree.ts) against an independent reading of the same
 * semantics (documented there). Dates are read by the one date parser (src/ecs/es-date.ts, pinned
 * to Elasticsearch by its own tests); everything around it (which values count as dates, rounding
 * of bounds, numeric and code-point order) is written out here again.
 */
import { WILDCARD_SENTINEL, type KueryNode, type RangeOperator, type ValueNode } from '../../src/kql/ast.js';
import { parseEsDate } from '../../src/ecs/es-date.js';
import { ECS_KEYWORD_IGNORE_ABOVE, toKeywordTerm } from '../../src/ecs/fields.js';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Every non-null value of `path` in `doc`, arrays flattened; a key may stand for any run of segments. */
function valuesAt(doc: unknown, path: string): unknown[] {
  if (Array.isArray(doc)) return doc.flatMap((d) => valuesAt(d, path));
  if (!isObj(doc)) return [];
  const out: unknown[] = [];
  for (const key of Object.keys(doc)) {
    if (key === path) out.push(...flatten(doc[key]));
    else if (path.startsWith(key + '.')) out.push(...valuesAt(doc[key], path.slice(key.length + 1)));
  }
  return out;
}

function flatten(v: unknown): unknown[] {
  if (v === null || v === undefined) return [];
  if (Array.isArray(v)) return v.flatMap(flatten);
  return [v];
}

/** Every scalar leaf with its dotted name. */
function leaves(doc: unknown, prefix = ''): Array<[string, unknown]> {
  if (doc === null || doc === undefined) return [];
  if (Array.isArray(doc)) return doc.flatMap((d) => leaves(d, prefix));
  if (isObj(doc)) return Object.keys(doc).flatMap((k) => leaves(doc[k], prefix === '' ? k : `${prefix}.${k}`));
  return [[prefix, doc]];
}

/** Glob match by dynamic programming over (pattern piece, subject position); only sentinels are stars. */
function globMatch(pattern: string, subject: string): boolean {
  const tokens: Array<string | null> = [];
  pattern.split(WILDCARD_SENTINEL).forEach((piece, i) => {
    if (i > 0) tokens.push(null);
    for (const ch of piece) tokens.push(...ch.split(''));
  });
  let row = new Array<boolean>(subject.length + 1).fill(false);
  row[0] = true;
  for (const t of tokens) {
    const next = new Array<boolean>(subject.length + 1).fill(false);
    for (let j = 0; j <= subject.length; j++) {
      if (t === null) next[j] = row[j]! || (j > 0 && next[j - 1]!);
      else next[j] = j > 0 && row[j - 1]! && subject[j - 1] === t;
    }
    row = next;
  }
  return row[subject.length]!;
}

/** Kibana's isLoneWildcard, written as kbn-es-query writes it (node_types/wildcard.ts): replace() removes the first sentinel only. */
function isLone(pattern: string): boolean {
  return pattern.includes(WILDCARD_SENTINEL) && pattern.replace(WILDCARD_SENTINEL, '') === '';
}

function fieldValues(doc: unknown, field: ValueNode): unknown[] {
  if (field.type === 'wildcard') return leaves(doc).filter(([p]) => globMatch(field.value, p)).map(([, v]) => v);
  if (field.value === null) return leaves(doc).map(([, v]) => v);
  return valuesAt(doc, String(field.value));
}

function hasTerm(v: unknown, ignoreAbove: number): boolean {
  if (isObj(v)) return leaves(v).some(([, x]) => toKeywordTerm(x, ignoreAbove) !== undefined);
  return toKeywordTerm(v, ignoreAbove) !== undefined;
}

const sign = (n: number | bigint): number => (n > 0 ? 1 : n < 0 ? -1 : 0);

function opHolds(op: RangeOperator, cmp: number): boolean {
  return op === 'gt' ? cmp > 0 : op === 'gte' ? cmp >= 0 : op === 'lt' ? cmp < 0 : cmp <= 0;
}

/** Code-point order (what Lucene's UTF-8 byte order amounts to). */
function codePointCompare(a: string, b: string): number {
  const x = [...a].map((c) => c.codePointAt(0)!);
  const y = [...b].map((c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

/**
 * `value <op> bound` for one document value: numbers numerically against a numeric bound; a date
 * string naming a day against a bound that reads as a date, as instants (gt/lte round the bound up);
 * otherwise the keyword term in code-point order.
 */
export function rangeHolds(op: RangeOperator, bound: string, value: unknown, ignoreAbove: number): boolean {
  if (typeof value === 'number' && /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(bound)) {
    return Number.isFinite(value) && opHolds(op, sign(value - Number(bound)));
  }
  if (typeof value === 'string') {
    const doc = parseEsDate(value);
    const b = parseEsDate(bound, op === 'gt' || op === 'lte');
    if (doc && b && doc.format === 'strict_date_optional_time' && doc.hasDay) return opHolds(op, sign(doc.nanos - b.nanos));
  }
  const term = toKeywordTerm(value, ignoreAbove);
  return term !== undefined && opHolds(op, codePointCompare(term, bound));
}

export function evaluateKql(ast: KueryNode, event: unknown, ignoreAbove: number = ECS_KEYWORD_IGNORE_ABOVE): boolean {
  switch (ast.function) {
    case 'and':
      return ast.arguments.every((n) => evaluateKql(n, event, ignoreAbove));
    case 'or':
      return ast.arguments.some((n) => evaluateKql(n, event, ignoreAbove));
    case 'not':
      return !evaluateKql(ast.arguments[0], event, ignoreAbove);
    case 'exists':
      return fieldValues(event, ast.arguments[0]).some((v) => hasTerm(v, ignoreAbove));
    case 'nested':
      return fieldValues(event, ast.arguments[0]).some((v) => isObj(v) && evaluateKql(ast.arguments[1], v, ignoreAbove));
    case 'range': {
      const [field, op, bound] = ast.arguments;
      if (bound.value === null) return false;
      const text = bound.type === 'wildcard' ? bound.value.split(WILDCARD_SENTINEL).join('*') : String(bound.value);
      return fieldValues(event, field).some((v) => rangeHolds(op, text, v, ignoreAbove));
    }
    case 'is': {
      const [field, value] = ast.arguments;
      if (field.type === 'wildcard' && isLone(field.value) && value.type === 'wildcard' && isLone(value.value)) return true;
      const values = fieldValues(event, field);
      if (value.type === 'wildcard') {
        if (isLone(value.value)) return values.some((v) => hasTerm(v, ignoreAbove));
        return values.some((v) => {
          const term = toKeywordTerm(v, ignoreAbove);
          return term !== undefined && globMatch(value.value, term);
        });
      }
      if (value.value === null) return false;
      const wanted = String(value.value);
      return values.some((v) => toKeywordTerm(v, ignoreAbove) === wanted);
    }
  }
}
