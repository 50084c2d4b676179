import { describe, expect, it } from 'vitest';
import { renderRuleText, wrap } from '../../src/output/rule-text.js';
import { BUILTIN_RULE } from '../../src/rule/builtin.js';

describe('rule show text', () => {
  it('fits the width it is given, 80 columns included', () => {
    for (const width of [80, 120]) {
      for (const line of renderRuleText(BUILTIN_RULE, { width }).trimEnd().split('\n')) expect(line.length).toBeLessThanOrEqual(width);
    }
  });

  it('wraps at word boundaries, a word longer than the width standing alone', () => {
    expect(wrap('aa bb cc dd', 5)).toEqual(['aa bb', 'cc dd']);
    expect(wrap('a verylongword b', 4)).toEqual(['a', 'verylongword', 'b']);
  });
});
