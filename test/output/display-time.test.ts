import { describe, expect, it } from 'vitest';
import { formatDisplayTime, isTimeZone } from '../../src/output/display-time.js';

const t = Date.parse('2024-05-12T03:36:00.123Z');

describe('table times', () => {
  it('are compact in UTC by default, with the year on request, and full ISO when wide', () => {
    expect(formatDisplayTime(t, { timeZone: 'UTC', wide: false })).toBe('05-12 03:36:00Z');
    expect(formatDisplayTime(t, { timeZone: 'UTC', wide: false }, true)).toBe('2024-05-12 03:36:00Z');
    expect(formatDisplayTime(t, { timeZone: 'UTC', wide: true })).toBe('2024-05-12T03:36:00.123Z');
  });

  it('show another zone’s wall clock with its offset, daylight saving included', () => {
    expect(formatDisplayTime(t, { timeZone: 'Europe/Berlin', wide: false })).toBe('05-12 05:36:00+02:00');
    expect(formatDisplayTime(Date.parse('2024-01-12T03:36:00Z'), { timeZone: 'Europe/Berlin', wide: true })).toBe('2024-01-12T04:36:00.000+01:00');
    expect(formatDisplayTime(t, { timeZone: 'Asia/Kolkata', wide: true })).toBe('2024-05-12T09:06:00.123+05:30');
    expect(formatDisplayTime(t, { timeZone: 'Atlantic/Reykjavik', wide: false })).toBe('05-12 03:36:00+00:00');
  });

  it('know which zones exist', () => {
    expect(isTimeZone('America/New_York')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });
});
