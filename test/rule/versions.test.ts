import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseKql } from '../../src/kql/parse.js';
import { BUILTIN_RULE } from '../../src/rule/builtin.js';
import { parseRuleText } from '../../src/rule/load.js';
import type { Rule } from '../../src/rule/schema.js';
import { describeVersionRanges, evaluableVersions, loadRuleVersion, ruleVersions, RuleVersionError } from '../../src/rule/versions.js';

const KUERY = [1, 2, 3, 4, 5, 6, 7, 100, 101, 102, 103, 204, 205, 206, 207, 208, 209, 210, 211, 212, 213, 214, 215];
const semantics = (r: Rule) => ({
  rule_id: r.rule_id, name: r.name, type: r.type, language: r.language, query: r.query.trim(), index: r.index,
  from: r.from, to: r.to, interval: r.interval, max_signals: r.max_signals, timestamp_override: r.timestamp_override,
  new_terms_fields: r.new_terms_fields, history_window_start: r.history_window_start, severity: r.severity, risk_score: r.risk_score,
});

describe('built-in rule versions', () => {
  it('lists every released version, EQL v104 included, oldest first', () => {
    expect(ruleVersions().map((v) => v.version)).toEqual([...KUERY.slice(0, 11), 104, ...KUERY.slice(11)]);
    expect(evaluableVersions()).toEqual(KUERY);
    expect(describeVersionRanges(evaluableVersions())).toBe('1–7, 100–103, 204–215');
  });

  it('loads every kuery version through the rule loader, numbered as released, with a query that parses', () => {
    for (const v of KUERY) {
      const rule = loadRuleVersion(v);
      expect(rule.version).toBe(v);
      expect(rule.rule_id).toBe(BUILTIN_RULE.rule_id);
      expect(rule.type).toBe(v < 200 ? 'query' : 'new_terms');
      expect(() => parseKql(rule.query)).not.toThrow();
    }
  });

  it('gives the package rule for the default 210, and its TOML says the same', () => {
    expect(loadRuleVersion(210)).toBe(BUILTIN_RULE);
    const toml = readFileSync(new URL('../../src/rule/versions/v210.toml', import.meta.url), 'utf8');
    const fromToml = parseRuleText(toml, 'v210.toml');
    expect(semantics(fromToml)).toEqual(semantics(BUILTIN_RULE));
  });

  it('keeps the released parameters that differ between versions (look-back, time field, window)', () => {
    expect(loadRuleVersion(1).from).toBe('now-6m');
    expect(loadRuleVersion(1).timestamp_override).toBeUndefined();
    expect(loadRuleVersion(3).from).toBe('now-9m');
    expect(loadRuleVersion(5).timestamp_override).toBe('event.ingested');
    expect(loadRuleVersion(214).new_terms_fields).toEqual(['process.executable']);
    expect(loadRuleVersion(214).history_window_start).toBe('now-5d');
    expect(loadRuleVersion(214).index).toEqual(['logs-endpoint.events.*']);
  });

  it('refuses EQL v104 by saying what it is and which versions can run', () => {
    const err = (() => {
      try {
        loadRuleVersion(104);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(RuleVersionError);
    expect((err as Error).message).toContain('version 104');
    expect((err as Error).message).toContain('EQL');
    expect((err as Error).message).toContain('1–7, 100–103, 204–215');
  });

  it('refuses a version that was never released', () => {
    expect(() => loadRuleVersion(9)).toThrow(/no version 9 .*1–7, 100–103, 204–215/);
  });

  it('prints the corrected date of v5 and says why', () => {
    const v5 = ruleVersions().find((v) => v.version === 5)!;
    expect(v5.date).toBe('2021/02/16');
    expect(v5.dateNote).toMatch(/typo/);
  });
});
