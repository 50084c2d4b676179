/**
 * Iterating a source until a stop is asked for. Two things make "stop within half a second" hold for
 * every input kind:
 *
 * - a pending read (stdin with nothing to say, a `tail -F`) is raced against the abort, so the caller
 *   is released at once instead of when the next chunk arrives;
 * - after each item the loop takes one turn of the event loop (setImmediate). A source that never
 *   waits on I/O (byte ranges scanned with synchronous reads on this thread) resolves every `next()`
 *   on the microtask queue, which starves signal handlers and timers: before this, SIGINT during a
 *   one-thread scan was only seen once the whole input had been read. One turn per batch (~1 MiB or a
 *   piece) costs microseconds.
 *
 * On abort the source's `return()` is requested but not awaited: a generator suspended on a read
 * cannot run its `finally` until that read completes, and the caller is about to exit anyway.
 */

const immediate = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Settles after the event loop has polled for I/O at least once (signals arrive that way). One
 * setImmediate is not enough: called from an I/O callback it runs in the same loop iteration's check
 * phase, before the next poll; the second one runs in the next iteration, after its poll phase.
 */
export async function eventLoopTurn(): Promise<void> {
  await immediate();
  await immediate();
}

export async function* untilAborted<T>(source: AsyncIterable<T>, signal: AbortSignal): AsyncGenerator<T> {
  signal.throwIfAborted();
  const it = source[Symbol.asyncIterator]();
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  // Rejects only if aborted; observed by the race below, never unhandled.
  aborted.catch(() => {});
  let finished = false;
  try {
    for (;;) {
      const next = it.next();
      // Left pending when the abort wins; a later failure of that read must not go unhandled.
      next.catch(() => {});
      const step = await Promise.race([next, aborted]);
      if (step.done === true) {
        finished = true;
        return;
      }
      yield step.value;
      await eventLoopTurn();
      signal.throwIfAborted();
    }
  } finally {
    signal.removeEventListener('abort', onAbort!);
    if (!finished) {
      const closing = Promise.resolve(it.return?.()).catch(() => {});
      // A consumer that stops for its own reasons waits for the source to close its files.
      if (!signal.aborted) await closing;
    }
  }
}
