import { describe, expect, it } from 'vitest';
import { BUILTIN_RULE } from '../../src/rule/builtin.js';
import { loadRuleFile, parseRuleText, RuleFileError } from '../../src/rule/load.js';

const fixture = (name: string) => new URL(`../../fixtures/rules/${name}`, import.meta.url).pathname;

/** The parameters that decide what a rule detects and when. */
const semantics = (r: typeof BUILTIN_RULE) => ({
  rule_id: r.rule_id, name: r.name, type: r.type, language: r.language, query: r.query, index: r.index,
  from: r.from, to: r.to, interval: r.interval, max_signals: r.max_signals, timestamp_override: r.timestamp_override,
  new_terms_fields: r.new_terms_fields, history_window_start: r.history_window_start, severity: r.severity,
  risk_score: r.risk_score, tags: r.tags, threat: r.threat,
});

describe('loadRuleFile', () => {
  it('reads the prebuilt-rules package JSON into the built-in rule', async () => {
    // The built-in rule's own file, read as a user's --rule file.
    const packaged = new URL('../../src/rule/builtin/2d8043ed-5bda-4caf-801c-c1feb7410504_210.json', import.meta.url).pathname;
    expect(await loadRuleFile(packaged)).toEqual(BUILTIN_RULE);
  });

  it('reads detection-rules TOML, including [rule.new_terms] and [[rule.threat]], to the same detection', async () => {
    const rule = await loadRuleFile(fixture('discovery_kernel_module_enumeration.toml'));
    expect(semantics(rule)).toEqual(semantics(BUILTIN_RULE));
    // detection-rules keeps versions in version.lock, not in the TOML.
    expect(rule.version).toBe(1);
  });

  it('picks the one rule of a Kibana export and skips the export summary', async () => {
    const rule = await loadRuleFile(fixture('kibana_export_one_rule.ndjson'));
    expect(rule.name).toBe('Kernel module loaded with insmod');
    expect(rule.type).toBe('query');
  });

  it('refuses an export with several rules unless one is chosen, listing names and rule_ids', async () => {
    const err = await loadRuleFile(fixture('kibana_export_two_rules.ndjson')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RuleFileError);
    const msg = (err as Error).message;
    expect(msg).toContain('kibana_export_two_rules.ndjson');
    expect(msg).toContain('Enumeration of Kernel Modules (rule_id 2d8043ed-5bda-4caf-801c-c1feb7410504');
    expect(msg).toContain('Kernel module loaded with insmod (rule_id b9e1f0c2-3d4a-4b5c-8e6f-7a8b9c0d1e2f');
    const chosen = await loadRuleFile(fixture('kibana_export_two_rules.ndjson'), { ruleId: '2d8043ed-5bda-4caf-801c-c1feb7410504' });
    expect(semantics(chosen)).toEqual(semantics(BUILTIN_RULE));
    expect(chosen.version).toBe(210);
    await expect(loadRuleFile(fixture('kibana_export_two_rules.ndjson'), { ruleId: 'nope' })).rejects.toThrow(/no rule with rule_id "nope"/);
  });

  it('refuses an EQL rule, naming the file, its type and what is supported', async () => {
    await expect(loadRuleFile(fixture('eql_kernel_module_enumeration.toml'))).rejects.toThrow(
      /eql_kernel_module_enumeration\.toml: rule "Kernel Module Enumeration \(EQL\)" has type "eql".*supported: type "query" or "new_terms" with language "kuery"/,
    );
  });

  it('refuses a lucene query rule', async () => {
    await expect(loadRuleFile(fixture('lucene_query_rule.json'))).rejects.toThrow(/is written in "lucene"/);
  });

  it('reports broken TOML with the line, column and the offending text', async () => {
    const err = (await loadRuleFile(fixture('broken_unterminated_string.toml')).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(RuleFileError);
    expect(err.message).toMatch(/broken_unterminated_string\.toml: invalid TOML at line 7, column \d+/);
    expect(err.message).toContain('description = "This rule');
    expect(err.message).toContain('missing its closing quote');
  });

  it('renders schema problems as file, path and expectation', async () => {
    const err = (await loadRuleFile(fixture('invalid_risk_score.json')).catch((e: unknown) => e)) as Error;
    expect(err.message).toContain('invalid_risk_score.json: not a valid rule:');
    expect(err.message).toMatch(/- risk_score: .*expected number/);
    expect(err.message).toMatch(/- severity: /);
    expect(err.message).toMatch(/- index: /);
  });

  it('says so when the file cannot be read', async () => {
    await expect(loadRuleFile(fixture('missing.toml'))).rejects.toThrow(/missing\.toml: cannot read/);
  });
});

describe('parseRuleText', () => {
  const plain = JSON.stringify({
    rule_id: 'r1', name: 'n', type: 'query', query: 'process.name:lsmod', index: ['x-*'], severity: 'low', risk_score: 1,
  });

  it('reads a plain rule JSON and defaults the language of a query rule to kuery', () => {
    expect(parseRuleText(plain, 'rule.json')).toMatchObject({ rule_id: 'r1', language: 'kuery', interval: '5m' });
  });

  it('puts a schema path of a TOML rule under rule.', () => {
    const text = '[rule]\nname = "n"\nrule_id = "r"\ntype = "query"\nlanguage = "kuery"\nquery = "a:b"\nindex = ["i"]\nseverity = "low"\nrisk_score = 500\n';
    expect(() => parseRuleText(text, 'r.toml')).toThrow(/- rule\.risk_score: /);
  });

  it('refuses the query through the given validator, quoting its message', () => {
    const validateQuery = (q: string) => {
      if (q.includes('lsmod')) throw new Error('Expected value but end of input found.\nprocess.name:\n-------------^');
    };
    expect(() => parseRuleText(plain, 'rule.json', { validateQuery })).toThrow(/rule\.json: the query of rule "n" does not parse:\nExpected value.*\n.*\n-+\^/);
  });
});

describe('query validation with the KQL parser', () => {
  const ruleWith = (query: string) =>
    JSON.stringify({ rule_id: 'r', name: 'broken', type: 'query', query, index: ['i'], severity: 'low', risk_score: 1 });

  it('refuses a rule whose query does not parse, with the file name and a caret under the spot', () => {
    expect(() => parseRuleText(ruleWith('process.name:(lsmod or'), 'bad.json')).toThrow(
      /^bad\.json: the query of rule "broken" does not parse:\nExpected .* found\.\nprocess\.name:\(lsmod or\n-+\^$/,
    );
  });

  it('points into the right line of a multi-line query', () => {
    const err = (() => {
      try {
        parseRuleText(ruleWith('event.category:process and\nprocess.name:'), 'bad.json');
      } catch (e) {
        return e as Error;
      }
      throw new Error('accepted');
    })();
    expect(err.message).toMatch(/line 2, column 14: Expected/);
    expect(err.message.split('\n').slice(-2)).toEqual(['process.name:', '-------------^']);
  });

  it('accepts the built-in rule query', () => {
    expect(BUILTIN_RULE.query).toContain('process.parent.name');
  });
});
