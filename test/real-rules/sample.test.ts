import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { measure } from './measure.js';

const sample = readFileSync(new URL('./sample-queries.ndjson', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as { rule_id: string; query: string });

describe("Elastic's rules that touch non-keyword fields (committed sample)", () => {
  it('every query compiles with ECS field types: none is refused for its field types', () => {
    const m = measure(sample);
    expect(m.kueryRules).toBe(sample.length);
    expect(m.refused).toEqual([]);
    expect(m.compiled).toBe(sample.length);
    expect(m.touchingNonKeyword).toBe(sample.length);
    expect(Object.keys(m.byType).sort()).toEqual(['boolean', 'ip', 'long', 'match_only_text', 'wildcard']);
  });
});
