import { describe, expect, it } from 'vitest';
import { untilAborted } from '../../src/io/abortable.js';

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('untilAborted', () => {
  it('yields every item in order when nobody aborts', async () => {
    async function* src() {
      yield* [1, 2, 3];
    }
    expect(await collect(untilAborted(src(), new AbortController().signal))).toEqual([1, 2, 3]);
  });

  it('lets a timer abort a source that never waits on I/O (no event-loop starvation)', async () => {
    let produced = 0;
    async function* busy() {
      // Each next() settles on the microtask queue, like a scan of byte ranges with synchronous reads.
      for (;;) {
        if (++produced > 1_000_000) throw new Error('starved: the timer never ran');
        yield produced;
      }
    }
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('stop')), 5);
    await expect(collect(untilAborted(busy(), ac.signal))).rejects.toThrow('stop');
    expect(produced).toBeLessThan(1_000_000);
  });

  it('releases a consumer waiting on a read that never completes', async () => {
    const never: AsyncIterable<number> = {
      [Symbol.asyncIterator]: () => ({ next: () => new Promise<IteratorResult<number>>(() => {}) }),
    };
    const ac = new AbortController();
    const run = collect(untilAborted(never, ac.signal));
    setTimeout(() => ac.abort(new Error('stop')), 1);
    await expect(run).rejects.toThrow('stop');
  });

  it('asks the source to close when aborted between items', async () => {
    let closed = false;
    async function* src() {
      try {
        for (let i = 0; ; i++) yield i;
      } finally {
        closed = true;
      }
    }
    const ac = new AbortController();
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const x of untilAborted(src(), ac.signal)) {
          seen.push(x);
          if (x === 2) ac.abort(new Error('stop'));
        }
      })(),
    ).rejects.toThrow('stop');
    await new Promise((r) => setImmediate(r));
    expect(seen).toEqual([0, 1, 2]);
    expect(closed).toBe(true);
  });

  it('waits for the source to close when the consumer stops by itself', async () => {
    let closed = false;
    async function* src() {
      try {
        yield* [1, 2, 3];
      } finally {
        await new Promise((r) => setTimeout(r, 5));
        closed = true;
      }
    }
    for await (const x of untilAborted(src(), new AbortController().signal)) if (x === 1) break;
    expect(closed).toBe(true);
  });

  it('refuses to start once aborted', async () => {
    async function* src() {
      yield 1;
    }
    const ac = new AbortController();
    ac.abort(new Error('already'));
    await expect(collect(untilAborted(src(), ac.signal))).rejects.toThrow('already');
  });
});
