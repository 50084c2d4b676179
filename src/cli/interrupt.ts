/**
 * What a run does when it is told to stop: SIGINT (Ctrl-C), SIGTERM (a supervisor, `timeout`) or
 * SIGHUP (the terminal went away). One owner for the process's signal handling, so every input kind
 * stops the same way:
 *
 * - the first signal aborts `signal` (an AbortSignal whose reason is an {@link Interrupted}); the run
 *   notices it between batches (see io/abortable.ts), drops what it has not committed (an atomic
 *   `--output` is removed, `--state` is not saved) and calls {@link RunInterrupt.exit};
 * - a signal that arrives while outputs are being committed (output renamed into place, state saved)
 *   waits for the commit, so the two files never disagree; the run then exits as interrupted;
 * - a backstop: if the run has not exited `graceMs` after the signal (a write blocked on a reader that
 *   never reads, a read that never returns), the process exits anyway; exit hooks remove temporary
 *   files (output/sink.ts) and the state is only ever written synchronously, so nothing is half-written;
 * - a second signal exits at once.
 *
 * Exit codes are the shell's 128 + signal number: 130 SIGINT, 143 SIGTERM, 129 SIGHUP. One line on
 * stderr, no stack trace.
 */

export const STOP_SIGNALS = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 } as const;
export type StopSignal = keyof typeof STOP_SIGNALS;

/** The abort reason: which signal stopped the run. */
export class Interrupted extends Error {
  override readonly name = 'Interrupted';
  constructor(
    readonly signal: StopSignal,
    /** The signal came while outputs were being committed, and the commit was finished first. */
    readonly afterCommit = false,
  ) {
    super(afterCommit ? `interrupted by ${signal} after the results were written` : `interrupted by ${signal}`);
  }

  get exitCode(): number {
    return STOP_SIGNALS[this.signal];
  }
}

/** The parts of `process` the trap uses; a fake one makes the module testable in-process. */
export interface SignalHost {
  on(signal: StopSignal, listener: () => void): unknown;
  off(signal: StopSignal, listener: () => void): unknown;
  exit(code: number): void;
  stderr: { write(text: string): unknown };
}

export interface TrapOptions {
  /** Prefix of the stderr line (the program's name). */
  program?: string;
  /** How long the run may take to wind down before the process exits anyway. */
  graceMs?: number;
  host?: SignalHost;
}

export interface RunInterrupt {
  /** Aborted with an {@link Interrupted} reason at the first stop signal (outside a commit). */
  readonly signal: AbortSignal;
  /** Throws the {@link Interrupted} reason once a stop signal has arrived. */
  check(): void;
  /**
   * Runs `fn` (writing outputs into place) with stop signals held back: one that arrives meanwhile
   * takes effect when `fn` is done, and `commit` then throws it as {@link Interrupted}.
   */
  commit<T>(fn: () => Promise<T> | T): Promise<T>;
  /**
   * Ends the process as interrupted: one line on stderr (`detail`, if any, after the signal's name)
   * and the signal's exit code. Never returns.
   */
  exit(reason: Interrupted, detail?: string): never;
  /** Removes the handlers (the run is over and exits normally). */
  dispose(): void;
}

export const DEFAULT_GRACE_MS = 400;

export function trapStopSignals(opts: TrapOptions = {}): RunInterrupt {
  const host: SignalHost = opts.host ?? (process as unknown as SignalHost);
  const program = opts.program ?? 'kmod-enum-detect';
  const graceMs = opts.graceMs ?? DEFAULT_GRACE_MS;
  const controller = new AbortController();
  let committing = 0;
  let held: Interrupted | undefined;
  let reported = false;
  let backstop: ReturnType<typeof setTimeout> | undefined;

  const exitNow = (reason: Interrupted, detail?: string): void => {
    if (!reported) {
      reported = true;
      host.stderr.write(`${program}: ${reason.message}${detail ? `; ${detail}` : ''}\n`);
    }
    host.exit(reason.exitCode);
  };

  const stop = (reason: Interrupted): void => {
    controller.abort(reason);
    backstop = setTimeout(() => exitNow(reason), graceMs);
  };

  const listeners = (Object.keys(STOP_SIGNALS) as StopSignal[]).map((sig) => {
    const listener = (): void => {
      const reason = new Interrupted(sig);
      // A second signal: the user means it.
      if (controller.signal.aborted || held !== undefined) {
        exitNow(controller.signal.aborted ? (controller.signal.reason as Interrupted) : reason);
        return;
      }
      if (committing > 0) held = reason;
      else stop(reason);
    };
    host.on(sig, listener);
    return [sig, listener] as const;
  });

  const dispose = (): void => {
    for (const [sig, listener] of listeners) host.off(sig, listener);
    if (backstop !== undefined) clearTimeout(backstop);
  };

  return {
    signal: controller.signal,
    check() {
      controller.signal.throwIfAborted();
    },
    async commit(fn) {
      controller.signal.throwIfAborted();
      committing++;
      try {
        return await fn();
      } finally {
        committing--;
        if (committing === 0 && held !== undefined) {
          const reason = new Interrupted(held.signal, true);
          held = undefined;
          stop(reason);
        }
        controller.signal.throwIfAborted();
      }
    },
    exit(reason, detail) {
      dispose();
      exitNow(reason, detail);
      // Only a fake host returns from exit().
      throw reason;
    },
    dispose,
  };
}

/** What an interrupted batch run left behind (its --output and --state files), for its one stderr line. */
export function keptMessage(e: Interrupted, opts: { output?: string | undefined; state?: string | undefined }): string | undefined {
  const files = [opts.output !== undefined && opts.output !== '-' ? `--output ${opts.output}` : '', opts.state !== undefined ? `--state ${opts.state}` : ''].filter((f) => f !== '');
  if (files.length === 0) return undefined;
  return e.afterCommit ? `${files.join(' and ')} written` : `${files.join(' and ')} left as ${files.length > 1 ? 'they were' : 'it was'}`;
}
