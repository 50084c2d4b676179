/**
 * `--state FILE` for one invocation: lock it (serialising invocations that share it), load it, and
 * create the temporary file that will replace it, all before the scan, so a state that cannot be
 * locked, read or written fails before any work and before any output is replaced. At the end the
 * caller writes the new state, commits its other outputs, then commits the state and releases the
 * lock (see cli/scan.ts for the order).
 */
import { lockState, StateLockTimeout, type StateLock } from '../engine/state-lock.js';
import { loadState, stageState, StateFileError, type LoadedState, type ScanState, type StagedState } from '../engine/state.js';
import { UserFacingError } from './exit.js';

export interface StateSession {
  readonly file: string;
  readonly loaded: LoadedState | undefined;
  /** Writes and fsyncs the new state beside the old one (nothing replaced yet). */
  write(state: ScanState): void;
  /** Replaces the state file with what `write` wrote. */
  commit(): void;
  /** Drops what was written; the old state stays. */
  abort(): void;
  /** Releases the lock (after commit or abort). */
  release(): void;
  /** abort + release: a failure before the run's own error handling takes over. */
  drop(): void;
}

export interface StateSessionOptions {
  lockTimeoutMs: number;
  /** Where to say that the lock is held and we wait (nothing when quiet). */
  notice?: (message: string) => void;
}

export async function openStateSession(file: string, opts: StateSessionOptions): Promise<StateSession> {
  let lock: StateLock;
  try {
    lock = await lockState(file, {
      timeoutMs: opts.lockTimeoutMs,
      onWait: (h) =>
        opts.notice?.(
          `state file ${file} is locked by ${h ? `process ${h.pid}` : 'another process'}; waiting up to ${opts.lockTimeoutMs / 1000} s (--lock-timeout)`,
        ),
    });
  } catch (e) {
    if (e instanceof StateLockTimeout) throw new UserFacingError(e.message);
    throw e;
  }
  let loaded: LoadedState | undefined;
  let staged: StagedState;
  try {
    loaded = loadState(file);
    staged = stageState(file);
  } catch (e) {
    lock.release();
    if (e instanceof StateFileError) throw new UserFacingError(e.message);
    throw e;
  }
  return {
    file,
    loaded,
    write: (state) => staged.write(state),
    commit: () => staged.commit(),
    abort: () => staged.abort(),
    release: () => lock.release(),
    drop: () => {
      staged.abort();
      lock.release();
    },
  };
}

/**
 * The session a command's `--state` option asks for (undefined without one), saying on stderr that it
 * waits for the lock unless `--quiet`.
 */
export async function stateSessionFor(opts: { state?: string | undefined; lockTimeout: number; quiet: boolean }): Promise<StateSession | undefined> {
  if (opts.state === undefined) return undefined;
  return openStateSession(opts.state, {
    lockTimeoutMs: opts.lockTimeout,
    ...(!opts.quiet && { notice: (m: string) => process.stderr.write(`kmod-enum-detect: ${m}\n`) }),
  });
}
