/**
 * The pure core of writing with suppression (engine/suppression.ts), step by step as rule_registry's
 * alertWithSuppression: ids already written dropped, the existing alert of each instance found from
 * the window start, candidates already counted dropped, in-memory suppression, updates vs creates,
 * and the maxAlerts cap; with every candidate's outcome.
 */
import { describe, expect, it } from 'vitest';
import { persistWithSuppression, type SuppressedAlertRecord, type SuppressionCandidate } from '../../src/engine/suppression.js';

const cand = (id: string, instanceId: string, start: number, end = start, docsCount = 0): SuppressionCandidate<string> => ({ candidate: id, id, instanceId, terms: [], start, end, docsCount });
const existing = (instanceId: string, over: Partial<SuppressedAlertRecord> = {}): SuppressedAlertRecord => ({
  id: `alert-${instanceId}`, instanceId, created: 1000, start: 900, end: 950, docsCount: 0, execution: 'exec-1', lastDetected: 1000, ...over,
});
const params = { runTime: 2000, execution: 'exec-2', windowStart: 1000, perExecutionOnly: false };

describe('persistWithSuppression', () => {
  it('creates one alert per instance id, the earliest candidate, counting the others into docs_count and its end', () => {
    const out = persistWithSuppression([cand('b', 'i1', 20), cand('a', 'i1', 10, 15, 2), cand('c', 'i2', 30)], new Map(), new Set(), params);
    expect(out.created.map((c) => [c.id, c.docsCount, c.start, c.end])).toEqual([['a', 3, 10, 20], ['c', 0, 30, 30]]);
    expect(out.outcomes).toEqual([{ kind: 'into', id: 'a' }, { kind: 'created', id: 'a' }, { kind: 'created', id: 'c' }]);
    expect(out.suppressed).toBe(1);
    expect(out.changes.map((r) => [r.id, r.created, r.execution])).toEqual([['a', 2000, 'exec-2'], ['c', 2000, 'exec-2']]);
  });

  it('updates an existing alert of the window: docs_count + candidate count + 1, end later, start kept (another execution), last_detected now', () => {
    const prior = new Map([['i1', existing('i1')]]);
    const out = persistWithSuppression([cand('x', 'i1', 960, 990, 1)], prior, new Set(), params);
    expect(out.created).toEqual([]);
    expect(out.updated).toEqual([{ ...existing('i1'), docsCount: 2, end: 990, lastDetected: 2000 }]);
    expect(out.outcomes).toEqual([{ kind: 'into', id: 'alert-i1' }]);
  });

  it('drops a candidate whose existing alert (another execution) already ends at or after its end: counted before', () => {
    const prior = new Map([['i1', existing('i1', { end: 990 })]]);
    const out = persistWithSuppression([cand('x', 'i1', 950, 990)], prior, new Set(), params);
    expect(out.updated).toEqual([]);
    expect(out.alreadyCounted).toBe(1);
    expect(out.outcomes).toEqual([{ kind: 'into', id: 'alert-i1' }]);
  });

  it('ignores an existing alert created before the window start, and ids already written', () => {
    const prior = new Map([['i1', existing('i1', { created: 999 })]]);
    const out = persistWithSuppression([cand('x', 'i1', 960), cand('seen', 'i2', 960)], prior, new Set(['seen']), params);
    expect(out.created.map((c) => c.id)).toEqual(['x']);
    expect(out.outcomes).toEqual([{ kind: 'created', id: 'x' }, { kind: 'duplicate', id: 'seen' }]);
  });

  it('per execution only: an alert of another execution is not updated but a new one is created', () => {
    const prior = new Map([['i1', existing('i1')]]);
    const out = persistWithSuppression([cand('x', 'i1', 960, 990)], prior, new Set(), { ...params, perExecutionOnly: true });
    expect(out.created.map((c) => c.id)).toEqual(['x']);
    const same = persistWithSuppression([cand('x', 'i1', 800, 990)], prior, new Set(), { ...params, execution: 'exec-1', perExecutionOnly: true });
    // Within the same execution the start may move earlier.
    expect(same.updated.map((r) => [r.start, r.end, r.docsCount])).toEqual([[800, 990, 1]]);
  });

  it('creates at most maxAlerts, the rest truncated (their merged candidates with them)', () => {
    const out = persistWithSuppression([cand('a', 'i1', 1), cand('b', 'i2', 2), cand('b2', 'i2', 3)], new Map(), new Set(), { ...params, maxAlerts: 1 });
    expect(out.created.map((c) => c.id)).toEqual(['a']);
    expect(out.truncated).toBe(1);
    expect(out.outcomes.map((o) => o.kind)).toEqual(['created', 'truncated', 'truncated']);
  });
});
