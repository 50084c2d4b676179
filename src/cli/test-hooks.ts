/**
 * Hooks for the end-to-end tests, enabled only by an environment variable nobody sets by accident.
 *
 * KMOD_ENUM_DETECT_TEST_BATCH_MS=N blocks the main thread for N ms after each input batch, standing
 * for a CPU-bound scan: a test can then deliver a signal while the scan is provably busy (it waits
 * for the `--debug` line of the first batch, never for a fixed time) and check that the signal is
 * still seen before the input ends.
 */
export function batchPause(env: Readonly<Record<string, string | undefined>>): (() => void) | undefined {
  const ms = Number(env['KMOD_ENUM_DETECT_TEST_BATCH_MS'] ?? '');
  if (!Number.isFinite(ms) || ms <= 0) return undefined;
  const cell = new Int32Array(new SharedArrayBuffer(4));
  // Atomics.wait blocks the thread synchronously, as a long stretch of scanning would.
  return () => void Atomics.wait(cell, 0, 0, ms);
}
