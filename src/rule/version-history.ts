/**
 * One row per released version of the built-in rule: its parameters and what changed from the
 * version before it (the previous *evaluable* version when the one just before is EQL, saying so).
 */
import { parseKql } from '../kql/parse.js';
import { describeRuleChanges, type RuleChange } from './version-diff.js';
import { loadRuleVersion, ruleVersions, type RuleVersionInfo } from './versions.js';

export interface VersionRow extends RuleVersionInfo {
  index: string[];
  newTermsFields: string[];
  historyWindow: string | null;
  /** The version the changes are counted from; null for the first version. */
  comparedWith: number | null;
  changes: RuleChange[];
}

export function versionHistory(): VersionRow[] {
  const rows: VersionRow[] = [];
  let prev: { version: number; rule: ReturnType<typeof loadRuleVersion>; ast: ReturnType<typeof parseKql> } | undefined;
  for (const info of ruleVersions()) {
    if (!info.evaluable) {
      rows.push({
        ...info,
        index: [],
        newTermsFields: [],
        historyWindow: null,
        comparedWith: prev?.version ?? null,
        changes: [{ kind: 'type', text: `rewritten in ${info.language.toUpperCase()} (type ${info.type}): not evaluated by kmod-enum-detect` }],
      });
      continue;
    }
    const rule = loadRuleVersion(info.version);
    const ast = parseKql(rule.query);
    const nt = rule.type === 'new_terms';
    rows.push({
      ...info,
      index: [...rule.index],
      newTermsFields: nt ? [...(rule.new_terms_fields ?? [])] : [],
      historyWindow: nt ? (rule.history_window_start ?? null) : null,
      comparedWith: prev?.version ?? null,
      changes: prev ? describeRuleChanges(prev, { rule, ast }) : [],
    });
    prev = { version: info.version, rule, ast };
  }
  return rows;
}
