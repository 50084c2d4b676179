/**
 * One query-rule tuple grouped as groupAndBulkCreate groups it (engine/suppression-query.ts): the
 * bucket history filter (buildBucketHistoryFilter: a remembered bucket's events at or before its end
 * are not searched again), composite key order with the null key last, and the doNotSuppress split.
 */
import { describe, expect, it } from 'vitest';
import { groupQueryTuple, type GroupableEvent } from '../../src/engine/suppression-query.js';

const e = (name: string, time: number, ...fieldTerms: string[][]): GroupableEvent<string> => ({ candidate: name, time, fieldTerms });
const base = { from: 0, maxSignals: 100, missingBucket: true, codecs: undefined };

describe('groupQueryTuple', () => {
  it("leaves out events of a remembered bucket up to its end, a multi-valued event if any of its keys is remembered, and forgets buckets ending at or before from", () => {
    const events = [e('a5', 5, ['a']), e('a15', 15, ['a']), e('ab5', 5, ['a', 'b']), e('b5', 5, ['b']), e('none5', 5, []), e('c5', 5, ['c'])];
    const history = [{ key: ['a'], end: 10 }, { key: [null], end: 10 }, { key: ['c'], end: 0 }];
    const g = groupQueryTuple(events, history, base);
    expect(g.buckets.map((b) => [b.key, b.members])).toEqual([
      [['a'], ['a15']],
      [['b'], ['b5']],
      [['c'], ['c5']],
    ]);
    expect(g.history).toEqual([{ key: ['a'], end: 10 }, { key: [null], end: 10 }, { key: ['a'], end: 15 }, { key: ['b'], end: 5 }, { key: ['c'], end: 5 }]);
  });

  it('orders keys field by field with the missing (null) key last, takes the earliest event as the bucket top, and counts', () => {
    const g = groupQueryTuple([e('x2', 2, ['b'], []), e('x1', 1, ['b'], []), e('y', 3, ['a'], ['z']), e('w', 4, ['b'], ['y'])], [], base);
    expect(g.buckets.map((b) => [b.key, b.count, b.top, b.min, b.max])).toEqual([
      [['a', 'z'], 1, 'y', 3, 3],
      [['b', 'y'], 1, 'w', 4, 4],
      [['b', null], 2, 'x1', 1, 2],
    ]);
  });

  it('doNotSuppress: events missing a field are in no bucket but listed for plain alerts, up to max_signals − buckets', () => {
    const g = groupQueryTuple([e('m', 1, []), e('a', 2, ['a']), e('b', 3, ['b'])], [], { ...base, missingBucket: false, maxSignals: 3 });
    expect(g.buckets.map((b) => b.key)).toEqual([['a'], ['b']]);
    expect(g.unsuppressible).toEqual(['m']);
    expect(g.unsuppressibleLimit).toBe(1);
  });

  it('fetches max_signals + 1 buckets and says it is over max_signals; the rest are not fetched', () => {
    const g = groupQueryTuple(['a', 'b', 'c', 'd'].map((k, i) => e(k, i, [k])), [], { ...base, maxSignals: 2 });
    expect(g.buckets.map((b) => b.top)).toEqual(['a', 'b', 'c']);
    expect(g.overMax).toBe(true);
    expect(g.unfetched.map((b) => b.top)).toEqual(['d']);
  });
});
