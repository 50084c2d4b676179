/**
 * Why one version of a rule alerts on an event and another does not, said in the rule's own terms.
 * The version that does NOT alert is examined, in the order Kibana would stop the event:
 *
 * 1. index: its index patterns do not cover the event's `_index`;
 * 2. exclusion: one of its exclusions (a top-level `not`, src/kql/clauses.ts) fires on the event;
 * 3. clause: one of its positive clauses does not hold;
 * 4. no-terms: (new_terms) the event lacks a value in one of its new-terms fields;
 * 5. new-terms: (new_terms) the event's combination of new-terms values was already seen inside the
 *    history window (the latest earlier occurrence is named, and what the other version's fields or
 *    window make of it);
 * 6. time / schedule: the event has no usable time under the version's time field, or no simulated
 *    run alerted on it (outside the runs, or cut by max_signals).
 *
 * Which events alert is decided by the scanners; this module only explains a decision already made.
 */
import { formatTime, eventTimeOf, timestampFieldsOf } from '../ecs/time.js';
import { getKeywordTerms } from '../ecs/fields.js';
import type { KueryNode } from '../kql/ast.js';
import { toKqlText } from '../kql/clause-text.js';
import { queryClauses } from '../kql/clauses.js';
import { compileKql, type EventPredicate } from '../kql/compile.js';
import { explainKql, type Explanation } from '../kql/explain.js';
import type { FieldTypeTable } from '../kql/compile-typed.js';
import { queryFields } from '../kql/query-fields.js';
import { fieldTypeTable, type FieldTypes } from '../ecs/field-types.js';
import { compileIndexFilter } from '../rule/index-patterns.js';
import type { Rule } from '../rule/schema.js';
import { fixedOffset, parseNamedDateMath } from './datemath.js';
import { combinationsOf } from './new-terms.js';
import type { EventRecord, VersionUnderTest } from './compare.js';

export type ReasonKind = 'index' | 'exclusion' | 'clause' | 'no-terms' | 'new-terms' | 'time' | 'schedule';

export interface DifferenceReason {
  kind: ReasonKind;
  /** One line for people. */
  text: string;
  /** The version whose decision is explained (the one that does not alert). */
  version: number;
  /** index: the pattern of the alerting version that covers the event. */
  pattern?: string;
  /** exclusion / clause: the KQL of the clause, and the event's values of its fields. */
  clause?: string;
  evidence?: string;
  /** new-terms: the combination, and the earlier occurrence that made it not new. */
  terms?: { fields: string[]; values: string[]; seenAt?: string; seenFile?: string; seenLine?: number };
}

export interface ReasonContext {
  versions: readonly VersionUnderTest[];
  records: readonly EventRecord[];
  /** How the versions' clauses read the events (the comparer's field types and clock). */
  typing?: ClauseTyping;
}

/** Field types and `now` for evaluating and explaining clauses, as the versions' predicates do. */
export interface ClauseTyping {
  fieldTypes?: FieldTypes | undefined;
  now?: number | undefined;
}

const UNTYPED: ClauseTyping = {};

interface Compiled {
  typing: ClauseTyping;
  table: FieldTypeTable | undefined;
  clauses: Array<{ node: KueryNode; test: EventPredicate }>;
  exclusions: Array<{ node: KueryNode; test: EventPredicate }>;
}

const compiledClauses = new WeakMap<KueryNode, Compiled>();

function clausesOf(ast: KueryNode, typing: ClauseTyping = UNTYPED): Compiled {
  let c = compiledClauses.get(ast);
  if (!c || c.typing !== typing) {
    const parts = queryClauses(ast);
    const table = typing.fieldTypes === undefined ? undefined : fieldTypeTable(typing.fieldTypes, queryFields(ast));
    const opts = { ...(table !== undefined && { fieldTypes: table }), ...(typing.now !== undefined && { now: typing.now }) };
    c = {
      typing,
      table,
      clauses: parts.clauses.map((node) => ({ node, test: compileKql(node, opts) })),
      exclusions: parts.exclusions.map((node) => ({ node, test: compileKql(node, opts) })),
    };
    compiledClauses.set(ast, c);
  }
  return c;
}

/** `field = "v"` for the leaves of an explanation (what the event holds in the clause's fields). */
function evidenceOf(e: Explanation, out: Map<string, string[]> = new Map()): Map<string, string[]> {
  switch (e.kind) {
    case 'is':
    case 'exists':
    case 'range':
      for (const f of e.fields) if (!out.has(f.field)) out.set(f.field, f.examined);
      if (e.fields.length === 0 && e.field !== null && !out.has(e.field)) out.set(e.field, []);
      break;
    case 'and':
    case 'or':
      for (const c of e.children) evidenceOf(c, out);
      break;
    case 'not':
      evidenceOf(e.child, out);
      break;
    case 'nested':
      if (e.child) evidenceOf(e.child, out);
      break;
    case 'match_all':
      break;
  }
  return out;
}

const shown = (vs: readonly string[]): string => (vs.length === 1 ? JSON.stringify(vs[0]) : `[${vs.map((v) => JSON.stringify(v)).join(', ')}]`);

function evidenceText(node: KueryNode, source: unknown, table?: FieldTypeTable): string {
  return [...evidenceOf(explainKql(node, source, table))]
    .slice(0, 3)
    .map(([f, vs]) => (vs.length === 0 ? `${f} missing` : `${f} = ${shown(vs)}`))
    .join(', ');
}

/**
 * The exclusion (one alternative of a top-level `not`) that drops `source` although every positive
 * clause of `ast` holds, with the event's values of its fields; undefined when none does.
 */
export function firingExclusion(ast: KueryNode, source: unknown, typing?: ClauseTyping): { clause: string; evidence: string } | undefined {
  const c = clausesOf(ast, typing);
  if (!c.clauses.every((x) => x.test(source))) return undefined;
  const hit = c.exclusions.find((x) => x.test(source));
  return hit ? { clause: toKqlText(hit.node), evidence: evidenceText(hit.node, source, c.table) } : undefined;
}

const short = (kql: string, max = 100): string => (kql.length > max ? `${kql.slice(0, max - 1)}…` : kql);

function historyMs(rule: Rule): number | undefined {
  if (rule.history_window_start === undefined) return undefined;
  try {
    const off = fixedOffset(parseNamedDateMath(rule.history_window_start, 'historyWindowStart'));
    return off === undefined ? undefined : -off;
  } catch {
    return undefined;
  }
}

/** Per record, its time under each distinct time-field setting (parsing dates is most of the cost). */
const timeCache = new WeakMap<EventRecord, Map<string, number | undefined>>();

function timeUnder(rule: Rule, r: EventRecord): number | undefined {
  const fields = timestampFieldsOf(rule);
  const key = `${fields.primary}\u0000${fields.secondary ?? ''}`;
  let m = timeCache.get(r);
  if (!m) {
    m = new Map();
    timeCache.set(r, m);
  }
  if (m.has(key)) return m.get(key);
  const t = eventTimeOf(r.event.source, fields);
  const ms = t.ok ? t.ms : undefined;
  m.set(key, ms);
  return ms;
}

interface Occurrence {
  rec: EventRecord;
  time: number;
}

/** Per version position, its matched events by combination key, in (time, input order). */
const occurrenceCache = new WeakMap<ReasonContext, Map<number, Map<string, Occurrence[]>>>();

function occurrencesOf(ctx: ReasonContext, k: number): Map<string, Occurrence[]> {
  let perVersion = occurrenceCache.get(ctx);
  if (!perVersion) {
    perVersion = new Map();
    occurrenceCache.set(ctx, perVersion);
  }
  let byCombo = perVersion.get(k);
  if (byCombo) return byCombo;
  byCombo = new Map();
  const rule = ctx.versions[k]!.rule;
  const fields = rule.new_terms_fields ?? [];
  for (const rec of ctx.records) {
    if (!rec.inIndex[k] || !rec.matched[k]) continue;
    const time = timeUnder(rule, rec);
    if (time === undefined) continue;
    for (const c of combinationsOf(rec.event.source, fields)) {
      const key = JSON.stringify(c);
      const list = byCombo.get(key);
      if (list) list.push({ rec, time });
      else byCombo.set(key, [{ rec, time }]);
    }
  }
  for (const list of byCombo.values()) list.sort((a, b) => a.time - b.time || a.rec.seq - b.rec.seq);
  perVersion.set(k, byCombo);
  return byCombo;
}

function duration(ms: number): string {
  const m = Math.round(ms / 60_000);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h${m % 60 ? ` ${m % 60}m` : ''}`;
  const d = Math.floor(h / 24);
  return `${d}d${h % 24 ? ` ${h % 24}h` : ''}`;
}

/**
 * The latest occurrence of `values` (a combination of version `k`'s new-terms fields) before `r` (by
 * time, then input order) among the events version `k` matched, within `reach` ms; undefined if none.
 */
function earlierOccurrence(ctx: ReasonContext, k: number, values: readonly string[], r: EventRecord, t: number, reach: number): Occurrence | undefined {
  const list = occurrencesOf(ctx, k).get(JSON.stringify(values)) ?? [];
  // Binary search for the first occurrence not before (t, r.seq).
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const o = list[mid]!;
    if (o.time < t || (o.time === t && o.rec.seq < r.seq)) lo = mid + 1;
    else hi = mid;
  }
  const prev = lo > 0 ? list[lo - 1] : undefined;
  return prev !== undefined && t - prev.time <= reach ? prev : undefined;
}

const where = (r: EventRecord): string => `${r.event.origin.file}:${r.event.origin.line}`;

/**
 * Explains why the version at position `silent` does not alert on `r` while the one at `loud` does.
 * `change` is from the later version's side: `lost` (the later one is silent) or `gained`.
 */
function explainSilence(ctx: ReasonContext, r: EventRecord, silent: number, loud: number, change: 'gained' | 'lost'): DifferenceReason {
  const S = ctx.versions[silent]!;
  const L = ctx.versions[loud]!;
  const vS = `v${S.version}`;
  const vL = `v${L.version}`;
  const src = r.event.source;

  if (!r.inIndex[silent]) {
    const index = r.event.index ?? '';
    const pattern = L.rule.index.find((p) => compileIndexFilter([p])(r.event.index)) ?? L.rule.index.join(', ');
    const text =
      change === 'lost'
        ? `index pattern no longer covers the event: ${JSON.stringify(index)} is outside ${vS}'s index (${S.rule.index.join(', ')}); ${vL} read it through ${pattern}`
        : `index pattern ${pattern} now covers the event: ${JSON.stringify(index)} was outside ${vS}'s index (${S.rule.index.join(', ')})`;
    return { kind: 'index', version: S.version, text, pattern };
  }

  if (!r.matched[silent]) {
    const c = clausesOf(S.ast, ctx.typing);
    const positivesHold = c.clauses.every((x) => x.test(src));
    const firing = positivesHold ? c.exclusions.find((x) => x.test(src)) : undefined;
    if (firing) {
      const clause = toKqlText(firing.node);
      const evidence = evidenceText(firing.node, src, c.table);
      const text = change === 'lost' ? `exclusion now fires: ${short(clause)} (${evidence})` : `exclusion no longer fires: ${short(clause)} (${evidence}), excluded by ${vS} only`;
      return { kind: 'exclusion', version: S.version, text, clause, evidence };
    }
    const failing = c.clauses.find((x) => !x.test(src));
    const node = failing?.node ?? S.ast;
    const clause = toKqlText(node);
    const evidence = evidenceText(node, src, c.table);
    const text =
      change === 'lost'
        ? `clause no longer holds: ${vS} requires ${short(clause)} (${evidence})`
        : `clause no longer required: ${vS} required ${short(clause)} (${evidence}), ${vL} does not`;
    return { kind: 'clause', version: S.version, text, clause, evidence };
  }

  const t = timeUnder(S.rule, r);
  if (t === undefined) {
    const f = timestampFieldsOf(S.rule);
    const fields = f.secondary ? `${f.primary} or ${f.secondary}` : f.primary;
    return { kind: 'time', version: S.version, text: `no usable ${fields}, ${vS}'s time field: no run of ${vS} can see the event` };
  }

  if (S.rule.type === 'new_terms') {
    const fields = S.rule.new_terms_fields ?? [];
    const combos = combinationsOf(src, fields);
    if (combos.length === 0) {
      const missing = fields.filter((f) => getKeywordTerms(src, f).length === 0);
      const text = `no value for ${missing.join(', ')}, ${missing.length > 1 ? 'new-terms fields' : 'a new-terms field'} of ${vS}: it has no pair to be new`;
      return { kind: 'no-terms', version: S.version, text, terms: { fields: [...fields], values: [] } };
    }
    const hist = historyMs(S.rule) ?? Number.POSITIVE_INFINITY;
    for (const values of combos) {
      const seen = earlierOccurrence(ctx, silent, values, r, t, hist);
      if (!seen) continue;
      const pair = `${fields.length > 1 ? 'pair' : 'value'} (${fields.join(', ')}) = ${shown(values)}`;
      const ago = duration(t - seen.time);
      const base = `${pair} already seen ${ago} earlier at ${formatTime(seen.time)} (${where(seen.rec)}), inside ${vS}'s ${S.rule.history_window_start} history`;
      const text = change === 'lost' ? `no longer new: ${base}${newUnder(ctx, loud, seen.rec, r, t)}` : `now new under ${vL}: under ${vS} the ${base}${newUnder(ctx, loud, seen.rec, r, t)}`;
      return {
        kind: 'new-terms',
        version: S.version,
        text,
        terms: { fields: [...fields], values, seenAt: formatTime(seen.time), seenFile: seen.rec.event.origin.file, seenLine: seen.rec.event.origin.line },
      };
    }
  }

  return {
    kind: 'schedule',
    version: S.version,
    text: `matched by ${vS}, but none of its simulated runs alerted on it (outside its runs, or max_signals ${S.rule.max_signals} cut the run)`,
  };
}

/** What the alerting version makes of the earlier occurrence: why it still finds the event new. */
function newUnder(ctx: ReasonContext, loud: number, seen: EventRecord, r: EventRecord, t: number): string {
  const L = ctx.versions[loud]!;
  const v = `v${L.version}`;
  if (L.rule.type !== 'new_terms') return `; ${v} is a query rule and alerts on every match`;
  if (!seen.inIndex[loud] || !seen.matched[loud]) return `; ${v} does not match that earlier event`;
  const fields = L.rule.new_terms_fields ?? [];
  const mine = combinationsOf(r.event.source, fields).map((c) => JSON.stringify(c));
  const theirs = new Set(combinationsOf(seen.event.source, fields).map((c) => JSON.stringify(c)));
  if (!mine.some((c) => theirs.has(c))) return `; under ${v}'s fields (${fields.join(', ')}) that earlier event is a different ${fields.length > 1 ? 'pair' : 'value'}`;
  const hist = historyMs(L.rule);
  const seenTime = timeUnder(L.rule, seen);
  if (hist !== undefined && seenTime !== undefined && t - seenTime > hist) return `; ${v}'s ${L.rule.history_window_start} history does not reach back to it`;
  return '';
}

/**
 * The reason for one difference between the versions at positions `a` (earlier) and `k` (later):
 * for a lost alert the later version is examined, for a gained one the earlier.
 */
export function explainDifference(ctx: ReasonContext, r: EventRecord, a: number, k: number, change: 'gained' | 'lost'): DifferenceReason {
  return change === 'lost' ? explainSilence(ctx, r, k, a, change) : explainSilence(ctx, r, a, k, change);
}
