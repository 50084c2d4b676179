/**
 * How many threads a scan uses: an explicit --threads, or a default decided by input size and by how
 * idle the machine was since the CLI loaded (measured from CPU times; the load average is a fallback).
 */
import { availableParallelism, cpus, loadavg } from 'node:os';
import { DEFAULT_PARALLEL_MIN_BYTES } from '../io/read-events.js';

/** CPU times of every core, to tell later how idle the machine was in between. */
export type CpuSample = { idle: number; total: number }[];

export function sampleCpus(): CpuSample {
  return cpus().map((c) => ({ idle: c.times.idle, total: c.times.user + c.times.nice + c.times.sys + c.times.idle + c.times.irq }));
}

/** Idle cores between two samples (0…cores); undefined when too little time passed to tell. */
export function idleCores(before: CpuSample, after: CpuSample): number | undefined {
  let idle = 0;
  let total = 0;
  after.forEach((c, i) => {
    idle += c.idle - (before[i]?.idle ?? c.idle);
    total += c.total - (before[i]?.total ?? c.total);
  });
  // CPU times tick in 10 ms steps: under ~80 ms per core the ticks are too few to tell.
  if (total < 80 * after.length) return undefined;
  return (idle / total) * after.length;
}

/** Taken when the CLI loads, so that by the first large file there is a window to measure idleness over. */
const CPU_AT_LOAD = sampleCpus();

/**
 * `--threads N`: N worker threads for every plain file (1: everything on this thread). Without the
 * flag: 2 workers for plain files of DEFAULT_PARALLEL_MIN_BYTES or more, and only when a core was
 * idle since the scan started (or, if too little time passed to tell, by the 1-minute load average).
 * Measured on 2 vCPUs (1.74 GB): with the second core free, 2 workers took 1.33–1.41 s where one
 * thread took 1.68 s; with it busy they cost ~0.5–0.9 s more CPU and lost (2.9 s vs 2.1 s). The
 * output is the same either way.
 */
export function threadPlan(
  threads: number | undefined,
  cores: number,
  idle: () => Promise<number>,
): { threads: number | (() => Promise<number>); parallelMinBytes: number } {
  if (threads !== undefined) return { threads, parallelMinBytes: 0 };
  if (cores < 2) return { threads: 1, parallelMinBytes: DEFAULT_PARALLEL_MIN_BYTES };
  // This process is busy itself while measured: a free second core shows as ~1 idle, a busy one as ~0.
  return { threads: async () => ((await idle()) >= 0.5 ? 2 : 1), parallelMinBytes: DEFAULT_PARALLEL_MIN_BYTES };
}

/** Idle cores since the CLI loaded; waits a little when that was too short ago to tell (large files only). */
export async function idleSinceLoad(): Promise<number> {
  for (let i = 0; i < 5; i++) {
    const idle = idleCores(CPU_AT_LOAD, sampleCpus());
    if (idle !== undefined) return idle;
    await new Promise((r) => setTimeout(r, 20));
  }
  return Math.max(0, availableParallelism() - (loadavg()[0] ?? 0));
}

