/**
 * `--state FILE`: the tracker between invocations, so a daily job over new logs continues where the
 * previous one stopped. Versioned JSON, validated with zod on load, written atomically (temp file in
 * the same directory, then rename). A file that is unreadable, not JSON, not ours, of another format
 * version or for another rule/schedule is a {@link StateFileError} naming the file, never a reset.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { nameFault } from '../io/faults.js';
import { alertSuppressionSchema } from '../rule/alert-suppression.js';

export const STATE_FORMAT = 'kmod-enum-detect/state';
export const STATE_VERSION = 1;

/**
 * The zod schemas, built on first use: constructing them costs milliseconds at every start-up,
 * and only a scan with --state reads a state file.
 */
function buildStateSchemas() {
  const storedEventSchema = z.object({
    source: z.record(z.string(), z.unknown()),
    index: z.string().optional(),
    id: z.string().optional(),
    origin: z.object({ file: z.string(), line: z.number().int() }),
  });

  const isoTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'expected an ISO-8601 time');

  const stateIdentitySchema = z.object({
    rule_id: z.string(),
    rule_version: z.number(),
    rule_uuid: z.string(),
    space: z.string(),
    mode: z.enum(['new_terms', 'query']),
    interval: z.string(),
    from: z.string(),
    to: z.string(),
    history_window_start: z.string().nullable(),
    max_signals: z.number().int().positive(),
    new_terms_fields: z.array(z.string()),
    timestamp_override: z.string().nullable(),
    /** Present only for a rule with alert_suppression (rule/alert-suppression.ts). */
    alert_suppression: alertSuppressionSchema.optional(),
  });

  const scanStateSchema = z.object({
    format: z.literal(STATE_FORMAT),
    version: z.literal(STATE_VERSION),
    identity: stateIdentitySchema,
    /** When the simulated rule was enabled (first run ever), UTC ISO. */
    ruleCreatedAt: isoTime,
    /** Start time of the last simulated run, UTC ISO; null before any run. */
    lastRunTime: isoTime.nullable(),
    /** Alert ids already written, with their source event time (epoch ms) for pruning. */
    emitted: z.array(z.object({ id: z.string(), time: z.number() })),
    /** new_terms combinations: clusters of occurrences (epoch ms) with the first event of each. */
    combos: z.array(
      z.object({
        values: z.array(z.string()),
        clusters: z.array(z.object({ first: z.number(), last: z.number(), event: storedEventSchema })),
      }),
    ),
    /** Clusters of matching-event times (epoch ms) near the last run, for "runs with matches". */
    matchSpans: z.array(z.tuple([z.number(), z.number()])),
    totals: z.object({ runs: z.number().int().nonnegative(), alerts: z.number().int().nonnegative() }),
    /**
     * Alert suppression (engine/suppression-run.ts): the latest suppressible alert per instance id, and
     * a query rule's bucket history. Absent without alert_suppression.
     */
    suppression: z
      .object({
        alerts: z.array(
          z.object({
            id: z.string(),
            instanceId: z.string(),
            created: z.number(),
            start: z.number(),
            end: z.number(),
            docsCount: z.number().int().nonnegative(),
            execution: z.string(),
            lastDetected: z.number(),
          }),
        ),
        history: z.array(z.object({ key: z.array(z.string().nullable()), end: z.number() })),
      })
      .optional(),
  });
  return { storedEventSchema, stateIdentitySchema, scanStateSchema };
}

type StateSchemas = ReturnType<typeof buildStateSchemas>;
let stateSchemasInstance: StateSchemas | undefined;
/** The state file schemas (built once, on first use). */
export function stateSchemas(): StateSchemas {
  return (stateSchemasInstance ??= buildStateSchemas());
}

/** What an invocation leaves for the next (`--state`): alert ids written, new_terms history, last run. */
export type ScanState = z.infer<StateSchemas['scanStateSchema']>;
export type StateIdentity = z.infer<StateSchemas['stateIdentitySchema']>;
export type StoredEvent = z.infer<StateSchemas['storedEventSchema']>;

export type StateFileErrorKind = 'unreadable' | 'not-json' | 'foreign' | 'version' | 'corrupt' | 'mismatch';

/** A state file that cannot be used (unreadable, not ours, another version, corrupt, or for another rule), naming the file. */
export class StateFileError extends Error {
  override readonly name = 'StateFileError';
  constructor(
    readonly file: string,
    readonly kind: StateFileErrorKind,
    detail: string,
  ) {
    super(`state file ${file}: ${detail}`);
  }
}

/** A state together with the file it came from, so later errors can name it. */
export interface LoadedState {
  file: string;
  state: ScanState;
}

/** Parses state text; throws {@link StateFileError} for anything but a valid state of this version. */
export function parseState(text: string, file: string): ScanState {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new StateFileError(file, 'not-json', `is not valid JSON (${(e as Error).message})`);
  }
  if (typeof raw !== 'object' || raw === null || (raw as { format?: unknown }).format !== STATE_FORMAT) {
    throw new StateFileError(file, 'foreign', `is not a kmod-enum-detect state file (no "format": "${STATE_FORMAT}")`);
  }
  const version = (raw as { version?: unknown }).version;
  if (version !== STATE_VERSION) {
    throw new StateFileError(
      file,
      'version',
      `was written in state format version ${JSON.stringify(version)}; this version reads ${STATE_VERSION}`,
    );
  }
  const parsed = stateSchemas().scanStateSchema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first && first.path.length > 0 ? first.path.join('.') : '(root)';
    throw new StateFileError(file, 'corrupt', `is corrupt at ${where}: ${first?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

/** Loads a state file; a missing file is `undefined` (the first invocation), any other problem throws. */
export function loadState(file: string): LoadedState | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    // EACCES, EISDIR, EIO…: the world's fault, named; anything else is ours.
    throw nameFault(e, file, 'read the state file');
  }
  return { file, state: parseState(text, file) };
}

/**
 * A state file being replaced: the temporary file beside the target is created at once, so a path
 * that cannot be written (missing directory, read-only file system, permissions) fails before the
 * scan; `write` fills and fsyncs it, `commit` renames it over the target, `abort` removes it.
 */
export interface StagedState {
  readonly file: string;
  write(state: ScanState): void;
  commit(): void;
  abort(): void;
}

const STATE_WRITE = 'write the state file';

export function stageState(file: string): StagedState {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx', 0o644);
  } catch (e) {
    throw nameFault(e, file, STATE_WRITE);
  }
  let settled = false;
  const removeTmp = (): void => {
    try {
      unlinkSync(tmp);
    } catch {
      // never created, or gone already
    }
  };
  const closeFd = (): void => {
    if (fd === undefined) return;
    try {
      closeSync(fd);
    } catch {
      // closing is best effort once the write failed
    }
    fd = undefined;
  };
  const abort = (): void => {
    if (settled) return;
    settled = true;
    process.off('exit', abort);
    closeFd();
    removeTmp();
  };
  process.on('exit', abort);
  return {
    file,
    write(state) {
      try {
        const bytes = Buffer.from(`${JSON.stringify(state)}\n`, 'utf8');
        let off = 0;
        while (off < bytes.length) off += writeSync(fd!, bytes, off, bytes.length - off);
        fsyncSync(fd!);
        const f = fd!;
        fd = undefined;
        closeSync(f);
      } catch (e) {
        abort();
        throw nameFault(e, file, STATE_WRITE);
      }
    },
    commit() {
      try {
        renameSync(tmp, file);
      } catch (e) {
        abort();
        throw nameFault(e, file, 'replace the state file');
      }
      settled = true;
      process.off('exit', abort);
    },
    abort,
  };
}

/** Writes the state atomically: a temp file beside the target, then rename over it. */
export function saveState(file: string, state: ScanState): void {
  const staged = stageState(file);
  staged.write(state);
  staged.commit();
}

/** The first field where the saved identity differs from the current one, or undefined. */
export function identityMismatch(saved: StateIdentity, current: StateIdentity): string | undefined {
  for (const key of Object.keys(current) as (keyof StateIdentity)[]) {
    const a = JSON.stringify(saved[key]);
    const b = JSON.stringify(current[key]);
    if (a !== b) return `${key} was ${a}, now ${b}`;
  }
  return undefined;
}
