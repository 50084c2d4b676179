/**
 * What changed between two versions of a rule, in words: clauses and exclusions added or removed
 * (from the parsed queries, src/kql/clauses.ts), index patterns, new-terms fields, history window,
 * type, schedule (interval, look-back, time field, max_signals), name and severity. Pure.
 */
import type { KueryNode } from '../kql/ast.js';
import { diffClauses, type ClauseChange } from '../kql/clauses.js';
import type { Rule } from './schema.js';

export type RuleChangeKind = 'type' | 'name' | 'index' | 'clause' | 'exclusion' | 'fields' | 'window' | 'schedule' | 'severity';

export interface RuleChange {
  kind: RuleChangeKind;
  /** One phrase for people: `exclusion added: process.parent.name:newrelic-infra`. */
  text: string;
  /** For clause and exclusion changes: the change as computed on the queries. */
  clause?: ClauseChange;
}

export interface RuleWithQuery {
  rule: Rule;
  ast: KueryNode;
}

const list = (xs: readonly string[] | undefined): string => (xs === undefined || xs.length === 0 ? '(none)' : xs.join(', '));

function setDiff(kind: RuleChangeKind, what: string, a: readonly string[], b: readonly string[]): RuleChange[] {
  const out: RuleChange[] = [];
  const removed = a.filter((x) => !b.includes(x));
  const added = b.filter((x) => !a.includes(x));
  if (removed.length > 0) out.push({ kind, text: `${what} removed: ${removed.join(', ')}` });
  if (added.length > 0) out.push({ kind, text: `${what} added: ${added.join(', ')}` });
  return out;
}

/** The rule's time field as the engine reads it (timestamp_override, falling back to @timestamp). */
export const timeFieldOf = (r: Rule): string =>
  r.timestamp_override === undefined ? '@timestamp' : `${r.timestamp_override}${r.timestamp_override_fallback_disabled ? '' : ' (else @timestamp)'}`;

export function describeRuleChanges(before: RuleWithQuery, after: RuleWithQuery): RuleChange[] {
  const a = before.rule;
  const b = after.rule;
  const out: RuleChange[] = [];
  if (a.type !== b.type) out.push({ kind: 'type', text: `type ${a.type} → ${b.type}` });
  if (a.name !== b.name) out.push({ kind: 'name', text: `renamed "${b.name}"` });
  out.push(...setDiff('index', 'index', a.index, b.index));
  for (const c of diffClauses(before.ast, after.ast)) {
    const what = c.kind === 'clause' ? (c.field !== undefined ? `clause ${c.field}: value` : 'clause') : c.field !== undefined ? `exclusion ${c.field}: value` : 'exclusion';
    const shown = c.values !== undefined ? c.values.join(', ') : c.text;
    const plural = c.values !== undefined && c.values.length > 1 ? 's' : '';
    out.push({ kind: c.kind, text: `${what}${plural} ${c.change}: ${shown}`, clause: c });
  }
  const fa = a.type === 'new_terms' ? (a.new_terms_fields ?? []) : [];
  const fb = b.type === 'new_terms' ? (b.new_terms_fields ?? []) : [];
  if (fa.join('\u0000') !== fb.join('\u0000')) out.push({ kind: 'fields', text: `new-terms fields ${list(fa)} → ${list(fb)}` });
  const wa = a.type === 'new_terms' ? a.history_window_start : undefined;
  const wb = b.type === 'new_terms' ? b.history_window_start : undefined;
  if (wa !== wb && wb !== undefined) out.push({ kind: 'window', text: wa === undefined ? `history window ${wb}` : `history window ${wa} → ${wb}` });
  if (a.interval !== b.interval) out.push({ kind: 'schedule', text: `interval ${a.interval} → ${b.interval}` });
  if (a.from !== b.from || a.to !== b.to) out.push({ kind: 'schedule', text: `look-back ${a.from}..${a.to} → ${b.from}..${b.to}` });
  if (timeFieldOf(a) !== timeFieldOf(b)) out.push({ kind: 'schedule', text: `time field ${timeFieldOf(a)} → ${timeFieldOf(b)}` });
  if (a.max_signals !== b.max_signals) out.push({ kind: 'schedule', text: `max_signals ${a.max_signals} → ${b.max_signals}` });
  if (a.severity !== b.severity || a.risk_score !== b.risk_score) {
    out.push({ kind: 'severity', text: `severity ${a.severity}/${a.risk_score} → ${b.severity}/${b.risk_score}` });
  }
  return out;
}
