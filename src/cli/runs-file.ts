/**
 * `--runs FILE`: explicit run times, one ISO-8601 time per line; blank lines and `#` comments are
 * ignored. Times must go forwards (Kibana's task manager never starts a run before the previous one)
 * and come after the last run a `--state` file recorded; a file that breaks this is an input error
 * naming the file, the line and both times.
 */
import { readFile } from 'node:fs/promises';
import { formatTime, parseIsoTime } from '../ecs/time.js';
import { nameFault } from '../io/faults.js';
import { UserFacingError } from './exit.js';

export interface RunTime {
  time: Date;
  /** 1-based line in the runs file. */
  line: number;
}

export async function readRunTimes(file: string): Promise<RunTime[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const named = nameFault(e, `--runs ${file}`, 'read the runs file');
    throw named instanceof Error && named !== e ? named : new UserFacingError(`--runs ${file}: cannot be read (${(e as Error).message})`);
  }
  const runs: RunTime[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const ms = parseIsoTime(line);
    if (ms === undefined) {
      throw new UserFacingError(`${file}:${i + 1}:1: expected an ISO-8601 run time such as 2024-05-14T09:05:00Z, found ${JSON.stringify(line.length > 80 ? `${line.slice(0, 80)}…` : line)}`);
    }
    const prev = runs[runs.length - 1];
    if (prev && ms <= prev.time.getTime()) {
      throw new UserFacingError(
        `${file}:${i + 1}:1: run time ${formatTime(ms)} is not after the run time on line ${prev.line} (${formatTime(prev.time.getTime())}): ` +
          'run times must increase, one run after another as Kibana starts them',
      );
    }
    runs.push({ time: new Date(ms), line: i + 1 });
  });
  if (runs.length === 0) throw new UserFacingError(`${file}: no run times (expected one ISO-8601 time per line)`);
  return runs;
}

/** `--runs FILE` as run times only (see {@link readRunTimes}). */
export async function readRunsFile(file: string): Promise<Date[]> {
  return (await readRunTimes(file)).map((r) => r.time);
}

/** The runs of a continuation must come after the last run recorded in the state file. */
export function checkRunsAfterState(file: string, runs: readonly RunTime[], stateFile: string, lastRunTime: string | null): void {
  if (lastRunTime === null || runs.length === 0) return;
  const last = Date.parse(lastRunTime);
  const first = runs[0]!;
  if (first.time.getTime() <= last) {
    throw new UserFacingError(
      `${file}:${first.line}:1: run time ${formatTime(first.time.getTime())} is not after the last run recorded in state file ${stateFile} (${formatTime(last)}): ` +
        'a continuation runs after the previous invocation; drop the runs already done or use another --state',
    );
  }
}
