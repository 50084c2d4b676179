/**
 * CLI option validation: commander hands over strings; zod turns them into typed, checked values at
 * the boundary so the rest of the CLI can trust them. Messages name the option and what was expected.
 */
import { z } from 'zod';
import { parseIsoTime } from '../ecs/time.js';
import { evalDateMath, parseDateMath, parseInterval } from '../engine/datemath.js';
import { parseMalformedLimit } from '../io/input-checks.js';
import { ColumnError, resolveColumns } from '../output/columns.js';
import { isTimeZone } from '../output/display-time.js';
import { UserFacingError } from './exit.js';

export const FORMATS = ['pretty', 'ndjson', 'json', 'bulk'] as const;
export const MODES = ['new_terms', 'query'] as const;

/** An instant in any ISO-8601 precision and offset, as event times are read (src/ecs/time.ts). */
const isoInstant = z.string().transform((s, ctx) => {
  const ms = parseIsoTime(s);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `expected an ISO-8601 time such as 2024-05-14T09:00:00Z, got ${JSON.stringify(s)}` });
    return z.NEVER;
  }
  return new Date(ms);
});

/** `--lateness`: 0, or a duration written as rule intervals are (30s, 5m, 1h, 1d). */
const duration = z.string().transform((s, ctx) => {
  if (s === '0') return 0;
  try {
    return parseInterval(s);
  } catch {
    ctx.addIssue({ code: 'custom', message: `expected 0 or a duration such as 30s, 5m, 1h or 1d, got ${JSON.stringify(s)}` });
    return z.NEVER;
  }
});

/**
 * An instant for `--since`/`--until`: ISO-8601, or date math against the wall clock (`now-24h`,
 * `now/d`), as Kibana's time picker takes it. Epoch milliseconds.
 */
export const instantOrDateMath = z.string().transform((s, ctx) => {
  const iso = parseIsoTime(s);
  if (iso !== undefined) return iso;
  const dm = s.startsWith('now') ? parseDateMath(s) : undefined;
  if (dm === undefined) {
    ctx.addIssue({ code: 'custom', message: `expected an ISO-8601 time (2024-05-14T09:00:00Z) or date math (now-24h), got ${JSON.stringify(s)}` });
    return z.NEVER;
  }
  return evalDateMath(dm, Date.now());
});

export const SUMMARY_STYLES = ['short', 'full', 'none'] as const;

/** How the table and the summary look: --columns, --wide, --tz, --summary / -v / -q. */
export const displayOptionsShape = {
  columns: z
    .string()
    .transform((s, ctx) => {
      try {
        return resolveColumns(s.split(',').filter((c) => c.trim() !== ''));
      } catch (e) {
        if (!(e instanceof ColumnError)) throw e;
        ctx.addIssue({ code: 'custom', message: e.message });
        return z.NEVER;
      }
    })
    .optional(),
  wide: z.boolean().default(false),
  tz: z
    .string()
    .refine(isTimeZone, { message: 'expected a time zone such as UTC, Europe/Berlin or America/New_York' })
    .default('UTC'),
  summary: z.enum(SUMMARY_STYLES, { message: `expected one of ${SUMMARY_STYLES.join(', ')}` }).optional(),
  verbose: z.boolean().default(false),
};

const positiveInt = z
  .string()
  .regex(/^\d+$/, 'expected a positive whole number')
  .transform(Number)
  .refine((n) => n > 0, 'expected a positive whole number');

/** `--rule-version N`: a released version of the built-in rule (src/rule/versions.ts says which exist). */
export const ruleVersionOption = z
  .string()
  .regex(/^\d+$/, 'expected a version number such as 210 (list them with `rule versions`)')
  .transform(Number);

/** `--lock-timeout`: `60s`, `2m`, `500ms`, or seconds as a bare number; 0 means do not wait. */
const durationMs = z.string().transform((s, ctx) => {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(s.trim());
  if (!m) {
    ctx.addIssue({ code: 'custom', message: `expected a duration such as 60s, 2m or 500ms, got ${JSON.stringify(s)}` });
    return z.NEVER;
  }
  const n = Number(m[1]);
  return Math.round(m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1000);
});

/** `--max-malformed N|P%`. */
const malformedLimit = z.string().transform((s, ctx) => {
  const limit = parseMalformedLimit(s);
  if (!limit) {
    ctx.addIssue({ code: 'custom', message: `expected a number of lines (e.g. 0, 100) or a percentage of the lines read (e.g. 0.5%), got ${JSON.stringify(s)}` });
    return z.NEVER;
  }
  return limit;
});

/** Options that narrow a directory walk (`--glob`, `--exclude`, repeatable). */
export const walkOptionsShape = {
  glob: z.array(z.string().min(1)).default([]),
  exclude: z.array(z.string().min(1)).default([]),
};

export const scanOptionsSchema = z.object({
  ...walkOptionsShape,
  lockTimeout: durationMs.default(60_000),
  maxMalformed: malformedLimit.optional(),
  mode: z
    .string()
    .transform((s) => s.replace('-', '_'))
    .pipe(z.enum(MODES, { message: `expected one of ${MODES.join(', ')}` }))
    .optional(),
  format: z.enum(FORMATS, { message: `expected one of ${FORMATS.join(', ')}` }).optional(),
  output: z.string().min(1).optional(),
  start: isoInstant.optional(),
  end: isoInstant.optional(),
  runs: z.string().min(1).optional(),
  interval: z.string().min(1).optional(),
  from: z.string().min(1).optional(),
  historyWindowStart: z.string().min(1).optional(),
  maxSignals: positiveInt.optional(),
  rule: z.string().min(1).optional(),
  ruleId: z.string().min(1).optional(),
  ruleVersion: ruleVersionOption.optional(),
  allowUnsupported: z.boolean().default(false),
  mapping: z.string().min(1).optional(),
  exceptions: z.string().min(1).optional(),
  ruleUuid: z.string().min(1).optional(),
  space: z
    .string()
    .regex(/^[a-z0-9_-]+$/, 'expected a Kibana space id (lowercase letters, digits, _ and -)')
    .default('default'),
  state: z.string().min(1).optional(),
  strict: z.boolean().default(false),
  prefilter: z.boolean().default(true),
  exitZero: z.boolean().default(false),
  quiet: z.boolean().default(false),
  color: z.boolean().optional(),
  explain: z.boolean().default(false),
  threads: positiveInt.optional(),
  follow: z.boolean().default(false),
  lateness: duration.optional(),
  debug: z.boolean().default(false),
  count: z.boolean().default(false),
  since: instantOrDateMath.optional(),
  until: instantOrDateMath.optional(),
  nested: z.boolean().default(false),
  ...displayOptionsShape,
});

export type ScanOptions = z.infer<typeof scanOptionsSchema>;

/** Validates raw commander options; a failure becomes a usage error naming the option. */
export function parseOptions<T extends z.ZodTypeAny>(schema: T, raw: unknown): z.infer<T> {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const lines = r.error.issues.map((i) => {
    const opt = i.path.map((p) => `--${String(p).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(' ');
    return `invalid option ${opt}: ${i.message}`;
  });
  throw new UserFacingError(lines.join('\n'));
}
