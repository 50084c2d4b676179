import { describe, expect, it } from 'vitest';
import { threadPlan } from '../../src/cli/scan.js';
import { DEFAULT_PARALLEL_MIN_BYTES } from '../../src/io/scan-inputs.js';

describe('threadPlan (--threads and its default)', () => {
  it('--threads N is taken as given, for files of any size', () => {
    expect(threadPlan(3, 2, 5)).toEqual({ threads: 3, parallelMinBytes: 0 });
    expect(threadPlan(1, 8, 0)).toEqual({ threads: 1, parallelMinBytes: 0 });
  });

  it('by default uses 2 workers for large files only when a core looks idle', () => {
    expect(threadPlan(undefined, 2, 0.3)).toEqual({ threads: 2, parallelMinBytes: DEFAULT_PARALLEL_MIN_BYTES });
    expect(threadPlan(undefined, 2, 1.5).threads).toBe(1);
    expect(threadPlan(undefined, 8, 3).threads).toBe(2);
    expect(threadPlan(undefined, 1, 0).threads).toBe(1);
  });
});
