import { describe, expect, it } from 'vitest';
import { nestingExceeds } from '../../src/ecs/depth.js';
import { createScanner } from '../../src/engine/scan.js';
import { BUILTIN_RULE } from '../../src/rule/builtin.js';

const nest = (depth: number): unknown => JSON.parse(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);

describe('nesting depth (Elasticsearch refuses documents nested deeper than 1000 levels)', () => {
  it('counts objects and arrays, iteratively, without overflowing the stack at 100,000 levels', () => {
    expect(nestingExceeds(nest(1000))).toBe(false);
    expect(nestingExceeds(nest(1001))).toBe(true);
    expect(nestingExceeds(JSON.parse(`${'['.repeat(2000)}${']'.repeat(2000)}`))).toBe(true);
    expect(nestingExceeds(nest(100_000))).toBe(true);
    expect(nestingExceeds({ a: 'x', b: [1, { c: null }] }, 3)).toBe(false);
    expect(nestingExceeds({ a: 'x', b: [1, { c: {} }] }, 3)).toBe(true);
  });

  it('a matching event nested 100,000 levels deep is set aside with a sample, not a crash', () => {
    const s = createScanner(BUILTIN_RULE, { mode: 'new_terms' });
    const source = {
      '@timestamp': '2024-05-14T10:00:00Z',
      process: { name: 'lsmod', executable: '/usr/bin/kmod', parent: { executable: '/usr/bin/bash' } },
      deep: nest(100_000),
    };
    s.add({ source, origin: { file: 'x.ndjson', line: 3 } });
    const r = s.finish();
    expect(r.alerts).toEqual([]);
    expect(r.summary.eventsTooDeep).toBe(1);
    expect(r.summary.depthIssues).toEqual([{ file: 'x.ndjson', line: 3, message: 'nested deeper than 1000 levels: Elasticsearch would refuse to index it, so it is not evaluated' }]);
  });
});
