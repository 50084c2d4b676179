/**
 * The one date parser: Elasticsearch's default `date` format `strict_date_optional_time||epoch_millis`,
 * read from Elasticsearch's source (elastic/elasticsearch, server/src/main/java/org/elasticsearch/common/time/):
 *
 * - `strict_date_optional_time` (DateFormatters.java, STRICT_DATE_OPTIONAL_TIME) tries two parsers in
 *   turn and takes the first that reads the whole text:
 *   1. Iso8601Parser.java (fixed positions): a 4-digit year (a leading `-` makes it negative), then
 *      optionally `-MM`, `-dd`, an uppercase `T`, `HH`, `:mm`, `:ss`, a `.` or `,` fraction of 1–9
 *      digits; a zone may follow the hour, minute, second or fraction: `Z` (only as the last
 *      character), `±HH`, `±HHmm`, `±HH:mm`, `±HHmmss`, `±HH:mm:ss` (any two digits each, total within
 *      ±18h, as ZoneOffset.ofTotalSeconds checks), or a zone id for `ZoneId.of`.
 *   2. The java.time formatter STRICT_DATE_OPTIONAL_TIME_FORMATTER (ResolverStyle.STRICT): what it
 *      adds over (1) is a year of 5 to 10 digits written with a `+` (SignStyle.EXCEEDS_PAD) and a
 *      zone straight after the `T` with no time (`2024-05-14TZ`).
 *   Either way the fields must form a real proleptic-Gregorian date (no February 31st, no hour 24, no
 *   second 60); missing fields default to January 1st, 00:00:00.0, or, when a range bound is rounded
 *   up (gt, lte), to January 1st 23:59:59.999999999 (JavaDateFormatter.defaultRoundUp: month and day
 *   are NOT rounded to their ends). No zone means UTC (the detection engine queries with `Zulu`).
 * - `epoch_millis` (EpochTime.java, MILLISECONDS_FORMATTER1/2): an optional `-`, 1 to 19 digits,
 *   optionally `.` and 0 to 6 more digits (nanoseconds of the millisecond).
 *
 * Deviations, by choice: zone region ids (`Europe/Paris`) are rejected, as they would need the tz
 * database (`UTC`, `GMT`, `UT` and those with an offset are read); case counts (`t` and `z` are not
 * `T` and `Z`, as in Elasticsearch). Results are epoch nanoseconds as bigint, so no year is out of range.
 */

/** A date as Elasticsearch would read it. */
export interface EsDate {
  /** Nanoseconds since 1970-01-01T00:00:00Z. */
  nanos: bigint;
  /** Which of the two formats read it. */
  format: 'strict_date_optional_time' | 'epoch_millis';
  /** A calendar date that names a day (YYYY-MM-DD at least), as opposed to a bare year or month. */
  hasDay: boolean;
}

const NANOS_PER_SECOND = 1_000_000_000n;
const MAX_OFFSET_SECONDS = 18 * 3600;

/** The fields of a calendar date-time as read; undefined where the text left them out. */
interface Fields {
  year: number;
  month?: number | undefined;
  day?: number | undefined;
  hour?: number | undefined;
  minute?: number | undefined;
  second?: number | undefined;
  nano?: number | undefined;
  /** Offset east of UTC in seconds; undefined for no zone (UTC). */
  offset?: number | undefined;
}

/** Reads `strict_date_optional_time||epoch_millis`, as a `date` field or a range bound would. */
export function parseEsDate(text: string, roundUp = false): EsDate | undefined {
  const calendar = parseStrictDateOptionalTime(text, roundUp);
  if (calendar !== undefined) return calendar;
  const nanos = parseEpochMillis(text, roundUp);
  return nanos === undefined ? undefined : { nanos, format: 'epoch_millis', hasDay: false };
}

/** `strict_date_optional_time` alone. */
export function parseStrictDateOptionalTime(text: string, roundUp = false): EsDate | undefined {
  const fields = readFields(text);
  if (fields === undefined) return undefined;
  const nanos = toEpochNanos(fields, roundUp);
  return nanos === undefined ? undefined : { nanos, format: 'strict_date_optional_time', hasDay: fields.day !== undefined };
}

/**
 * The same reading to epoch milliseconds as a `date` field stores them (floored, as
 * Instant.toEpochMilli does), without bigint arithmetic: the per-event path of event times. Instants
 * a JavaScript Date cannot hold (beyond ±8.64e15 ms) are undefined.
 */
export function parseEsDateMillis(text: string): number | undefined {
  const fields = readFields(text);
  if (fields !== undefined) return toEpochMillis(fields);
  const nanos = parseEpochMillis(text);
  if (nanos === undefined) return undefined;
  const ms = nanos >= 0n ? nanos / 1_000_000n : -((-nanos + 999_999n) / 1_000_000n);
  return ms > MAX_DATE_MS || ms < -MAX_DATE_MS ? undefined : Number(ms);
}

const MAX_DATE_MS = 8_640_000_000_000_000n;

/** `strict_date_optional_time` alone, to epoch milliseconds (see parseEsDateMillis). */
export function parseStrictDateOptionalTimeMillis(text: string): number | undefined {
  const fields = readFields(text);
  return fields === undefined ? undefined : toEpochMillis(fields);
}

function readFields(text: string): Fields | undefined {
  return readIso8601(text) ?? readSignedYear(text);
}

const EPOCH_MILLIS = /^(-?)(\d{1,19})(?:\.(\d{0,6}))?$/;

/**
 * `epoch_millis` alone, to nanoseconds (the fraction is nanoseconds of the millisecond; rounding up
 * defaults it to 999999, EpochTime's round-up parser).
 */
export function parseEpochMillis(text: string, roundUp = false): bigint | undefined {
  const m = EPOCH_MILLIS.exec(text);
  if (!m) return undefined;
  const fraction = m[3] === undefined ? (roundUp ? 999_999n : 0n) : BigInt(m[3].padEnd(6, '0'));
  const magnitude = BigInt(m[2]!) * 1_000_000n + fraction;
  return m[1] === '-' ? -magnitude : magnitude;
}

/** Two or more ASCII digits at `from` as a number, or undefined. */
function digitsAt(text: string, from: number, count: number): number | undefined {
  if (from + count > text.length) return undefined;
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return undefined;
    n = n * 10 + c;
  }
  return n;
}

/** Iso8601Parser: a 4-digit year (negative with a leading `-`), fields at fixed positions. */
function readIso8601(text: string): Fields | undefined {
  if (text.startsWith('-')) {
    const rest = readFixedPositions(text.slice(1));
    return rest === undefined ? undefined : { ...rest, year: -rest.year };
  }
  return readFixedPositions(text);
}

function readFixedPositions(s: string): Fields | undefined {
  const year = digitsAt(s, 0, 4);
  if (year === undefined) return undefined;
  if (s.length === 4) return { year };
  if (s[4] !== '-') return undefined;
  const month = digitsAt(s, 5, 2);
  if (month === undefined || month > 12) return undefined;
  if (s.length === 7) return { year, month };
  if (s[7] !== '-') return undefined;
  const day = digitsAt(s, 8, 2);
  if (day === undefined || day > 31) return undefined;
  if (s.length === 10) return { year, month, day };
  if (s[10] !== 'T') return undefined;
  const date = { year, month, day };
  if (s.length === 11) return date;
  return readTime(s, 11, date);
}

/** From the hour on (Iso8601Parser: the zone may follow any time field). */
function readTime(s: string, at: number, date: Fields): Fields | undefined {
  const hour = digitsAt(s, at, 2);
  if (hour === undefined || hour > 23) return undefined;
  let pos = at + 2;
  const fields = date;
  fields.hour = hour;
  const zoneOrEnd = (): Fields | undefined => {
    if (pos === s.length) return fields;
    if (!startsZone(s, pos)) return undefined;
    fields.offset = readZone(s.slice(pos));
    return fields.offset === undefined ? undefined : fields;
  };
  if (pos === s.length || startsZone(s, pos)) return zoneOrEnd();
  if (s[pos] !== ':') return undefined;
  const minute = digitsAt(s, pos + 1, 2);
  if (minute === undefined || minute > 59) return undefined;
  fields.minute = minute;
  pos += 3;
  if (pos === s.length || startsZone(s, pos)) return zoneOrEnd();
  if (s[pos] !== ':') return undefined;
  const second = digitsAt(s, pos + 1, 2);
  if (second === undefined || second > 59) return undefined;
  fields.second = second;
  pos += 3;
  if (pos === s.length || startsZone(s, pos)) return zoneOrEnd();
  if (s[pos] !== '.' && s[pos] !== ',') return undefined;
  const start = ++pos;
  while (pos < s.length && pos < start + 9 && s.charCodeAt(pos) >= 48 && s.charCodeAt(pos) <= 57) pos++;
  if (pos === start) return undefined;
  fields.nano = Number(s.slice(start, pos).padEnd(9, '0'));
  return zoneOrEnd();
}

/** Iso8601Parser.isZoneId: a sign or an ASCII letter starts a zone. */
function startsZone(s: string, pos: number): boolean {
  const c = s.charCodeAt(pos);
  return c === 43 || c === 45 || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** Iso8601Parser.parseZoneId: the offset east of UTC in seconds, or undefined. */
function readZone(zone: string): number | undefined {
  if (zone === 'Z') return 0;
  if (zone[0] === '+' || zone[0] === '-') {
    const m = /^([+-])(\d{2})(?:(:?)(\d{2})(?:\3(\d{2}))?)?$/.exec(zone);
    if (!m) return undefined;
    const total = Number(m[2]) * 3600 + Number(m[4] ?? 0) * 60 + Number(m[5] ?? 0);
    if (total > MAX_OFFSET_SECONDS) return undefined;
    return m[1] === '-' ? -total : total;
  }
  return zoneIdOffset(zone);
}

/**
 * java.time `ZoneId.of` for the ids that need no tz database: `UTC`, `GMT`, `UT`, alone or followed
 * by a `ZoneOffset.of` offset (`±h`, `±hh`, `±hh:mm`, `±hhmm`, `±hh:mm:ss`, `±hhmmss`, each part in
 * range). Region ids (`Europe/Paris`) are not read (deviation, see the module comment).
 */
function zoneIdOffset(zone: string): number | undefined {
  const m = /^(UTC|GMT|UT)(?:([+-])(\d{1,2})(?:(:?)(\d{2})(?:\4(\d{2}))?)?)?$/.exec(zone);
  if (!m) return undefined;
  if (m[2] === undefined) return 0;
  // ZoneOffset.of: one-digit hours only alone; each part in range; at most 18:00.
  if (m[3]!.length === 1 && m[5] !== undefined) return undefined;
  const h = Number(m[3]);
  const mi = Number(m[5] ?? 0);
  const se = Number(m[6] ?? 0);
  if (h > 18 || mi > 59 || se > 59) return undefined;
  const total = h * 3600 + mi * 60 + se;
  if (total > MAX_OFFSET_SECONDS) return undefined;
  return m[2] === '-' ? -total : total;
}

/**
 * What the java.time formatter reads beyond Iso8601Parser: a year of 5 to 10 digits after a `+`
 * (SignStyle.EXCEEDS_PAD: the sign is required past 4 digits and refused within them), a `T`
 * section after a bare year or year-month (its month and day are optional), and a zone straight
 * after the `T` with no time.
 */
function readSignedYear(text: string): Fields | undefined {
  const m = /^(?:\+(\d{5,10})|(-?\d{4}))(?:-(\d{2})(?:-(\d{2}))?)?(?:T(.*))?$/s.exec(text);
  if (!m) return undefined;
  const year = Number(m[1] ?? m[2]);
  const month = m[3] === undefined ? undefined : Number(m[3]);
  const day = m[4] === undefined ? undefined : Number(m[4]);
  if ((month !== undefined && month > 12) || (day !== undefined && day > 31)) return undefined;
  const date: Fields = { year, month, day };
  const rest = m[5];
  if (rest === undefined || rest === '') return date;
  if (startsZone(rest, 0)) {
    const offset = readZone(rest);
    return offset === undefined ? undefined : { ...date, offset };
  }
  return readTime(rest, 0, date);
}

function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days from 1970-01-01 to a proleptic-Gregorian date (any year), by whole 400-year eras. */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** The day count of a real date (STRICT resolver: no day 0, no 31 February), defaults filled in. */
function epochDay(f: Fields): number | undefined {
  const month = f.month ?? 1;
  const day = f.day ?? 1;
  if (month < 1 || day < 1) return undefined;
  const daysInMonth = month === 2 && isLeapYear(f.year) ? 29 : MONTH_DAYS[month - 1]!;
  return day > daysInMonth ? undefined : daysFromCivil(f.year, month, day);
}

/** To epoch milliseconds (floored), missing time fields at their start; undefined beyond a Date's range. */
function toEpochMillis(f: Fields): number | undefined {
  const days = epochDay(f);
  if (days === undefined) return undefined;
  const seconds = (f.hour ?? 0) * 3600 + (f.minute ?? 0) * 60 + (f.second ?? 0) - (f.offset ?? 0);
  const ms = days * 86_400_000 + seconds * 1000 + Math.floor((f.nano ?? 0) / 1_000_000);
  return Math.abs(ms) <= 8.64e15 ? ms : undefined;
}

/** Resolves fields to an instant, with Elasticsearch's defaults for the missing ones (STRICT resolver). */
function toEpochNanos(f: Fields, roundUp: boolean): bigint | undefined {
  const days = epochDay(f);
  if (days === undefined) return undefined;
  const hour = f.hour ?? (roundUp ? 23 : 0);
  const minute = f.minute ?? (roundUp ? 59 : 0);
  const second = f.second ?? (roundUp ? 59 : 0);
  const nano = f.nano ?? (roundUp ? 999_999_999 : 0);
  // In bigint: a 10-digit year's seconds are past 2^53.
  const seconds = BigInt(days) * 86_400n + BigInt(hour * 3600 + minute * 60 + second - (f.offset ?? 0));
  return seconds * NANOS_PER_SECOND + BigInt(nano);
}
