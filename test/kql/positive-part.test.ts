import { describe, expect, it } from 'vitest';
import { compileKql } from '../../src/kql/compile.js';
import { parseKql } from '../../src/kql/parse.js';
import { toKqlText } from '../../src/kql/clause-text.js';
import { withoutExclusions } from '../../src/kql/positive-part.js';
import { BUILTIN_RULE } from '../../src/rule/builtin.js';

describe('the query without its top-level exclusions', () => {
  it('drops the rule\'s parent-name exclusion and keeps every positive clause', () => {
    const pos = withoutExclusions(parseKql(BUILTIN_RULE.query))!;
    expect(toKqlText(pos)).not.toContain('process.parent.name');
    const excluded = { event: { category: 'process', type: 'start', action: 'exec' }, host: { os: { type: 'linux' } }, process: { name: 'lsmod', parent: { name: 'systemd' } } };
    expect(compileKql(BUILTIN_RULE.query)(excluded)).toBe(false);
    expect(compileKql(pos)(excluded)).toBe(true);
  });

  it('flattens nested and chains', () => {
    expect(toKqlText(withoutExclusions(parseKql('(a:1 and not b:2) and c:3'))!)).toBe('a:1 and c:3');
  });

  it('is null when there is no exclusion, or nothing else', () => {
    expect(withoutExclusions(parseKql('a:1 and b:2'))).toBeNull();
    expect(withoutExclusions(parseKql('not a:1'))).toBeNull();
    expect(withoutExclusions(parseKql('a:1 or not b:2'))).toBeNull();
  });
});
