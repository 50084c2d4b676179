/**
 * The one date parser against Elasticsearch's definition of `strict_date_optional_time||epoch_millis`
 * (elastic/elasticsearch, server/src/main/java/org/elasticsearch/common/time/): Iso8601Parser.java
 * (fixed positions, zones), DateFormatters.java STRICT_DATE_OPTIONAL_TIME_FORMATTER (java.time
 * fallback: `+` years over 4 digits, `T` straight before a zone), EpochTime.java MILLISECONDS_FORMATTER1/2,
 * JavaDateFormatter.defaultRoundUp (range bounds: month and day default to 1, the time to its end).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseEpochMillis, parseEsDate, parseEsDateMillis } from '../../src/ecs/es-date.js';
import { parseEventTime, parseIsoTime } from '../../src/ecs/time.js';

/** Expected instants as ISO text (milliseconds and below written out as a nanosecond suffix when needed). */
const at = (iso: string, extraNanos = 0n): bigint => BigInt(Date.parse(iso)) * 1_000_000n + extraNanos;

// [text, expected epoch nanos or undefined, why (the Elasticsearch source that decides)]
const TABLE: Array<[string, bigint | undefined, string]> = [
  ['2024-05-14T09:21:07.441Z', at('2024-05-14T09:21:07.441Z'), 'Iso8601Parser: full date-time, Z last'],
  ['2024-05-14T09:21:07.4417920Z', at('2024-05-14T09:21:07.441Z', 792_000n), 'fraction of 1–9 digits, kept to the nanosecond'],
  ['2024-05-14T09:21:07,5Z', at('2024-05-14T09:21:07.500Z'), 'Iso8601Parser: `,` is a decimal separator too'],
  ['2024-05-14T09:21:07.1234567891Z', undefined, 'at most 9 fraction digits'],
  ['2024-05-14T09:21:07.Z', undefined, 'a separator needs digits'],
  ['2024-05-14', at('2024-05-14T00:00:00Z'), 'time optional; no zone is UTC'],
  ['2024-05', at('2024-05-01T00:00:00Z'), 'day optional (STRICT_YEAR_MONTH_DAY_FORMATTER)'],
  ['2024', at('2024-01-01T00:00:00Z'), 'month optional: a 4-digit string is a year before it is epoch_millis'],
  ['2024-05-14T', at('2024-05-14T00:00:00Z'), 'Iso8601Parser: a bare T is accepted (hour optional)'],
  ['2024-05-14T09', at('2024-05-14T09:00:00Z'), 'hour alone'],
  ['2024-05-14T09:21', at('2024-05-14T09:21:00Z'), 'hour and minute'],
  ['2024-05-14T09Z', at('2024-05-14T09:00:00Z'), 'Iso8601Parser: a zone may follow the hour'],
  ['2024-05-14T11:21:07+02:00', at('2024-05-14T09:21:07Z'), 'offset ±HH:mm'],
  ['2024-05-14T11:21:07+0200', at('2024-05-14T09:21:07Z'), 'offset ±HHmm'],
  ['2024-05-14T11:21:07+02', at('2024-05-14T09:21:07Z'), 'offset ±HH'],
  ['2024-05-14T04:21:07.5-05', at('2024-05-14T09:21:07.500Z'), 'negative offset after a fraction'],
  ['2024-05-14T09:21:37+00:00:30', at('2024-05-14T09:21:07Z'), 'offset ±HH:mm:ss'],
  ['2024-05-14T09:21:07+02:0030', undefined, 'colons in an offset are all or none'],
  ['2024-05-14T09:21:07+19:00', undefined, 'ZoneOffset range is ±18:00'],
  ['2024-05-14T09:21:07UTC', at('2024-05-14T09:21:07Z'), 'Iso8601Parser falls back on ZoneId.of: UTC'],
  ['2024-05-14T11:21:07GMT+2', at('2024-05-14T09:21:07Z'), 'ZoneId.of: GMT with a ZoneOffset.of offset'],
  ['2024-05-14TZ', at('2024-05-14T00:00:00Z'), 'java.time fallback: zone straight after T'],
  ['2024-05-14Z', undefined, 'a zone needs the T section'],
  ['2024-05-14t09:21:07Z', undefined, 'the T is uppercase (literal, case-sensitive)'],
  ['2024-05-14T09:21:07z', undefined, 'Z is uppercase: ZoneOffset.of("z") fails'],
  ['2024-05-14 09:21:07Z', undefined, 'no space separator in strict_date_optional_time'],
  ['2023-02-31', undefined, 'ResolverStyle.STRICT: no February 31st (Date.UTC would give March 3)'],
  ['2024-02-29', at('2024-02-29T00:00:00Z'), 'leap day of a leap year'],
  ['1900-02-29', undefined, 'no leap day in 1900 (proleptic Gregorian)'],
  ['2024-13-01', undefined, 'month ≤ 12'],
  ['2024-00-10', undefined, 'month ≥ 1'],
  ['2024-05-00', undefined, 'day ≥ 1'],
  ['2024-05-14T24:00:00Z', undefined, 'hour ≤ 23'],
  ['2024-05-14T09:60:00Z', undefined, 'minute ≤ 59'],
  ['2024-05-14T09:21:60Z', undefined, 'second ≤ 59 (no leap second)'],
  ['0050-01-01T00:00:00Z', -60589296000000000000n, 'year 50 stays year 50 (no two-digit-year rule)'],
  ['0000-01-01', -62167219200000000000n, 'year 0 exists in ISO (proleptic) chronology'],
  ['-0001-01-01', -62198755200000000000n, 'Iso8601Parser: a leading - makes the year negative'],
  ['+10000-01-01', 253402300800000000000n, 'EXCEEDS_PAD: more than 4 year digits need a +'],
  ['10000-01-01', undefined, 'EXCEEDS_PAD: 5 digits without a sign are refused'],
  ['+1000000000-01-01', 31556889832780800000000000n, 'up to 10 year digits (YEAR, 4, 10), exact beyond 2^53 seconds'],
  ['+2024-01-01', undefined, 'EXCEEDS_PAD: a + within 4 digits is refused'],
  ['24-05-14', undefined, 'the year has 4 digits at least'],
  ['1715678467441', 1715678467441000000n, 'not a date: epoch_millis'],
  ['1715678467441.5', 1715678467441500000n, 'epoch_millis: fraction = nanoseconds of the millisecond'],
  ['-1', -1000000n, 'epoch_millis: negative'],
  ['1715678467441.1234567', undefined, 'epoch_millis: at most 6 fraction digits'],
  ['1e12', undefined, 'epoch_millis: no exponent'],
  [' 2024-05-14', undefined, 'no surrounding whitespace'],
  ['', undefined, 'empty'],
];

describe('parseEsDate reads strict_date_optional_time||epoch_millis as Elasticsearch does', () => {
  it.each(TABLE)('%s', (text, expected) => {
    expect(parseEsDate(text)?.nanos).toBe(expected);
    // The millisecond reading (event times) is the same instant, floored as Instant.toEpochMilli does.
    const floorMs = expected === undefined ? undefined : expected >= 0n ? expected / 1_000_000n : -((-expected + 999_999n) / 1_000_000n);
    const inDateRange = floorMs !== undefined && floorMs <= 8_640_000_000_000_000n && floorMs >= -8_640_000_000_000_000n;
    expect(parseEsDateMillis(text)).toBe(inDateRange ? Number(floorMs) : undefined);
  });

  it('rounds a range bound up the way JavaDateFormatter.defaultRoundUp does', () => {
    const up = (t: string) => parseEsDate(t, true)?.nanos;
    expect(up('2024')).toBe(at('2024-01-01T23:59:59.999Z', 999_999n));
    expect(up('2024-05')).toBe(at('2024-05-01T23:59:59.999Z', 999_999n));
    expect(up('2024-05-14')).toBe(at('2024-05-14T23:59:59.999Z', 999_999n));
    expect(up('2024-05-14T10')).toBe(at('2024-05-14T10:59:59.999Z', 999_999n));
    expect(up('2024-05-14T10:00:00Z')).toBe(at('2024-05-14T10:00:00.999Z', 999_999n));
    expect(up('2024-05-14T10:00:00.5Z')).toBe(at('2024-05-14T10:00:00.500Z'));
    expect(parseEpochMillis('1000', true)).toBe(1_000_999_999n);
  });

  it('agrees with an independent calendar on every day, any year, any spelling of the same instant', () => {
    const pad = (n: number, w: number) => String(n).padStart(w, '0');
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9999 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 31 }),
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        fc.integer({ min: -18 * 60, max: 18 * 60 }),
        (y, mo, d, h, mi, offsetMin) => {
          // Reference: setUTCFullYear takes the year as given (Date.UTC maps 0–99 to 1900–1999).
          const ref = new Date(0);
          ref.setUTCFullYear(y, mo - 1, d);
          ref.setUTCHours(h, mi, 0, 0);
          const real = ref.getUTCDate() === d;
          const sign = offsetMin < 0 ? '-' : '+';
          const off = `${sign}${pad(Math.floor(Math.abs(offsetMin) / 60), 2)}:${pad(Math.abs(offsetMin) % 60, 2)}`;
          const text = `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(mi, 2)}${off}`;
          const expected = real ? BigInt(ref.getTime() - offsetMin * 60_000) * 1_000_000n : undefined;
          expect(parseEsDate(text)?.nanos).toBe(expected);
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('event times and range bounds read dates through the same parser', () => {
  it('parseIsoTime and parseEventTime keep Elasticsearch millisecond storage (floor)', () => {
    expect(parseIsoTime('2023-02-31')).toBeUndefined();
    expect(parseIsoTime('2024-05-14 09:21:07Z')).toBeUndefined();
    expect(parseIsoTime('2024-05-14t09:21:07Z')).toBeUndefined();
    expect(new Date(parseIsoTime('0050-01-01T00:00:00Z')!).getUTCFullYear()).toBe(50);
    expect(parseEventTime('1969-12-31T23:59:59.9995Z')).toBe(-1);
    expect(parseEventTime('-1.5')).toBe(-2);
  });
});
