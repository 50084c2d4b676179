/**
 * One reader core, every path: each input shape (fixtures/shapes, the demo, multi-MB files with
 * problem lines, lines and pretty-printed values over the size limit, gzip whole and cut off,
 * es_archiver files) read through every way bytes reach the core must give the same kept events
 * (source, origin, _index, _id) in the same order, the same accounting (per file and in total, problem
 * texts with their lines) and the same raw records byte for byte:
 *
 *   file        readInputs on one thread (synchronous 1 MiB reads; gzip through the stream reader)
 *   workers     readInputs with 2 worker threads (the head on this thread, the rest in byte ranges)
 *   pipe        readChunks fed 64 KiB chunks, as Node reads a pipe on stdin
 *   pipe→workers readChunks fed 64 KiB chunks, the rest after the head cut at newlines into 64 KB
 *               pieces for 2 worker threads (stdin on both cores; a large gzip inflated here, scanned there)
 *   trickle     readChunks fed chunks of 1 to 3000 bytes (seeded)
 *   pieces      scanPieces over byte ranges (2 KB, or 40 per file) from its start (line-mode files only)
 *
 * under --strict the same first error, and over all inputs in one run (one prefilter calibration
 * for the run, line numbers per file) the same with 1 or 3 threads. Also which inputs go to
 * workers: plain line-per-event files past the head read on the calling thread, at or above the size
 * threshold, never gzip or pretty-printed files.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { Accounting, type AccountingSnapshot } from '../../src/io/accounting.js';
import type { RawRecord } from '../../src/io/decoder.js';
import type { ReadJob } from '../../src/io/job.js';
import { cutFileRanges, scanPieces } from '../../src/io/parallel.js';
import { readInputs } from '../../src/io/read-events.js';
import { readChunks } from '../../src/io/read-source.js';
import type { SourceEvent } from '../../src/io/types.js';
import { compileReadJob, createScanJob, type ReadJobSpec } from '../../src/engine/read-job.js';
import { parseKql } from '../../src/kql/parse.js';
import { derivePrefilter, type Prefilter } from '../../src/kql/prefilter.js';
import { BUILTIN_RULE } from '../../src/rule/builtin.js';
import { writeTestFiles } from '../parallel/test-files.js';

/** Small enough that the generated too-long lines and values exceed it, large enough for every fixture line. */
const MAX_LINE_BYTES = 8192;
const query = parseKql(BUILTIN_RULE.query);
const pf = derivePrefilter(query);

interface Outcome {
  matches: Array<Omit<SourceEvent, 'origin'> & { at: string }>;
  records: string[];
  accounting: AccountingSnapshot;
  error?: string;
}

type JobKind = 'scan' | 'no-prefilter' | 'records';

function specFor(kind: JobKind, prefilter: Prefilter | null = pf): ReadJobSpec {
  return { query, prefilter: kind === 'scan' ? prefilter : null, indexPatterns: kind === 'records' ? [] : BUILTIN_RULE.index };
}

/** A fresh job as the scan (or `kql match`) builds it; the prefilter calibrates on the first batch. */
function freshJob(kind: JobKind): { job: ReadJob; prefilter: () => Prefilter | null } {
  const s = createScanJob(specFor(kind));
  return { job: kind === 'records' ? { ...s.job, emit: 'records' } : s.job, prefilter: s.prefilter };
}

function outcome(acct: Accounting, matches: SourceEvent[], records: RawRecord[], error?: string): Outcome {
  return {
    matches: matches.map(({ origin, ...rest }) => ({ ...rest, at: `${origin.file}:${origin.line}` })),
    records: records.map((r) => `${r.kind}:${r.bytes.toString('latin1')}`),
    accounting: acct.snapshot(),
    ...(error !== undefined && { error }),
  };
}

async function collect(batches: AsyncIterable<{ matches: SourceEvent[]; records: RawRecord[] }>, acct: Accounting): Promise<Outcome> {
  const matches: SourceEvent[] = [];
  const records: RawRecord[] = [];
  let error: string | undefined;
  try {
    for await (const b of batches) {
      matches.push(...b.matches);
      records.push(...b.records);
    }
  } catch (e) {
    error = (e as Error).message;
  }
  return outcome(acct, matches, records, error);
}

/**
 * The file path over `files` in one run (one thread, or `threads` with every plain file past its head
 * eligible for workers); `calibrated` receives the prefilter as calibrated on the run's first batch.
 */
async function viaFiles(files: string[], kind: JobKind, strict: boolean, threads = 1, calibrated?: (pf: Prefilter | null) => void): Promise<Outcome & { needles?: string[]; split: number }> {
  const acct = new Accounting({ strict });
  const { job, prefilter } = freshJob(kind);
  const read = readInputs(files, job, acct, { maxLineBytes: MAX_LINE_BYTES, threads, parallelMinBytes: 0 });
  const out = await collect(read.batches, acct);
  calibrated?.(prefilter());
  return { ...out, needles: prefilter()?.needles.map((n) => n.text), split: read.splitFiles() };
}

/** One file through the file path; with threads, a multi-MB plain file must have gone to the workers. */
async function viaFile(file: string, kind: JobKind, strict: boolean, threads = 1, calibrated?: (pf: Prefilter | null) => void): Promise<Outcome & { needles?: string[] }> {
  const { split, ...out } = await viaFiles([file], kind, strict, threads, calibrated);
  if (threads > 1 && out.error === undefined) expect(split, file).toBe(1);
  return out;
}

/** Chunks of `bytes`, sized by `size(i)`. */
async function* chunked(bytes: Buffer, size: (i: number) => number): AsyncGenerator<Buffer> {
  for (let pos = 0, i = 0; pos < bytes.length; i++) {
    const n = Math.max(1, size(i));
    yield Buffer.from(bytes.subarray(pos, pos + n));
    pos += n;
  }
}

async function viaChunks(file: string, kind: JobKind, strict: boolean, size: (i: number) => number, workers = false): Promise<Outcome & { needles?: string[] }> {
  const acct = new Accounting({ strict });
  const { job, prefilter } = freshJob(kind);
  const split = { n: 0 };
  const opts = workers
    ? { maxLineBytes: MAX_LINE_BYTES, streamPieceBytes: 64 * 1024, workers: { minBytes: 0, threads: async () => 2, onSplit: () => void split.n++ } }
    : { maxLineBytes: MAX_LINE_BYTES };
  const out = await collect(readChunks(file, chunked(readFileSync(file), size), job, acct, opts), acct);
  if (workers && out.error === undefined) expect(split.n, `${file} went to workers`).toBe(1);
  return { ...out, needles: prefilter()?.needles.map((n) => n.text) };
}

/** Worker pieces from the file's start, with the prefilter the file path calibrated. */
async function viaPieces(file: string, kind: Exclude<JobKind, 'records'>, strict: boolean, calibrated: Prefilter | null): Promise<Outcome> {
  const acct = new Accounting({ strict });
  acct.file(file);
  const matches: SourceEvent[] = [];
  let error: string | undefined;
  try {
    const job = compileReadJob(specFor(kind, calibrated));
    for await (const r of scanPieces(cutFileRanges(file, Math.max(2000, Math.ceil(readFileSync(file).length / 40))), job, { threads: 1, limits: { strict, maxLineBytes: MAX_LINE_BYTES, maxProblems: acct.maxProblems } })) {
      if (r.failure) throw new Error(`${r.failure.path}:${r.failure.line}${r.failure.column === undefined ? '' : `:${r.failure.column}`}: ${r.failure.detail}`);
      acct.merge(r.accounting);
      matches.push(...r.matches);
    }
  } catch (e) {
    error = (e as Error).message;
  }
  return outcome(acct, matches, [], error);
}

/** A deterministic generator for chunk sizes. */
function seeded(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x / 2 ** 31;
  };
}

let dir: string;
let cutGz: string;
let big: string;
let lateBadLine: string;
/** lateBadLine gzipped, and its events as a multi-MB pretty-printed es_archiver file. */
let gz: string;
let bigArchive: string;
const inputs: string[] = [];
/** Inputs whose every record is a line (pieces apply). */
const lineMode = new Set<string>();
/** Plain files larger than the head read on this thread: the workers path applies. */
const multiMb = new Set<string>();
const bigOnes = new Set<string>();
/** Line-mode inputs (plain or gzip) longer than the head a stream reader decodes before handing off. */
const overHead = new Set<string>();

const LSMOD = '{"event":{"category":"process","type":"start","action":"exec"},"host":{"os":{"type":"linux"}},"process":{"name":"lsmod","parent":{"name":"bash"}},"@timestamp":"2024-05-13T10:00:00Z"}';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kmod-reader-paths-'));
  ({ big, lateBadLine } = await writeTestFiles(dir));
  const shapes = readdirSync('fixtures/shapes').sort().map((n) => join('fixtures/shapes', n));
  const tooLong = join(dir, 'too-long.ndjson');
  const long = `{"process":{"name":"lsmod","args":"${'x'.repeat(MAX_LINE_BYTES + 10)}"}}`;
  writeFileSync(tooLong, [long, LSMOD, '', long, long.slice(0, MAX_LINE_BYTES - 5), LSMOD, '{"cut":', long].join('\n'));
  const archive = join(dir, 'archive-too-long.json');
  const doc = (source: unknown, id: number): string => JSON.stringify({ type: 'doc', value: { index: 'logs-endpoint.events.process-default', id: String(id), source } }, null, 2);
  writeFileSync(archive, `${[doc(JSON.parse(LSMOD), 1), doc({ ...JSON.parse(LSMOD), pad: 'y'.repeat(MAX_LINE_BYTES) }, 2), doc(JSON.parse(LSMOD), 3)].join('\n\n')}\n`);
  gz = join(dir, 'late-bad-line.ndjson.gz');
  const gzBytes = gzipSync(readFileSync(lateBadLine));
  writeFileSync(gz, gzBytes);
  cutGz = join(dir, 'cut.ndjson.gz');
  writeFileSync(cutGz, gzBytes.subarray(0, Math.floor(gzBytes.length * 0.6)));
  inputs.push(...shapes, 'fixtures/demo/events.ndjson', big, lateBadLine, tooLong, archive, gz, cutGz);
  for (const f of inputs) if (!/\.gz$|archive|es-archiver/.test(f)) lineMode.add(f);
  multiMb.add(big).add(lateBadLine);
  overHead.add(big).add(lateBadLine).add(gz).add(cutGz);
  bigOnes.add(big);
  bigArchive = join(dir, 'big-archive.json');
  const docs: string[] = [];
  for (const line of readFileSync(lateBadLine, 'utf8').split('\n')) {
    if (line.startsWith('{"@timestamp"')) docs.push(doc(JSON.parse(line), docs.length));
  }
  writeFileSync(bigArchive, `${docs.join('\n\n')}\n`);
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('every path through the reader core gives the same result', () => {
  const kinds: JobKind[] = ['scan', 'no-prefilter', 'records'];
  for (const kind of kinds) {
    it(`${kind} job: file, workers, pipe, trickle and pieces agree on every input`, async () => {
      // The 10 MB file once, with the scan's job; the other jobs read the 2.5 MB one.
      for (const file of kind === 'scan' ? inputs : inputs.filter((f) => !bigOnes.has(f))) {
        const cal: { pf: Prefilter | null } = { pf: null };
        const want = await viaFile(file, kind, false, 1, (p) => (cal.pf = p));
        expect(want.accounting.total.read, file).toBeGreaterThan(0);
        const random = seeded(file.length);
        const paths: Array<[string, Promise<Outcome & { needles?: string[] }>]> = [['pipe', viaChunks(file, kind, false, () => 64 * 1024)]];
        // How much of a cut-off deflate stream zlib hands out before its error depends on how the
        // compressed bytes were chunked (a few KB here), so the trickle is not compared on it.
        if (file !== cutGz) paths.push(['trickle', viaChunks(file, kind, false, () => 1 + Math.floor(random() * 3000))]);
        // Files within the head read on this thread never reach a worker (readInputs would not split them).
        if (kind !== 'records' && multiMb.has(file)) paths.push(['workers', viaFile(file, kind, false, 2)]);
        // A stream longer than the head and in line mode goes to workers after its head.
        if (kind !== 'records' && overHead.has(file)) {
          paths.push(['pipe→workers', viaChunks(file, kind, false, () => 64 * 1024, true)]);
          if (file.endsWith('.gz')) paths.push(['gzip file→workers', viaFile(file, kind, false, 2)]);
        }
        if (kind !== 'records' && lineMode.has(file)) {
          const pf = cal.pf;
          paths.push(['pieces', viaPieces(file, kind, false, pf).then((o) => ({ ...o, needles: pf?.needles.map((n) => n.text) }))]);
        }
        for (const [name, got] of paths) expect(await got, `${kind} ${name} ${file}`).toEqual(want);
      }
    }, 240_000);
  }

  it('the inputs hold what the paths must agree on', async () => {
    const all = new Accounting();
    for (const file of inputs) {
      const read = readInputs([file], freshJob('records').job, all, { maxLineBytes: MAX_LINE_BYTES });
      for await (const _ of read.batches);
    }
    const kinds = all.total.malformedByKind;
    expect(kinds['too-long']).toBeGreaterThanOrEqual(4);
    expect(kinds.truncated).toBeGreaterThanOrEqual(2);
    expect(kinds['invalid-json'] + kinds['invalid-utf8'] + kinds['not-an-object']).toBeGreaterThanOrEqual(5);
    expect(Object.keys(all.total.eventsByShape).sort()).toEqual(['bare', 'es-archiver', 'fields-hit', 'hit', 'search-response']);
    const onBig = await viaFile(big, 'scan', false);
    expect(onBig.matches.length).toBeGreaterThan(100);
    expect(onBig.accounting.total.prefiltered).toBeGreaterThan(1000);
    expect(onBig.accounting.total.malformed).toBeGreaterThan(10);
  }, 120_000);

  it('under strict, every path stops at the same first bad line', async () => {
    for (const file of inputs) {
      const want = await viaFile(file, 'no-prefilter', true);
      const paths = [viaChunks(file, 'no-prefilter', true, () => 64 * 1024)];
      if (multiMb.has(file)) paths.push(viaFile(file, 'no-prefilter', true, 2));
      if (overHead.has(file)) paths.push(viaChunks(file, 'no-prefilter', true, () => 64 * 1024, true));
      for (const got of paths) expect((await got).error, file).toBe(want.error);
      if (lineMode.has(file)) expect((await viaPieces(file, 'no-prefilter', true, null)).error, file).toBe(want.error);
    }
  }, 240_000);
});

describe('many inputs in one run', () => {
  it('one thread and 3 workers agree over every input at once (one calibration for the run)', async () => {
    const want = await viaFiles(inputs, 'scan', false, 1);
    expect(want.split).toBe(0);
    for (const threads of [3]) {
      const got = await viaFiles(inputs, 'scan', false, threads);
      // The multi-MB plain files, and the run of gzip files at the end (gz, cutGz), which goes to the
      // workers as one hand-off (a worker per file, io/gzip-files.ts).
      expect(got.split).toBe(multiMb.size + 1);
      expect({ ...got, split: 0 }).toEqual(want);
    }
  }, 240_000);
});

describe('which inputs go to workers', () => {
  it('plain NDJSON files past their head and gzip files (inflated here, scanned there), but not pretty-printed ones', async () => {
    const files = [big, gz, bigArchive, lateBadLine];
    // Each holds more than the head read on this thread (a gzip file once inflated).
    expect(Math.min(...files.map((f) => (f.endsWith('.gz') ? gunzipSync(readFileSync(f)) : readFileSync(f)).length))).toBeGreaterThan(1 << 20);
    const got = await viaFiles(files, 'scan', false, 2);
    expect(got.split).toBe(3);
    expect({ ...got, split: 0 }).toEqual({ ...(await viaFiles(files, 'scan', false, 1)), split: 0 });
  }, 120_000);

  it('not files under the size threshold, nor one within the head read on this thread, and nothing with one thread', async () => {
    const split = async (files: string[], opts: { threads: number; parallelMinBytes: number }): Promise<number> => {
      const read = readInputs(files, freshJob('scan').job, new Accounting(), opts);
      for await (const _ of read.batches);
      return read.splitFiles();
    };
    expect(await split([big], { threads: 2, parallelMinBytes: 64 << 20 })).toBe(0);
    expect(await split(['fixtures/demo/events.ndjson'], { threads: 2, parallelMinBytes: 0 })).toBe(0);
    expect(await split([big], { threads: 1, parallelMinBytes: 0 })).toBe(0);
  }, 60_000);
});

describe('a run of gzip files on worker threads (one file per worker)', () => {
  it('gives the events, accounting, order and calibrated prefilter of one thread, broken and pretty-printed files included', async () => {
    const gzs = inputs.filter((f) => f.endsWith('.gz'));
    const archiveGz = join(dir, 'archive.json.gz');
    writeFileSync(archiveGz, gzipSync(readFileSync(inputs.find((f) => f.includes('archive'))!)));
    const demoGz = join(dir, 'demo.ndjson.gz');
    writeFileSync(demoGz, gzipSync(readFileSync('fixtures/demo/events.ndjson')));
    // Two runs of gzip files around a plain file; the broken one in the middle of a run.
    const list = [demoGz, ...gzs, archiveGz, 'fixtures/demo/events.ndjson', gzs[0]!, demoGz];
    for (const kind of ['scan', 'no-prefilter'] as const) {
      const run = async (threads: number) => {
        const acct = new Accounting();
        const { job, prefilter } = freshJob(kind);
        const read = readInputs(list, job, acct, { maxLineBytes: MAX_LINE_BYTES, threads, parallelMinBytes: 0 });
        const out = await collect(read.batches, acct);
        return { out, needles: prefilter()?.needles.map((n) => n.text), split: read.splitFiles() };
      };
      const one = await run(1);
      const two = await run(2);
      expect(two.split, kind).toBe(2);
      expect(two.out, kind).toEqual(one.out);
      expect(two.needles, kind).toEqual(one.needles);
    }
  }, 240_000);
});

describe('a live stream', () => {
  it('with headBytes 0 hands out the first events before the stream ends, and the same events', async () => {
    const lines = Buffer.from(`${LSMOD}\n${LSMOD}\n`);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    async function* live(): AsyncGenerator<Buffer> {
      yield Buffer.from(lines);
      await gate; // the stream stays open until the first events came out
      yield Buffer.from(lines);
    }
    const acct = new Accounting();
    const seen: number[] = [];
    for await (const d of readChunks('-', live(), freshJob('no-prefilter').job, acct, { headBytes: 0 })) {
      seen.push(d.matches.length);
      release();
    }
    expect(seen).toEqual([2, 2]);
    expect(acct.total.read).toBe(4);
  });
});
