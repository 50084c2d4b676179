import { describe, expect, it } from 'vitest';
import {
  evalDateMath,
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
