/**
 * Which inputs scanInputs hands to worker threads: plain line-per-event files at or above the size
 * threshold; gzip, pretty-printed files and small files stay on the main thread.
 */
import { describe, expect, it } from 'vitest';
import { Accounting } from '../../src/io/accounting.js';
import { scanInputs, type InputScanOptions } from '../../src/io/scan-inputs.js';
import { compileKql } from '../../src/kql/compile.js';
import { parseKql } from '../../src/kql/parse.js';
import { derivePrefilter } from '../../src/kql/prefilter.js';
import { BUILTIN_RULE } from '../../src/rule/builtin.js';

const query = parseKql(BUILTIN_RULE.query);
const base: InputScanOptions = {
  query,
  predicate: compileKql(query),
  indexPatterns: BUILTIN_RULE.index,
  prefilter: derivePrefilter(query),
  strict: false,
  threads: 2,
  parallelMinBytes: 0,
};

async function drain(inputs: string[], opts: InputScanOptions) {
  const scan = scanInputs(inputs, opts, new Accounting());
  let matches = 0;
  for await (const b of scan.batches) matches += b.matches.length;
  return { matches, split: scan.splitFiles(), needles: scan.prefilter()?.needles.map((n) => n.text) };
}

describe('scanInputs', () => {
  it('splits plain NDJSON files across workers, but not gzip or pretty-printed files', async () => {
    const r = await drain(['fixtures/shapes/bare.ndjson', 'fixtures/shapes/events.ndjson.gz', 'fixtures/shapes/es-archiver.json', 'fixtures/demo/events.ndjson'], base);
    expect(r.split).toBe(2);
  }, 60_000);

  it('keeps files under the size threshold, and everything under one thread, on the main thread', async () => {
    expect((await drain(['fixtures/demo/events.ndjson'], { ...base, parallelMinBytes: 1 << 20 })).split).toBe(0);
    expect((await drain(['fixtures/demo/events.ndjson'], { ...base, threads: 1 })).split).toBe(0);
  });

  it('finds the same matches and calibrates the same prefilter with and without workers', async () => {
    const one = await drain(['fixtures/demo/events.ndjson'], { ...base, threads: 1 });
    const two = await drain(['fixtures/demo/events.ndjson'], base);
    expect(two.split).toBe(1);
    expect(two).toEqual({ ...one, split: 1 });
  }, 60_000);
});
