import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BUILTIN_RULE } from '../../src/rule/builtin.js';
import { compileIndexFilter, dataStreamOf } from '../../src/rule/index-patterns.js';

describe('dataStreamOf', () => {
  it('names the data stream of dated and undated backing indices', () => {
    expect(dataStreamOf('.ds-logs-endpoint.events.process-default-2024.05.14-000001')).toBe('logs-endpoint.events.process-default');
    expect(dataStreamOf('.ds-logs-foo-bar-000007')).toBe('logs-foo-bar');
    expect(dataStreamOf('logs-endpoint.events.process-default')).toBeUndefined();
    expect(dataStreamOf('endgame-8.4.0-000001')).toBeUndefined();
  });
});

describe('compileIndexFilter', () => {
  const rule = compileIndexFilter(BUILTIN_RULE.index ?? []);

  it('lets the v210 rule see Defend backing indices, data streams and Endgame indices', () => {
    expect(BUILTIN_RULE.index).toEqual(['logs-endpoint.events.*', 'endgame-*']);
    for (const i of [
      '.ds-logs-endpoint.events.process-default-2024.05.14-000001',
      '.ds-logs-endpoint.events.network-prod-2023.11.02-000042',
      'logs-endpoint.events.process-default',
      'endgame-8.4.0-000001',
    ]) {
      expect(rule(i)).toBe(true);
    }
  });

  it('keeps everything else out', () => {
    for (const i of [
      '.ds-auditbeat-8.13.4-2024.05.10-000001',
      '.ds-logs-windows.sysmon_operational-default-2024.05.14-000001',
      'logs-endpoint.alerts-default',
      '.ds-logs-endpoint.eventsX-2024.05.14-000001',
      'endgame',
      'my-endgame-1',
    ]) {
      expect(rule(i)).toBe(false);
    }
  });

  it('evaluates events that carry no index', () => {
    expect(rule(undefined)).toBe(true);
  });

  it('reads comma lists and applies -exclusions to what came before them', () => {
    const f = compileIndexFilter(['logs-*,-logs-test*', 'logs-test-keep']);
    expect(f('logs-a')).toBe(true);
    expect(f('logs-test-x')).toBe(false);
    expect(f('.ds-logs-test-x-2024.01.01-000001')).toBe(false);
    expect(f('logs-test-keep')).toBe(true); // re-included by a later expression
    expect(compileIndexFilter(['-logs-*', 'logs-*'])('logs-a')).toBe(true);
  });

  it('matches names literally apart from *', () => {
    const f = compileIndexFilter(['logs.a?b+(c)']);
    expect(f('logs.a?b+(c)')).toBe(true);
    expect(f('logsXaab+(c)')).toBe(false);
  });

  it('does not reach dot-prefixed names by wildcard unless the pattern starts with a dot', () => {
    expect(compileIndexFilter(['*'])('.internal-index')).toBe(false);
    expect(compileIndexFilter(['*'])('.ds-logs-a-2024.01.01-000001')).toBe(true); // via its data stream
    expect(compileIndexFilter(['.ds-logs-*'])('.ds-logs-a-2024.01.01-000001')).toBe(true);
    expect(compileIndexFilter(['.internal-index'])('.internal-index')).toBe(true);
  });

  it('lets everything through when there are no patterns', () => {
    expect(compileIndexFilter([])('anything')).toBe(true);
  });

  it('a backing index is in scope exactly when its data stream is (property)', () => {
    const seg = fc.stringMatching(/^[a-z][a-z0-9.]{0,8}$/);
    fc.assert(
      fc.property(fc.array(seg, { minLength: 1, maxLength: 4 }), fc.array(fc.tuple(seg, fc.boolean(), fc.boolean()), { minLength: 1, maxLength: 4 }), (parts, pats) => {
        const stream = parts.join('-');
        const patterns = pats.map(([p, star, neg]) => `${neg ? '-' : ''}${p}${star ? '*' : ''}`);
        const f = compileIndexFilter(patterns);
        expect(f(`.ds-${stream}-2024.05.14-000001`)).toBe(f(stream));
      }),
      { numRuns: 300 },
    );
  });
});
