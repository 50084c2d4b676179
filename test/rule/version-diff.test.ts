import { describe, expect, it } from 'vitest';
import { parseKql } from '../../src/kql/parse.js';
import { describeRuleChanges } from '../../src/rule/version-diff.js';
import { versionHistory } from '../../src/rule/version-history.js';
import { loadRuleVersion } from '../../src/rule/versions.js';

const withAst = (v: number) => {
  const rule = loadRuleVersion(v);
  return { rule, ast: parseKql(rule.query) };
};
const changes = (a: number, b: number) => describeRuleChanges(withAst(a), withAst(b)).map((c) => c.text);

describe('describeRuleChanges on the released versions', () => {
  it('210 → 211: one parent name and one parent-executable pattern excluded', () => {
    expect(changes(210, 211)).toEqual([
      'exclusion process.parent.name: value added: newrelic-infra',
      'exclusion added: process.parent.executable:/var/lib/dpkg/info/linux-modules*-generic.post*',
    ]);
  });

  it('213 → 214: Endgame dropped, exec_event dropped, fields and window cut, new exclusions', () => {
    const c = changes(213, 214);
    expect(c).toContain('index removed: endgame-*');
    expect(c).toContain('clause event.action: value removed: exec_event');
    expect(c).toContain('new-terms fields process.executable, process.parent.executable → process.executable');
    expect(c).toContain('history window now-14d → now-5d');
    expect(c.filter((t) => t.startsWith('exclusion'))).toHaveLength(3);
  });

  it('4 → 5: the time field moves to event.ingested; 2 → 3: the look-back grows', () => {
    expect(changes(4, 5)).toEqual(['time field @timestamp → event.ingested (else @timestamp)']);
    expect(changes(2, 3)).toEqual(['look-back now-6m..now → now-9m..now']);
  });

  it('finds no change between byte-identical versions', () => {
    expect(changes(211, 212)).toEqual([]);
    expect(changes(6, 7)).toEqual([]);
  });
});

describe('versionHistory', () => {
  it('counts v204 from v103 (v104 is EQL) and lists v104 without evaluating it', () => {
    const rows = versionHistory();
    const v104 = rows.find((r) => r.version === 104)!;
    expect(v104.evaluable).toBe(false);
    expect(v104.changes[0]!.text).toMatch(/EQL/);
    const v204 = rows.find((r) => r.version === 204)!;
    expect(v204.comparedWith).toBe(103);
    expect(v204.changes.map((c) => c.text)).toContain('type query → new_terms');
    expect(v204.newTermsFields).toEqual(['process.parent.name', 'host.id']);
    expect(v204.historyWindow).toBe('now-14d');
  });
});
