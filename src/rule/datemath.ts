/**
 * Elasticsearch/Kibana date math for rule parameters (`now-9m`, `now-14d`, `now-1d/d`, or an absolute
 * ISO date), evaluated in UTC as Kibana servers do (KIBANA_SEMANTICS §B.6). Units follow @kbn/datemath:
 * y M w d h H m s ms; `/unit` rounds down to the start of that unit.
 */

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  H: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

export class DateMathError extends Error {
  override name = 'DateMathError';
}

function addUnits(t: Date, n: number, unit: string): Date {
  const d = new Date(t.getTime());
  if (unit === 'y' || unit === 'M') {
    // Calendar arithmetic clamps to the target month's last day, as moment does (Mar 31 - 1M = Feb 29).
    const months = d.getUTCFullYear() * 12 + d.getUTCMonth() + (unit === 'y' ? 12 * n : n);
    const year = Math.floor(months / 12);
    const month = months - year * 12;
    const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
    d.setUTCFullYear(year, month, Math.min(d.getUTCDate(), lastDay));
    return d;
  }
  d.setTime(d.getTime() + n * UNIT_MS[unit]!);
  return d;
}

function roundDown(t: Date, unit: string): Date {
  const d = new Date(t.getTime());
  switch (unit) {
    case 'y':
      d.setUTCMonth(0, 1);
      d.setUTCHours(0, 0, 0, 0);
      break;
    case 'M':
      d.setUTCDate(1);
      d.setUTCHours(0, 0, 0, 0);
      break;
    case 'w': {
      // ISO weeks start on Monday (moment's isoWeek, which datemath uses for `w`).
      const dow = (d.getUTCDay() + 6) % 7;
      d.setUTCDate(d.getUTCDate() - dow);
      d.setUTCHours(0, 0, 0, 0);
      break;
    }
    case 'd':
      d.setUTCHours(0, 0, 0, 0);
      break;
    case 'h':
    case 'H':
      d.setUTCMinutes(0, 0, 0);
      break;
    case 'm':
      d.setUTCSeconds(0, 0);
      break;
    case 's':
      d.setUTCMilliseconds(0);
      break;
    default:
      break;
  }
  return d;
}

const OP = /^([+-])(\d+)(ms|[yMwdhHms])|^\/(ms|[yMwdhHms])/;

/** Evaluates `expr` with `now` as the anchor; throws DateMathError naming the expression on bad input. */
export function parseDateMath(expr: string, now: Date): Date {
  const text = expr.trim();
  let anchor: Date;
  let rest: string;
  if (text.startsWith('now')) {
    anchor = new Date(now.getTime());
    rest = text.slice(3);
  } else {
    const sep = text.indexOf('||');
    const head = sep >= 0 ? text.slice(0, sep) : text;
    anchor = new Date(/^\d+$/.test(head) ? Number(head) : head);
    if (Number.isNaN(anchor.getTime())) throw new DateMathError(`Failed to parse date math '${expr}'`);
    rest = sep >= 0 ? text.slice(sep + 2) : '';
  }
  while (rest.length > 0) {
    const m = OP.exec(rest);
    if (!m) throw new DateMathError(`Failed to parse date math '${expr}' at '${rest}'`);
    if (m[4] !== undefined) anchor = roundDown(anchor, m[4]);
    else anchor = addUnits(anchor, (m[1] === '-' ? -1 : 1) * Number(m[2]), m[3]!);
    rest = rest.slice(m[0].length);
  }
  return anchor;
}
