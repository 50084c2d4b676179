import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { eventTimeOf, formatTime, parseEventTime, timestampFieldsOf } from '../../src/ecs/time.js';

const iso = (ms: number | undefined) => (ms === undefined ? undefined : formatTime(ms));
const FIELDS = timestampFieldsOf({ timestamp_override: 'event.ingested' });

describe('parseEventTime', () => {
  it('truncates sub-millisecond digits instead of rounding', () => {
    expect(iso(parseEventTime('2024-05-14T09:21:07.4417920Z'))).toBe('2024-05-14T09:21:07.441Z');
    expect(iso(parseEventTime('2024-05-14T09:21:07.999999999Z'))).toBe('2024-05-14T09:21:07.999Z');
    expect(iso(parseEventTime('2024-05-14T09:21:07.4Z'))).toBe('2024-05-14T09:21:07.400Z');
  });
  it('applies any UTC offset form', () => {
    expect(iso(parseEventTime('2024-05-14T11:21:07+02:00'))).toBe('2024-05-14T09:21:07.000Z');
    expect(iso(parseEventTime('2024-05-14T11:21:07+0200'))).toBe('2024-05-14T09:21:07.000Z');
    expect(iso(parseEventTime('2024-05-14T04:21:07.5-05'))).toBe('2024-05-14T09:21:07.500Z');
  });
  it('reads a time without zone, and a bare date, as UTC', () => {
    expect(iso(parseEventTime('2024-05-14T09:21:07'))).toBe('2024-05-14T09:21:07.000Z');
    expect(iso(parseEventTime('2024-05-14'))).toBe('2024-05-14T00:00:00.000Z');
  });
  it('accepts epoch millis as numbers and numeric strings', () => {
    expect(iso(parseEventTime(1715678467441))).toBe('2024-05-14T09:21:07.441Z');
    expect(iso(parseEventTime('1715678467441'))).toBe('2024-05-14T09:21:07.441Z');
  });
  it('rejects what Elasticsearch would reject', () => {
    for (const bad of ['', 'yesterday', '2024-13-01', '2024-02-30T00:00:00Z', '2024-05-14T25:00:00Z', true, {}, null]) {
      expect(parseEventTime(bad)).toBeUndefined();
    }
  });
  it('round-trips every millisecond instant through formatTime', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4102444800000 }), (ms) => parseEventTime(formatTime(ms)) === ms),
    );
  });
});

describe('eventTimeOf', () => {
  it('prefers event.ingested when present even if later than @timestamp', () => {
    const r = eventTimeOf({ '@timestamp': '2024-05-14T09:00:00Z', event: { ingested: '2024-05-14T09:05:00Z' } }, FIELDS);
    expect(r).toEqual({ ok: true, ms: Date.parse('2024-05-14T09:05:00Z'), field: 'event.ingested' });
  });
  it('falls back to @timestamp when event.ingested is missing, null or empty', () => {
    for (const event of [{}, { ingested: null }, { ingested: '' }, { ingested: [] }]) {
      const r = eventTimeOf({ '@timestamp': '2024-05-14T09:00:00Z', event }, FIELDS);
      expect(r.ok && r.field).toBe('@timestamp');
    }
  });
  it('takes the first value of an array and finds dotted keys', () => {
    const r = eventTimeOf({ 'event.ingested': ['2024-05-14T09:05:00Z', '2024-05-14T08:00:00Z'] }, FIELDS);
    expect(r.ok && formatTime(r.ms)).toBe('2024-05-14T09:05:00.000Z');
  });
  it('reports an unparsable present value as invalid rather than falling back', () => {
    const r = eventTimeOf({ '@timestamp': '2024-05-14T09:00:00Z', event: { ingested: 'soon' } }, FIELDS);
    expect(r).toMatchObject({ ok: false, reason: 'invalid', field: 'event.ingested' });
  });
  it('reports a document without any time as missing', () => {
    expect(eventTimeOf({}, FIELDS)).toMatchObject({ ok: false, reason: 'missing' });
  });
  it('does not fall back when the rule disables the fallback', () => {
    const f = timestampFieldsOf({ timestamp_override: 'event.ingested', timestamp_override_fallback_disabled: true });
    expect(eventTimeOf({ '@timestamp': '2024-05-14T09:00:00Z' }, f)).toMatchObject({ ok: false, reason: 'missing' });
  });
});
