/**
 * The scan's reading (readInputs with the scan job, worker threads for large plain files) against
 * readEvents with the prefilter hook as scan.ts once wired it: on every input, with one thread or
 * several, the same matching events (source, origin, _index, _id) in the same order, the same
 * accounting (per file, problems with their line numbers) and the same calibrated prefilter. Also
 * which inputs go to workers: plain line-per-event files at or above the size threshold and larger
 * than the head read on the main thread, and gzip files (a stream: inflated here, scanned there), never pretty-printed files.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Accounting } from '../../src/io/accounting.js';
import type { LineBatch } from '../../src/io/lines.js';
import { readEvents, readInputs, type ReadInputsOptions } from '../../src/io/read-events.js';
import { createScanJob, type ReadJobSpec } from '../../src/engine/read-job.js';
import type { SourceEvent } from '../../src/io/types.js';
import { compileKql } from '../../src/kql/compile.js';
import { parseKql } from '../../src/kql/parse.js';
import { derivePrefilter, type Prefilter } from '../../src/kql/prefilter.js';
import { calibratePrefilter, prefilterBatch } from '../../src/kql/prefilter-scan.js';
import { BUILTIN_RULE } from '../../src/rule/builtin.js';
import { compileIndexFilter } from '../../src/rule/index-patterns.js';
import { writeTestFiles, type TestFiles } from './test-files.js';

const query = parseKql(BUILTIN_RULE.query);
const predicate = compileKql(query);
interface ScanReadOptions extends ReadInputsOptions {
  prefilter: Prefilter | null;
  strict: boolean;
}

const base: ScanReadOptions = {
  prefilter: derivePrefilter(query),
  strict: false,
  threads: 2,
  parallelMinBytes: 0,
};

interface Outcome {
  matches: SourceEvent[];
  accounting: ReturnType<Accounting['snapshot']>;
  needles: string[] | undefined;
  error?: string;
}

/** What scan.ts did before byte ranges: the stream reader, the prefilter hook, the predicate. */
async function viaStreamReader(inputs: string[], strict: boolean, usePrefilter = true): Promise<Outcome> {
  let pf: Prefilter | null = usePrefilter && !strict ? derivePrefilter(query) : null;
  let calibrated = false;
  const hook = (batch: LineBatch): Uint8Array => {
    if (!calibrated) {
      pf = calibratePrefilter(pf!, batch);
      calibrated = true;
    }
    return prefilterBatch(pf!, batch);
  };
  const acct = new Accounting({ strict });
  const matches: SourceEvent[] = [];
  let error: string | undefined;
  try {
    for await (const evs of readEvents(inputs, { strict, indexFilter: compileIndexFilter(BUILTIN_RULE.index), ...(pf !== null && { prefilter: hook }) }, acct)) {
      for (const ev of evs) if (predicate(ev.source)) matches.push(ev);
    }
  } catch (e) {
    error = (e as Error).message;
  }
  return { matches, accounting: acct.snapshot(), needles: (pf as Prefilter | null)?.needles.map((n) => n.text), ...(error !== undefined && { error }) };
}

async function viaScanInputs(inputs: string[], opts: ScanReadOptions): Promise<Outcome & { split: number }> {
  const { prefilter, strict, ...readOpts } = opts;
  const acct = new Accounting({ strict });
  const spec: ReadJobSpec = { query, prefilter, indexPatterns: BUILTIN_RULE.index };
  const scanJob = createScanJob(spec);
  const read = readInputs(inputs, scanJob.job, acct, readOpts);
  const matches: SourceEvent[] = [];
  let error: string | undefined;
  try {
    for await (const b of read.batches) matches.push(...b.matches);
  } catch (e) {
    error = (e as Error).message;
  }
  return {
    matches,
    accounting: acct.snapshot(),
    needles: scanJob.prefilter()?.needles.map((n) => n.text),
    ...(error !== undefined && { error }),
    split: read.splitFiles(),
  };
}

let dir: string;
let files: TestFiles;
/** The big file gzipped, and its events as a multi-MB pretty-printed es_archiver file. */
let bigGz: string;
let bigArchive: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kmod-scan-inputs-'));
  files = await writeTestFiles(dir);
  bigGz = join(dir, 'big.ndjson.gz');
  writeFileSync(bigGz, gzipSync(readFileSync(files.big)));
  bigArchive = join(dir, 'big-archive.json');
  const docs: string[] = [];
  for (const line of readFileSync(files.big, 'utf8').split('\n')) {
    try {
      const source: unknown = JSON.parse(line);
      if (typeof source === 'object' && source !== null && !Array.isArray(source)) {
        docs.push(JSON.stringify({ type: 'doc', value: { index: 'logs-endpoint.events.process-default', id: String(docs.length), source } }, null, 2));
      }
    } catch {
      // the test file's problem lines have no place in an archive
    }
  }
  writeFileSync(bigArchive, `${docs.join('\n\n')}\n`);
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the scan reads what readEvents reads', () => {
  for (const threads of [1, 2, 3]) {
    it(`a multi-MB file with problem lines, ${threads} thread(s)`, async () => {
      const want = await viaStreamReader([files.big], false);
      const got = await viaScanInputs([files.big], { ...base, threads });
      expect(got.split).toBe(threads > 1 ? 1 : 0);
      expect({ ...got, split: undefined }).toEqual({ ...want, split: undefined });
      expect(want.matches.length).toBeGreaterThan(100);
      expect(want.accounting.total.prefiltered).toBeGreaterThan(1000);
      expect(want.accounting.total.malformed).toBeGreaterThan(10);
    }, 60_000);
  }

  it('without a prefilter (every line parsed in the workers)', async () => {
    const want = await viaStreamReader([files.big], false, false);
    const got = await viaScanInputs([files.big], { ...base, prefilter: null });
    expect({ ...got, split: undefined }).toEqual({ ...want, split: undefined });
  }, 60_000);

  it('under --strict: the same first bad line, also when it lies in a later piece', async () => {
    for (const f of [files.big, files.lateBadLine]) {
      const want = await viaStreamReader([f], true);
      const got = await viaScanInputs([f], { ...base, prefilter: null, strict: true });
      expect(want.error).toMatch(/:\d+(:\d+)?: /);
      expect(got.error).toBe(want.error);
    }
  }, 60_000);

  it('every shapes fixture, and all of them in one run with the big file', async () => {
    const shapes = readdirSync('fixtures/shapes').sort().map((n) => join('fixtures/shapes', n));
    for (const inputs of [...shapes.map((s) => [s]), [...shapes, files.big, 'fixtures/demo/events.ndjson']]) {
      const want = await viaStreamReader(inputs, false);
      const got = await viaScanInputs(inputs, base);
      expect({ ...got, split: undefined }).toEqual({ ...want, split: undefined });
    }
  }, 120_000);
});

describe('which inputs go to workers', () => {
  it('plain NDJSON and gzip files (inflated here, scanned there), but not pretty-printed ones', async () => {
    const inputs = [files.big, bigGz, bigArchive, files.lateBadLine];
    expect(Math.min(...inputs.map((f) => readFileSync(f).length))).toBeGreaterThan(1 << 20);
    const r = await viaScanInputs(inputs, base);
    expect(r.split).toBe(3);
    expect({ ...r, split: undefined }).toEqual({ ...(await viaStreamReader(inputs, false)), split: undefined });
  }, 60_000);

  it('not files under the size threshold, nor one that fits in the head read on this thread, and nothing with one thread', async () => {
    expect((await viaScanInputs([files.big], { ...base, parallelMinBytes: 64 << 20 })).split).toBe(0);
    expect((await viaScanInputs(['fixtures/demo/events.ndjson'], base)).split).toBe(0);
    expect((await viaScanInputs([files.big], { ...base, threads: 1 })).split).toBe(0);
  });
});
