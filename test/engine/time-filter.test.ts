import { describe, expect, it } from 'vitest';
import { createTimeFilter } from '../../src/engine/time-filter.js';

const fields = { primary: 'event.ingested', secondary: '@timestamp' };
const at = (ingested: string | undefined, ts = '2024-05-14T00:00:00Z') => ({ '@timestamp': ts, ...(ingested !== undefined && { event: { ingested } }) });

describe('--since/--until event filter', () => {
  it('keeps events whose rule time lies within the inclusive bounds', () => {
    const inRange = createTimeFilter({ since: Date.parse('2024-05-14T10:00:00Z'), until: Date.parse('2024-05-14T11:00:00Z') }, fields);
    expect(inRange(at('2024-05-14T10:00:00Z'))).toBe(true);
    expect(inRange(at('2024-05-14T11:00:00.000Z'))).toBe(true);
    expect(inRange(at('2024-05-14T09:59:59.999Z'))).toBe(false);
    expect(inRange(at('2024-05-14T11:00:00.001Z'))).toBe(false);
  });

  it('reads the time as the rule does: the override, else @timestamp', () => {
    const since = createTimeFilter({ since: Date.parse('2024-05-14T10:00:00Z') }, fields);
    expect(since(at(undefined, '2024-05-14T10:30:00Z'))).toBe(true);
    expect(since(at('2024-05-14T09:00:00Z', '2024-05-14T10:30:00Z'))).toBe(false);
  });

  it('leaves events without a usable time to the engine, which reports them', () => {
    expect(createTimeFilter({ since: 0 }, fields)({ message: 'no time' })).toBe(true);
  });
});
