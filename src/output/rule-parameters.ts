/**
 * `rule show`'s account of the rule file's keys (rule/parameters.ts): grouped by what the tool does
 * with them, the ones it does not apply each on its own line with what Kibana would do.
 */
import type { ParameterFinding } from '../rule/parameter-check.js';
import { describeFinding } from '../rule/parameter-check.js';

const GROUPS: { treatment: ParameterFinding['treatment']; title: string; detailed: boolean }[] = [
  { treatment: 'honoured', title: 'applied as Kibana applies them', detailed: false },
  { treatment: 'carried', title: 'carried into the alerts unchanged', detailed: false },
  { treatment: 'not-sent', title: 'never sent to Kibana (repository metadata, or set by Kibana)', detailed: false },
  { treatment: 'warned', title: 'NOT applied (they do not change which alerts are written or what they say)', detailed: true },
  { treatment: 'refused', title: 'NOT applied, and they change which alerts Kibana writes or what they say (refused without --allow-unsupported)', detailed: true },
  { treatment: 'unknown', title: "unknown keys, ignored (not in Kibana's rule schema)", detailed: true },
];

export function renderRuleParameters(findings: readonly ParameterFinding[], where: string): string {
  if (findings.length === 0) return '';
  const lines = [`rule parameters (${where}):`];
  for (const g of GROUPS) {
    const group = findings.filter((f) => f.treatment === g.treatment);
    if (group.length === 0) continue;
    lines.push(`  ${g.title}:`);
    if (!g.detailed) {
      lines.push(`    ${group.map((f) => f.path).join(', ')}`);
      continue;
    }
    for (const f of group) lines.push(`    - ${describeFinding(f)}${f.inEffect ? '' : ' (empty here: no effect)'}`);
  }
  return `${lines.join('\n')}\n`;
}
