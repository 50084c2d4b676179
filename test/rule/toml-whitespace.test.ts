import { describe, expect, it } from 'vitest';
import { BUILTIN_RULE } from '../../src/rule/builtin.js';
import { loadRuleFile } from '../../src/rule/load.js';
import { cleanupWhitespace, normalizeWhitespace } from '../../src/rule/toml-whitespace.js';

const fixture = (name: string) => new URL(`../../fixtures/rules/${name}`, import.meta.url).pathname;

describe("a TOML rule's text as the detection-rules package build ships it (rule_formatter.py nested_normalize)", () => {
  it('joins wrapped lines with one space and trims each', () => {
    expect(cleanupWhitespace('\n  First line\n   second line  \r\nthird\n')).toBe('First line second line third');
  });

  it('leaves query as written and keeps the lines of note and setup, at any depth of tables and arrays', () => {
    const out = normalizeWhitespace({ query: 'a:b\nand c:d\n', note: '# Guide\n\n- step\n', setup: 'x\ny', false_positives: ['one\ntwo'], threat: [{ tactic: { name: ' Discovery\n' } }] });
    expect(out).toEqual({ query: 'a:b\nand c:d\n', note: '# Guide\n\n- step\n', setup: 'x\ny', false_positives: ['one two'], threat: [{ tactic: { name: 'Discovery' } }] });
  });

  it('makes the v210 TOML say what the released package says: description, false positives, note and setup', async () => {
    const rule = await loadRuleFile(fixture('discovery_kernel_module_enumeration.toml'));
    expect(rule.description).toBe(BUILTIN_RULE.description);
    expect(rule.false_positives).toEqual(BUILTIN_RULE.false_positives);
    expect(rule.query).toBe(BUILTIN_RULE.query);
  });
});
