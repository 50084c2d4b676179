/**
 * Per event, every version's verdict: in its index scope or not, matched by its query or not, and why
 * not (the first clause that failed, or the exclusion that fired, as src/kql/explain.ts says it).
 * What `explain --all-versions` prints.
 */
import { explainKql, summarizeExplanation } from '../kql/explain.js';
import { compileIndexFilter, type IndexFilter } from '../rule/index-patterns.js';
import type { SourceEvent } from '../io/types.js';
import type { VersionUnderTest } from './compare.js';
import { firingExclusion, type ClauseTyping } from './compare-reasons.js';
import { fieldTypeTable } from '../ecs/field-types.js';
import { queryFields } from '../kql/query-fields.js';

export interface VersionVerdict {
  version: number;
  inIndex: boolean;
  matched: boolean;
  /** Why it matched (the branch taken) or why not; for an event outside the index, that. */
  why: string;
}

export interface VerdictGroup {
  /** Versions sharing the verdict and the reason, oldest first. */
  versions: number[];
  matched: boolean;
  why: string;
}

/** `typing`: the field types (and `now`) the versions' queries read events with; default keywords. */
export function createVersionVerdicts(versions: readonly VersionUnderTest[], typing: ClauseTyping = {}): (ev: SourceEvent) => VersionVerdict[] {
  const filters: IndexFilter[] = versions.map((v) => compileIndexFilter(v.rule.index));
  const tables = versions.map((v) => (typing.fieldTypes === undefined ? undefined : fieldTypeTable(typing.fieldTypes, queryFields(v.ast))));
  return (ev) =>
    versions.map((v, k) => {
      const inIndex = filters[k]!(ev.index);
      const summary = summarizeExplanation(explainKql(v.ast, ev.source, tables[k]));
      if (!inIndex) {
        const also = summary.matched ? 'its query matches' : `and ${summary.text}`;
        return { version: v.version, inIndex, matched: false, why: `index ${JSON.stringify(ev.index)} is outside ${v.rule.index.join(', ')} (${also})` };
      }
      // Name the one excluded condition that fired rather than the whole (long) `not (…)`.
      const fired = summary.failure?.reason === 'exclusion' ? firingExclusion(v.ast, ev.source, typing) : undefined;
      const why = fired ? `excluded by ${fired.clause} (${fired.evidence})` : summary.text;
      return { version: v.version, inIndex, matched: summary.matched, why };
    });
}

/** Verdicts grouped by outcome and reason, in the order each group first appears. */
export function groupVerdicts(verdicts: readonly VersionVerdict[]): VerdictGroup[] {
  const groups = new Map<string, VerdictGroup>();
  for (const v of verdicts) {
    const key = `${v.matched ? 1 : 0}\u0000${v.matched ? '' : v.why}`;
    const g = groups.get(key);
    if (g) g.versions.push(v.version);
    else groups.set(key, { versions: [v.version], matched: v.matched, why: v.matched ? 'matched' : v.why });
  }
  return [...groups.values()].sort((a, b) => Number(b.matched) - Number(a.matched));
}
