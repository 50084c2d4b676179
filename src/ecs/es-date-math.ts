/**
 * Elasticsearch's date math, as a range bound on a date field is read (elastic/elasticsearch
 * server/src/main/java/org/elasticsearch/common/time/JavaDateMathParser.java): `now` or
 * `<date>||`, then operations `+N<u>`, `-N<u>`, `/<u>` with units y M w d h H m s, in UTC (the
 * detection engine sends `time_zone: Zulu`). This differs from Kibana's client-side date math
 * (engine/datemath.ts, moment): weeks round to Monday, and a bound rounded up (`gt`, `lte`) by `/u`
 * goes to the last millisecond of the unit (start of the next unit minus 1 ms). A date without math
 * is read by the field's format, its missing fields defaulted to their ends when rounding up
 * (`roundupParser`); the date before `||` is never rounded up. `now` is milliseconds.
 *
 * Errors are Elasticsearch's (ElasticsearchParseException: the search fails), thrown as EsDateError.
 */
import { FIXED_UNIT_MS, plusMonthsUtc, startOfUtc, type CalendarUnit } from './calendar.js';

export class EsDateError extends Error {
  override name = 'EsDateError';
}

type Unit = CalendarUnit;

const NS_PER_MS = 1_000_000n;

// java.time: plusMonths clamps the day of month; weeks round to Monday (previousOrSame(MONDAY)).
const truncate = (ms: number, unit: Unit): number => startOfUtc(ms, unit, 1);

function plus(ms: number, unit: Unit, n: number): number {
  if (unit === 'y') return plusMonthsUtc(ms, 12 * n);
  if (unit === 'M') return plusMonthsUtc(ms, n);
  return ms + n * FIXED_UNIT_MS[unit];
}

/** Applies the math after `now` or `||` to an instant (epoch ns). */
function applyMath(math: string, start: bigint, roundUp: boolean): bigint {
  // Whole milliseconds on a JavaScript Date; the sub-millisecond part survives until a rounding.
  let ms = Number(start >= 0n ? start / NS_PER_MS : -((-start + NS_PER_MS - 1n) / NS_PER_MS));
  let sub = start - BigInt(ms) * NS_PER_MS;
  let i = 0;
  while (i < math.length) {
    const c = math.charAt(i++);
    const round = c === '/';
    if (!round && c !== '+' && c !== '-') throw new EsDateError(`operator not supported for date math [${math}]`);
    if (i >= math.length) throw new EsDateError(`truncated date math [${math}]`);
    let num = 1;
    if (/[0-9]/.test(math.charAt(i))) {
      const from = i;
      while (i < math.length && /[0-9]/.test(math.charAt(i))) i++;
      if (i >= math.length) throw new EsDateError(`truncated date math [${math}]`);
      num = Number.parseInt(math.slice(from, i), 10);
      if (round && num !== 1) throw new EsDateError(`rounding \`/\` can only be used on single unit types [${math}]`);
    }
    let unit = math.charAt(i++);
    if (unit === 'H') unit = 'h';
    if (!'yMwdhms'.includes(unit) || unit === '') throw new EsDateError(`unit [${unit}] not supported for date math [${math}]`);
    const u = unit as Unit;
    if (round) {
      ms = truncate(ms, u);
      sub = 0n;
      if (roundUp) ms = plus(ms, u, 1) - 1;
    } else {
      ms = plus(ms, u, c === '-' ? -num : num);
    }
    if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) throw new EsDateError(`date math [${math}] is out of range`);
  }
  return BigInt(ms) * NS_PER_MS + sub;
}

/**
 * A bound's instant in epoch ns. `parse` reads a date by the field's format (roundUp: missing fields
 * at their ends). `now` is the evaluation time in epoch milliseconds.
 */
export function evalEsDateMath(text: string, parse: (date: string, roundUp: boolean) => bigint | undefined, now: number, roundUp: boolean, format: string): bigint {
  const readDate = (date: string, up: boolean): bigint => {
    if (date === '') throw new EsDateError('cannot parse empty datetime');
    const n = parse(date, up);
    if (n === undefined) throw new EsDateError(`failed to parse date field [${date}] with format [${format}]`);
    return n;
  };
  if (text.startsWith('now')) return applyMath(text.slice(3), BigInt(now) * NS_PER_MS, roundUp);
  const sep = text.indexOf('||');
  if (sep === -1) return readDate(text, roundUp);
  return applyMath(text.slice(sep + 2), readDate(text.slice(0, sep), false), roundUp);
}
