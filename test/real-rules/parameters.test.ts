import { describe, expect, it } from 'vitest';
import { checkCorpus, tomlFiles } from './parameters.js';

const SAMPLE = new URL('./parameter-sample', import.meta.url).pathname;

describe("Elastic's rules (committed sample): no parameter dropped without a warning", () => {
  const rep = checkCorpus(tomlFiles(SAMPLE));

  it('loads every query and new_terms rule of the sample', () => {
    expect(rep.kueryRules).toBe(rep.files);
    expect(rep.kueryRules).toBeGreaterThanOrEqual(9);
  });

  it('keeps the value of every key it applies or carries, and names every other one in a warning and in rule show', () => {
    expect(rep.dropped).toEqual([]);
    expect(rep.unnamed).toEqual([]);
  });

  it('refuses none of them: filters, exception lists (with --exceptions) and suppression are applied', () => {
    expect(Object.keys(rep.refusedBy)).toEqual([]);
    for (const key of ['rule.filters', 'rule.exceptions_list']) expect(rep.present[key], key).toBeGreaterThan(0);
  });

  it('covers the parameters that set alert fields from event values and the TOML-only tables', () => {
    for (const key of ['rule.rule_name_override', 'rule.severity_mapping', 'rule.risk_score_mapping', 'rule.building_block_type', 'rule.investigation_fields', 'transform', 'rule.new_terms', 'rule.alert_suppression', 'metadata.integration']) {
      expect(rep.present[key], key).toBeGreaterThan(0);
    }
  });
});
