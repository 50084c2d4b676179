/**
 * How Elasticsearch reads a `date` or `date_nanos` field: the field's `format` (a `||` list tried in
 * order), and its resolution (milliseconds for `date`, nanoseconds for `date_nanos`).
 *
 * Read from elastic/elasticsearch server/src/main/java/org/elasticsearch/index/mapper/DateFieldMapper.java:
 * - the default format is `strict_date_optional_time||epoch_millis` (`date`) and
 *   `strict_date_optional_time_nanos||epoch_millis` (`date_nanos`);
 * - a document's value is parsed with the format (`DateFieldType.parse`) and stored as a long in the
 *   field's resolution (`Resolution.convert(Instant)`: `toEpochMilli`, floored; or epoch nanoseconds,
 *   where an instant before 1970 or after 2262-04-11T23:47:16.854775807Z cannot be stored); a value
 *   the format cannot read is malformed (the document is rejected; here: the field gives no value);
 *   a JSON number is read as its text (`NUMBER_FORMAT`: at most six fraction digits).
 *
 * Named formats read here (server/src/main/java/org/elasticsearch/common/time/DateFormatters.java,
 * EpochTime.java): `strict_date_optional_time`, `strict_date_optional_time_nanos` (the same text;
 * nanoseconds kept), `date_optional_time` (read as its strict form: deviation, the lenient variant
 * also takes one-digit months and days), `epoch_millis`, `epoch_second`. Any other format (a Java
 * pattern such as `yyyy-MM-dd HH:mm:ss`) is refused with UnsupportedDateFormatError rather than read
 * wrongly.
 */
import { parseEpochMillis, parseStrictDateOptionalTime } from './es-date.js';
import type { FieldMapping } from './field-types.js';

export type DateResolution = 'milliseconds' | 'nanoseconds';

/** A mapping's `format` this tool cannot read (it would have to guess Elasticsearch's answer). */
export class UnsupportedDateFormatError extends Error {
  override name = 'UnsupportedDateFormatError';
}

/** Reads one `date` / `date_nanos` field as its mapping says. */
export interface DateFieldReader {
  readonly type: 'date' | 'date_nanos';
  /** The format as the mapping gives it (or the default). */
  readonly format: string;
  readonly resolution: DateResolution;
  /** The instant the text names, in epoch nanoseconds; roundUp fills missing fields with their ends (range upper bounds). */
  parse(text: string, roundUp: boolean): bigint | undefined;
  /** The stored value a JSON leaf gives the field (resolution units), or undefined (malformed or not a scalar). */
  docValue(v: unknown): bigint | undefined;
  /** An instant (epoch ns) in the field's units, floored; clamped to the storable range for date_nanos. */
  toUnits(nanos: bigint): bigint;
}

export const DATE_TYPES: ReadonlySet<string> = new Set(['date', 'date_nanos']);

const NS_PER_MS = 1_000_000n;
const MAX_NANOS = 9_223_372_036_854_775_807n;

type FormatParser = (text: string, roundUp: boolean) => bigint | undefined;

const EPOCH_SECOND = /^(-?)(\d{1,19})(?:\.(\d{0,9}))?$/;

function parseEpochSecond(text: string, roundUp: boolean): bigint | undefined {
  const m = EPOCH_SECOND.exec(text);
  if (!m) return undefined;
  const fraction = m[3] === undefined ? (roundUp ? 999_999_999n : 0n) : BigInt(m[3].padEnd(9, '0'));
  const magnitude = BigInt(m[2]!) * 1_000_000_000n + fraction;
  return m[1] === '-' ? -magnitude : magnitude;
}

const FORMATS: Readonly<Record<string, FormatParser>> = {
  strict_date_optional_time: (t, up) => parseStrictDateOptionalTime(t, up)?.nanos,
  strict_date_optional_time_nanos: (t, up) => parseStrictDateOptionalTime(t, up)?.nanos,
  date_optional_time: (t, up) => parseStrictDateOptionalTime(t, up)?.nanos,
  epoch_millis: (t, up) => parseEpochMillis(t, up),
  epoch_second: parseEpochSecond,
};

const floorDiv = (a: bigint, b: bigint): bigint => (a >= 0n ? a / b : -((-a + b - 1n) / b));

/** DateFieldMapper's NUMBER_FORMAT: no grouping, at most six fraction digits, no exponent. */
function numberText(v: number): string | undefined {
  if (!Number.isFinite(v)) return undefined;
  if (Number.isInteger(v)) return BigInt(v).toString();
  return v.toFixed(6).replace(/\.?0+$/, '');
}

const readers = new Map<string, DateFieldReader>();

/** The reader for a date mapping; throws UnsupportedDateFormatError for a format not read here. */
export function dateFieldReader(m: FieldMapping): DateFieldReader {
  const type = m.type === 'date_nanos' ? 'date_nanos' : 'date';
  const format = m.format ?? (type === 'date_nanos' ? 'strict_date_optional_time_nanos||epoch_millis' : 'strict_date_optional_time||epoch_millis');
  const key = `${type} ${format}`;
  const known = readers.get(key);
  if (known) return known;
  const parsers = format.split('||').map((name) => {
    const p = FORMATS[name.trim()];
    if (p === undefined) throw new UnsupportedDateFormatError(`date format "${name}" is not read by this tool (it reads ${Object.keys(FORMATS).join(', ')})`);
    return p;
  });
  const resolution: DateResolution = type === 'date_nanos' ? 'nanoseconds' : 'milliseconds';
  const parse = (text: string, roundUp: boolean): bigint | undefined => {
    for (const p of parsers) {
      const n = p(text, roundUp);
      if (n !== undefined) return n;
    }
    return undefined;
  };
  const reader: DateFieldReader = {
    type,
    format,
    resolution,
    parse,
    docValue(v) {
      const text = typeof v === 'string' ? v : typeof v === 'number' ? numberText(v) : undefined;
      if (text === undefined || text === '') return undefined;
      const nanos = parse(text, false);
      if (nanos === undefined) return undefined;
      if (resolution === 'milliseconds') return floorDiv(nanos, NS_PER_MS);
      return nanos < 0n || nanos > MAX_NANOS ? undefined : nanos;
    },
    toUnits(nanos) {
      if (resolution === 'milliseconds') return floorDiv(nanos, NS_PER_MS);
      return nanos < 0n ? 0n : nanos > MAX_NANOS ? MAX_NANOS : nanos;
    },
  };
  readers.set(key, reader);
  return reader;
}
