/**
 * What the CLI says about its inputs beyond the per-line accounting: directories expanded into the
 * files that hold events (and the files skipped, reported), verdicts that fail a run (a file that
 * holds no events, too many malformed lines) and late events (`--quiet` keeps the warnings that say them).
 */
import type { Accounting } from '../io/accounting.js';
import { formatUndecodable, malformedOverLimit, undecodableFiles, type MalformedLimit } from '../io/input-checks.js';
import { resolveInputs } from '../io/sources.js';
import { formatSkipped, type SkippedFile } from '../io/walk.js';
import type { LateEvents } from '../engine/scan.js';
import { EXIT_USAGE, UserFacingError } from './exit.js';

export interface ExpandedInputs {
  /** Files (and `-`) to read, directories replaced by the files in them that hold events. */
  inputs: string[];
  /** Files in directories that hold no events: skipped, and said. */
  skipped: SkippedFile[];
  /** Files in directories left out by --glob / --exclude. */
  excluded: number;
  skippedWarning(): string;
}

export async function expandInputs(inputs: readonly string[], walk: { glob: readonly string[]; exclude: readonly string[] }): Promise<ExpandedInputs> {
  const skipped: SkippedFile[] = [];
  let excluded = 0;
  if (inputs.length === 0) return { inputs: [], skipped, excluded, skippedWarning: () => '' };
  const sources = await resolveInputs(inputs, {
    glob: walk.glob,
    exclude: walk.exclude,
    onSkip: (s) => skipped.push(s),
    onExcluded: () => excluded++,
  });
  return {
    inputs: sources.map((s) => (s.kind === 'stdin' ? '-' : s.name)),
    skipped,
    excluded,
    skippedWarning: () => formatSkipped(skipped),
  };
}

/**
 * Throws an input error (exit 2) when a file held no events at all (every non-blank line malformed:
 * compressed with another algorithm, binary, plain text) or when malformed lines exceed --max-malformed.
 */
export function inputVerdicts(acct: Accounting, limit: MalformedLimit | undefined): void {
  const bad = undecodableFiles(acct);
  if (bad.length > 0) {
    const shown = bad.slice(0, 10).map(formatUndecodable);
    if (bad.length > 10) shown.push(`… and ${bad.length - 10} more files`);
    throw new UserFacingError(`${shown.join('\n')}\n(an input that holds no events is an error, not a clean run)`, EXIT_USAGE);
  }
  if (limit) {
    const over = malformedOverLimit(acct.total, limit);
    if (over) throw new UserFacingError(`${over}; first problems:\n${acct.problemLines().slice(0, 3).join('\n')}`, EXIT_USAGE);
  }
}

/** The warning for events older than the state's last run, or undefined when there are none. */
export function lateEventsWarning(late: LateEvents | null, stateFile: string | undefined): string | undefined {
  if (!late || late.events === 0) return undefined;
  const span = late.first === late.last ? `at ${late.first}` : `from ${late.first} to ${late.last}`;
  return (
    `late events: ${late.events} matching event${late.events === 1 ? '' : 's'} ${span} ${late.events === 1 ? 'is' : 'are'} older than ` +
    `the last run recorded in ${stateFile ?? 'the state file'} (${late.lastRun}) and before the first window after it (${late.firstWindowFrom}): ` +
    'no run searched them (Kibana would not have either), so they count as history only and cannot alert'
  );
}
