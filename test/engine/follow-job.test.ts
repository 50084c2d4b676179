import { describe, expect, it } from 'vitest';
import { newestTimeIn, withWatermarkProbe } from '../../src/engine/follow-job.js';
import type { LineBatch } from '../../src/io/lines.js';

const FIELDS = { primary: 'event.ingested', secondary: '@timestamp' };

function batchOf(lines: string[]): LineBatch {
  const buf = Buffer.from(lines.join('\n'));
  const starts: number[] = [];
  const ends: number[] = [];
  let at = 0;
  for (const l of lines) {
    starts.push(at);
    ends.push(at + Buffer.byteLength(l));
    at += Buffer.byteLength(l) + 1;
  }
  return { file: 't', buf, starts, ends, firstLine: 1, count: lines.length };
}

describe('newestTimeIn', () => {
  it('reads the newest rule timestamp among the last lines, in any shape, past blank and broken lines', () => {
    const b = batchOf([
      '{"@timestamp":"2024-05-14T12:00:00Z"}',
      '{"_index":"i","_id":"x","_source":{"event":{"ingested":"2024-05-14T10:00:05Z"},"@timestamp":"2024-05-14T09:00:00Z"}}',
      '',
      '{"event":{"ingested":"2024-05-14T10:00:01.5+00:00"}}',
      '{not json',
    ]);
    // The first line has no event.ingested: its @timestamp counts, as the rule's timestamp falls back.
    expect(newestTimeIn(b, FIELDS)).toBe(Date.parse('2024-05-14T12:00:00Z'));
    expect(newestTimeIn(b, FIELDS, 3)).toBe(Date.parse('2024-05-14T10:00:05Z'));
    // Only the last 2 non-blank lines: the broken one and the 10:00:01.5 event.
    expect(newestTimeIn(b, FIELDS, 2)).toBe(Date.parse('2024-05-14T10:00:01.500Z'));
  });

  it('finds nothing in lines without a usable time', () => {
    expect(newestTimeIn(batchOf(['{"a":1}', '[1,2]', '']), FIELDS)).toBeUndefined();
  });
});

describe('withWatermarkProbe', () => {
  it('reports each batch and keeps the inner prefilter answer, and never travels to workers', () => {
    const seen: number[] = [];
    const mask = new Uint8Array([0]);
    const job = withWatermarkProbe({ prefilter: () => mask, portable: () => ({ worker: new URL('file:///x'), data: null, parsesEveryLine: false }) }, FIELDS, (ms) => seen.push(ms));
    expect(job.prefilter!(batchOf(['{"@timestamp":"2024-05-14T10:00:00Z"}']))).toBe(mask);
    expect(seen).toEqual([Date.parse('2024-05-14T10:00:00Z')]);
    expect(job.portable).toBeUndefined();
  });
});
