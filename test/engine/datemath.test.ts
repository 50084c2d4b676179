import { describe, expect, it } from 'vitest';
import {
  DateMathError,
  evalDateMath,
  evaluateDateMath,
  HISTORY_WINDOW_TOO_SMALL,
  parseDateMath,
  parseInterval,
  parseNamedDateMath,
  validateHistoryWindowStart,
} from '../../src/engine/datemath.js';

const NOW = Date.parse('2024-05-14T09:21:07.441Z');
const at = (expr: string, now = NOW) => new Date(evalDateMath(parseDateMath(expr)!, now)).toISOString();

describe('datemath', () => {
  it('evaluates relative expressions against a forced now', () => {
    expect(at('now')).toBe('2024-05-14T09:21:07.441Z');
    expect(at('now-9m')).toBe('2024-05-14T09:12:07.441Z');
    expect(at('now-14d')).toBe('2024-04-30T09:21:07.441Z');
    expect(at('now+1h-30s')).toBe('2024-05-14T10:20:37.441Z');
    expect(at('now-2w')).toBe('2024-04-30T09:21:07.441Z');
  });
  it('moves months and years by the calendar, clamping the day', () => {
    expect(at('now-1M', Date.parse('2024-03-31T00:00:00Z'))).toBe('2024-02-29T00:00:00.000Z');
    expect(at('now-1y', Date.parse('2024-02-29T12:00:00Z'))).toBe('2023-02-28T12:00:00.000Z');
  });
  it('rounds down with /unit and accepts absolute anchors', () => {
    expect(at('now/d')).toBe('2024-05-14T00:00:00.000Z');
    expect(at('2024-05-01T00:00:00Z||+1d')).toBe('2024-05-02T00:00:00.000Z');
    expect(at('2024-05-01')).toBe('2024-05-01T00:00:00.000Z');
  });
  it("throws Kibana's message for an unparsable history window", () => {
    expect(() => parseNamedDateMath('now-14x', 'historyWindowStart')).toThrow("Failed to parse 'historyWindowStart'");
    expect(() => parseNamedDateMath('two weeks ago', 'historyWindowStart')).toThrow("Failed to parse 'historyWindowStart'");
  });
  it('rejects a history start that is not earlier than from', () => {
    expect(() => validateHistoryWindowStart('now-9m', 'now-9m', NOW)).toThrow(HISTORY_WINDOW_TOO_SMALL);
    expect(() => validateHistoryWindowStart('now-5m', 'now-9m', NOW)).toThrow(HISTORY_WINDOW_TOO_SMALL);
    expect(() => validateHistoryWindowStart('now-14d', 'now-9m', NOW)).not.toThrow();
  });
  it('parses intervals as the alerting framework does', () => {
    expect(parseInterval('5m')).toBe(300_000);
    expect(parseInterval('30s')).toBe(30_000);
    expect(parseInterval('1h')).toBe(3_600_000);
    expect(() => parseInterval('5 m')).toThrow('Invalid duration "5 m"');
    expect(() => parseInterval('0m')).toThrow('Invalid duration');
  });
});

// evaluateDateMath (formerly rule/datemath.ts's parseDateMath): the same parser, for callers holding a Date.
const now = new Date('2024-05-14T09:30:15.123Z');
const evaluate = evaluateDateMath;

describe('evaluateDateMath', () => {
  it('subtracts fixed units from now', () => {
    expect(evaluate('now-14d', now).toISOString()).toBe('2024-04-30T09:30:15.123Z');
    expect(evaluate('now-9m', now).toISOString()).toBe('2024-05-14T09:21:15.123Z');
    expect(evaluate('now', now).toISOString()).toBe(now.toISOString());
    expect(evaluate('now+1h-30s', now).toISOString()).toBe('2024-05-14T10:29:45.123Z');
  });

  it('does calendar arithmetic for months and years (clamping to month end), and rounds down with /unit', () => {
    expect(evaluate('now-1M', new Date('2024-03-31T00:00:00Z')).toISOString()).toBe('2024-02-29T00:00:00.000Z');
    expect(evaluate('now-1y/d', now).toISOString()).toBe('2023-05-14T00:00:00.000Z');
    // moment's startOf('week') in Kibana's default locale starts weeks on Sunday.
    expect(evaluate('now/w', now).toISOString()).toBe('2024-05-12T00:00:00.000Z');
  });

  it('accepts absolute dates with optional math after ||', () => {
    expect(evaluate('2024-01-01T00:00:00Z||-1d', now).toISOString()).toBe('2023-12-31T00:00:00.000Z');
  });

  it('rejects what it cannot read, naming the expression', () => {
    expect(() => evaluate('now-14x', now)).toThrow(DateMathError);
    expect(() => evaluate('yesterday', now)).toThrow(/yesterday/);
  });
});
