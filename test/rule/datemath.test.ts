import { describe, expect, it } from 'vitest';
import { DateMathError, parseDateMath } from '../../src/rule/datemath.js';

const now = new Date('2024-05-14T09:30:15.123Z');

describe('parseDateMath', () => {
  it('subtracts fixed units from now', () => {
    expect(parseDateMath('now-14d', now).toISOString()).toBe('2024-04-30T09:30:15.123Z');
    expect(parseDateMath('now-9m', now).toISOString()).toBe('2024-05-14T09:21:15.123Z');
    expect(parseDateMath('now', now).toISOString()).toBe(now.toISOString());
    expect(parseDateMath('now+1h-30s', now).toISOString()).toBe('2024-05-14T10:29:45.123Z');
  });

  it('does calendar arithmetic for months and years (clamping to month end), and rounds down with /unit', () => {
    expect(parseDateMath('now-1M', new Date('2024-03-31T00:00:00Z')).toISOString()).toBe('2024-02-29T00:00:00.000Z');
    expect(parseDateMath('now-1y/d', now).toISOString()).toBe('2023-05-14T00:00:00.000Z');
    // moment's startOf('week') in Kibana's default locale starts weeks on Sunday.
    expect(parseDateMath('now/w', now).toISOString()).toBe('2024-05-12T00:00:00.000Z');
  });

  it('accepts absolute dates with optional math after ||', () => {
    expect(parseDateMath('2024-01-01T00:00:00Z||-1d', now).toISOString()).toBe('2023-12-31T00:00:00.000Z');
  });

  it('rejects what it cannot read, naming the expression', () => {
    expect(() => parseDateMath('now-14x', now)).toThrow(DateMathError);
    expect(() => parseDateMath('yesterday', now)).toThrow(/yesterday/);
  });
});
