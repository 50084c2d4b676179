/** `explain --all-versions` for people: per event, the versions whose query matches it, and why not for the others. */
import type { ChalkInstance } from 'chalk';
import type { VerdictGroup } from '../engine/version-verdicts.js';
import { sanitize } from './text.js';

/** `v1–v7, v100–v103`: runs of consecutive version numbers. */
export function versionList(versions: readonly number[]): string {
  const out: string[] = [];
  for (let i = 0; i < versions.length; ) {
    let j = i;
    while (j + 1 < versions.length && versions[j + 1] === versions[j]! + 1) j++;
    out.push(i === j ? `v${versions[i]}` : `v${versions[i]}–v${versions[j]}`);
    i = j + 1;
  }
  return out.join(', ');
}

export function renderVersionVerdicts(head: string, groups: readonly VerdictGroup[], chalk: ChalkInstance): string {
  const lines = [head];
  const matched = groups.find((g) => g.matched);
  lines.push(`  ${chalk.green('matches:')} ${matched ? versionList(matched.versions) : 'no version'}`);
  for (const g of groups) {
    if (g.matched) continue;
    lines.push(`  ${chalk.red(`${versionList(g.versions)}:`)} ${sanitize(g.why)}`);
  }
  return `${lines.join('\n')}\n`;
}
