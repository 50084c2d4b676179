import { describe, expect, it } from 'vitest';
import { idleCores, threadPlan, type CpuSample } from '../../src/cli/thread-plan.js';
import { DEFAULT_PARALLEL_MIN_BYTES } from '../../src/io/read-events.js';

const decide = async (plan: ReturnType<typeof threadPlan>): Promise<number> => (typeof plan.threads === 'number' ? plan.threads : plan.threads());

describe('threadPlan (--threads and its default)', () => {
  it('--threads N is taken as given, for files of any size', () => {
    expect(threadPlan(3, 2, async () => 0)).toEqual({ threads: 3, parallelMinBytes: 0 });
    expect(threadPlan(1, 8, async () => 8)).toEqual({ threads: 1, parallelMinBytes: 0 });
  });

  it('by default uses 2 workers for large files only when a core is idle', async () => {
    expect(threadPlan(undefined, 2, async () => 1.6).parallelMinBytes).toBe(DEFAULT_PARALLEL_MIN_BYTES);
    expect(await decide(threadPlan(undefined, 2, async () => 1.6))).toBe(2);
    expect(await decide(threadPlan(undefined, 2, async () => 0.3))).toBe(1);
    expect(await decide(threadPlan(undefined, 2, async () => 0.9))).toBe(2);
    expect(await decide(threadPlan(undefined, 1, async () => 1))).toBe(1);
  });
});

describe('idleCores', () => {
  const s = (...cores: [number, number][]): CpuSample => cores.map(([idle, total]) => ({ idle, total }));
  it('counts idle time over all cores', () => {
    expect(idleCores(s([0, 0], [0, 0]), s([100, 100], [0, 100]))).toBeCloseTo(1);
    expect(idleCores(s([0, 0], [0, 0]), s([50, 100], [50, 100]))).toBeCloseTo(1);
  });
  it('says nothing about a window too short to measure', () => {
    expect(idleCores(s([0, 0], [0, 0]), s([50, 50], [0, 50]))).toBeUndefined();
  });
});
