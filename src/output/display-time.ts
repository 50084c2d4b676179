/**
 * Times as a person reads them in a table: compact (`05-12 03:36:00Z`, the year only when the times
 * shown span more than one) or wide (full ISO-8601 with milliseconds), in UTC by default or in the
 * zone given with `--tz`. Display only: output documents (ndjson, json, bulk, state) always carry UTC.
 */

export interface TimeDisplay {
  /** IANA zone name (`Europe/Berlin`) or `UTC`. */
  timeZone: string;
  /** Full ISO-8601 with milliseconds instead of the compact form. */
  wide: boolean;
}

export const UTC_DISPLAY: TimeDisplay = { timeZone: 'UTC', wide: false };

/** Whether Intl knows `zone` (its error is the check: the zone list varies with the ICU build). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

interface Parts {
  year: string;
  month: string;
  day: string;
  hour: string;
  minute: string;
  second: string;
  millis: string;
  /** `Z` in UTC, else `+02:00`. */
  offset: string;
}

// One formatter per zone, built on first use: constructing one costs milliseconds (ICU set-up).
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      timeZoneName: 'longOffset',
    });
    formatters.set(zone, f);
  }
  return f;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

function partsOf(ms: number, zone: string): Parts {
  const d = new Date(ms);
  const millis = pad(d.getUTCMilliseconds(), 3);
  if (zone === 'UTC') {
    const y = d.getUTCFullYear();
    return {
      year: y >= 0 && y <= 9999 ? pad(y, 4) : (y < 0 ? '-' : '+') + pad(Math.abs(y), 6),
      month: pad(d.getUTCMonth() + 1),
      day: pad(d.getUTCDate()),
      hour: pad(d.getUTCHours()),
      minute: pad(d.getUTCMinutes()),
      second: pad(d.getUTCSeconds()),
      millis,
      offset: 'Z',
    };
  }
  const got: Record<string, string> = {};
  for (const p of formatterFor(zone).formatToParts(d)) got[p.type] = p.value;
  // longOffset reads `GMT+02:00`, or plain `GMT` at offset zero.
  const gmt = got['timeZoneName'] ?? 'GMT';
  const offset = gmt === 'GMT' ? '+00:00' : gmt.slice(3);
  return {
    year: (got['year'] ?? '').padStart(4, '0'),
    month: got['month'] ?? '',
    day: got['day'] ?? '',
    hour: got['hour'] ?? '',
    minute: got['minute'] ?? '',
    second: got['second'] ?? '',
    millis,
    offset,
  };
}

/** The year of `ms` in the display zone, to decide whether a column of times can leave it out. */
export function displayYear(ms: number, zone: string): string {
  return partsOf(ms, zone).year;
}

/**
 * One time for a table cell. Compact: `MM-DD hh:mm:ssZ` (`YYYY-MM-DD hh:mm:ssZ` with `withYear`),
 * offset instead of `Z` outside UTC, milliseconds left out. Wide: ISO-8601 with milliseconds.
 */
export function formatDisplayTime(ms: number, display: TimeDisplay, withYear = false): string {
  const p = partsOf(ms, display.timeZone);
  if (display.wide) return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}.${p.millis}${p.offset}`;
  const date = withYear ? `${p.year}-${p.month}-${p.day}` : `${p.month}-${p.day}`;
  return `${date} ${p.hour}:${p.minute}:${p.second}${p.offset}`;
}
