/**
 * The part of Kibana's date math (`@kbn/datemath`) that rule schedules use: `now`, an absolute ISO
 * date, optionally followed (after `||` for absolute dates) by operations `+N<u>`, `-N<u>`, `/<u>`
 * with units y M w d h m s, evaluated in UTC (Kibana servers run in UTC). Plus rule intervals as the
 * alerting framework's `parseDuration` reads them (`30s`, `5m`, `1h`, `1d`).
 *
 * Paraphrased from elastic/kibana `src/platform/packages/shared/kbn-datemath/index.ts` (parse /
 * parseMath) and `x-pack/platform/plugins/shared/alerting/common/parse_duration.ts`.
 */
import { parseIsoTime } from '../ecs/time.js';
import { FIXED_UNIT_MS, plusMonthsUtc, startOfUtc } from '../ecs/calendar.js';

export type DateMathUnit = 'y' | 'M' | 'w' | 'd' | 'h' | 'm' | 's';
const UNITS: readonly DateMathUnit[] = ['y', 'M', 'w', 'd', 'h', 'm', 's'];

export type DateMathOp = { op: '+' | '-'; n: number; unit: DateMathUnit } | { op: '/'; unit: DateMathUnit };

/** A parsed expression: an anchor (`now` or an absolute time) and operations applied left to right. */
export interface DateMath {
  text: string;
  anchor: 'now' | number;
  ops: DateMathOp[];
}

const FIXED_MS = FIXED_UNIT_MS;

/** Parses a date-math expression, or undefined when Kibana's parser would return an invalid date. */
export function parseDateMath(text: string): DateMath | undefined {
  let anchor: 'now' | number;
  let math: string;
  if (text.startsWith('now')) {
    anchor = 'now';
    math = text.slice(3);
  } else {
    const sep = text.indexOf('||');
    const iso = sep === -1 ? text : text.slice(0, sep);
    math = sep === -1 ? '' : text.slice(sep + 2);
    const t = parseIsoTime(iso);
    if (t === undefined) return undefined;
    anchor = t;
  }
  const ops: DateMathOp[] = [];
  let i = 0;
  while (i < math.length) {
    const c = math.charAt(i++);
    if (c === '/') {
      const unit = math.charAt(i++) as DateMathUnit;
      if (!UNITS.includes(unit)) return undefined;
      ops.push({ op: '/', unit });
      continue;
    }
    if (c !== '+' && c !== '-') return undefined;
    let digits = '';
    while (i < math.length && /[0-9]/.test(math.charAt(i))) digits += math.charAt(i++);
    const n = digits === '' ? 1 : Number.parseInt(digits, 10);
    const unit = math.charAt(i++) as DateMathUnit;
    if (!UNITS.includes(unit)) return undefined;
    ops.push({ op: c, n, unit });
  }
  return { text, anchor, ops };
}

// moment clamps the day to the target month's last day; its default (en) locale starts weeks on Sunday.
const addCalendar = plusMonthsUtc;
const startOf = (ms: number, unit: DateMathUnit): number => startOfUtc(ms, unit, 0);

/** Evaluates a parsed expression with `now` forced to `now` (epoch ms). */
export function evalDateMath(dm: DateMath, now: number): number {
  let t = dm.anchor === 'now' ? now : dm.anchor;
  for (const op of dm.ops) {
    if (op.op === '/') {
      t = startOf(t, op.unit);
      continue;
    }
    const sign = op.op === '+' ? 1 : -1;
    if (op.unit === 'M') t = addCalendar(t, sign * op.n);
    else if (op.unit === 'y') t = addCalendar(t, sign * 12 * op.n);
    else t += sign * op.n * FIXED_MS[op.unit];
  }
  return t;
}

/**
 * Parses and evaluates `text` (e.g. `now-14d`, `now/d`, `2024-01-01T00:00:00Z||-1d`) at `now`, in UTC,
 * for callers that hold a Date (the new_terms history window); throws DateMathError naming the text.
 */
export function evaluateDateMath(text: string, now: Date): Date {
  const dm = parseDateMath(text);
  if (!dm) throw new DateMathError(`cannot parse date math ${JSON.stringify(text)}`);
  return new Date(evalDateMath(dm, now.getTime()));
}

/**
 * The constant offset from `now` when the expression is `now` followed only by +/- of fixed-length
 * units (s m h d w); undefined for absolute anchors, rounding, months or years.
 */
export function fixedOffset(dm: DateMath): number | undefined {
  if (dm.anchor !== 'now') return undefined;
  let off = 0;
  for (const op of dm.ops) {
    if (op.op === '/' || op.unit === 'M' || op.unit === 'y') return undefined;
    off += (op.op === '+' ? 1 : -1) * op.n * FIXED_MS[op.unit];
  }
  return off;
}

export class DateMathError extends Error {
  override readonly name = 'DateMathError';
}

/**
 * Kibana's `parseDateString` for new_terms parameters: throws `Failed to parse '<name>'` when the
 * expression is not valid date math.
 */
export function parseNamedDateMath(text: string, name: string): DateMath {
  const dm = parseDateMath(text);
  if (!dm) throw new DateMathError(`Failed to parse '${name}'`);
  return dm;
}

/**
 * Rule `from`/`to`: getRuleRangeTuples throws this one message for either.
 */
export function parseRuleRange(from: string, to: string): { from: DateMath; to: DateMath } {
  const f = parseDateMath(from);
  const t = parseDateMath(to);
  if (!f || !t) throw new DateMathError('Failed to parse date math of rule.from or rule.to');
  return { from: f, to: t };
}

const DURATION_RE = /^[1-9][0-9]*[smhd]$/;
const DURATION_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** The alerting framework's interval parser: `<positive integer><s|m|h|d>` to milliseconds. */
export function parseInterval(text: string): number {
  if (!DURATION_RE.test(text)) {
    throw new DateMathError(
      `Invalid duration "${text}". Durations must be of the form {number}x. Example: 5s, 5m, 5h or 5d"`,
    );
  }
  return Number.parseInt(text.slice(0, -1), 10) * DURATION_MS[text.slice(-1)]!;
}

export const HISTORY_WINDOW_TOO_SMALL =
  "History window size is smaller than rule interval + additional lookback, 'historyWindowStart' must be earlier than 'from'";

/**
 * new_terms `validateHistoryWindowStart`: both expressions are evaluated at the same `now` (Kibana
 * uses the wall clock); a history start at or after `from` is rejected with Kibana's message.
 */
export function validateHistoryWindowStart(historyWindowStart: string, from: string, now: number): void {
  const h = parseNamedDateMath(historyWindowStart, 'historyWindowStart');
  const f = parseNamedDateMath(from, 'from');
  if (evalDateMath(h, now) >= evalDateMath(f, now)) throw new DateMathError(HISTORY_WINDOW_TOO_SMALL);
}
