/**
 * UTC calendar arithmetic shared by the two date maths the tool reads: Kibana's (moment,
 * engine/datemath.ts) and Elasticsearch's (java.time, ecs/es-date-math.ts). Both clamp the day of
 * month when adding months (Jan 31 + 1M = Feb 28/29); they differ in the first day of a week
 * (moment's default locale: Sunday; Elasticsearch: Monday).
 */
export type CalendarUnit = 'y' | 'M' | 'w' | 'd' | 'h' | 'm' | 's';

export const FIXED_UNIT_MS: Readonly<Record<'w' | 'd' | 'h' | 'm' | 's', number>> = {
  w: 7 * 86_400_000,
  d: 86_400_000,
  h: 3_600_000,
  m: 60_000,
  s: 1000,
};

/** `ms` plus `months` calendar months, the day clamped to the target month's last day. */
export function plusMonthsUtc(ms: number, months: number): number {
  const day = new Date(ms).getUTCDate();
  const target = new Date(ms);
  target.setUTCDate(1);
  target.setUTCMonth(target.getUTCMonth() + months);
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, last));
  return target.getTime();
}

/** The start of the unit holding `ms`, weeks starting on `weekStart` (0 Sunday, 1 Monday). */
export function startOfUtc(ms: number, unit: CalendarUnit, weekStart: 0 | 1): number {
  const d = new Date(ms);
  switch (unit) {
    case 'y':
      return Date.UTC(d.getUTCFullYear(), 0, 1);
    case 'M':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    case 'w': {
      const dayStart = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
      return dayStart - ((d.getUTCDay() - weekStart + 7) % 7) * 86_400_000;
    }
    default: {
      const u = FIXED_UNIT_MS[unit];
      return ms - (((ms % u) + u) % u);
    }
  }
}
