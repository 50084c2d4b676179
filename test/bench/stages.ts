/**
 * In-process pipeline stages, each run as its own child process by run.ts so that time and peak RSS
 * are measured per stage:  tsx test/bench/stages.ts <stage> FILE
 *
 *   noop            start-up cost of this harness (subtract mentally from the rows below)
 *   read            1 MiB reads, nothing else
 *   prefilter       read + line split + prefilterBatch; prints candidate lines
 *   prefilter-parse read + prefilter + JSON.parse of candidates + predicate; prints matches
 *   parse-all       read + line split + JSON.parse of every line + predicate; prints matches
 *   ndjson-parse-all the same with the `ndjson` package's parse stream (split2 + JSON.parse per line):
 *                   the library a line-oriented tool would reach for, measured beside our reader
 *   eval-cost       evaluation cost per event of the rule query on pre-parsed events (ns, median of runs)
 *
 * The predicate is compileKql(BUILTIN_RULE.query) when the KQL compiler is present, otherwise the
 * test suite's reference interpreter over the hand-built v210 AST (the output says which).
 */
import { createReadStream, openSync, readSync, closeSync } from 'node:fs';
import ndjson from 'ndjson';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { KueryNode } from '../../src/kql/ast.js';
import { derivePrefilter } from '../../src/kql/prefilter.js';
import { calibratePrefilter, prefilterBatch, byteLinesOf, type ByteLines } from '../../src/kql/prefilter-scan.js';
import { BUILTIN_RULE } from '../../src/rule/builtin.js';
import { V210_AST } from '../kql/ast-builders.js';
import { evaluate } from '../kql/reference-eval.js';

const CHUNK = 1 << 20;

type Predicate = (event: unknown) => boolean;

interface RuleQuery {
  ast: KueryNode;
  predicate: Predicate;
  compiled: boolean;
}

async function loadRuleQuery(): Promise<RuleQuery> {
  // Loaded from the build at run time (run.ts bundles this file, and the compiler may not be merged yet).
  const load = (rel: string): Promise<Record<string, unknown>> =>
    import(pathToFileURL(join(process.cwd(), rel)).href).catch(() => ({}));
  const parseMod = await load('dist/kql/parse.js');
  const compileMod = await load('dist/kql/compile.js');
  const parseKql = parseMod['parseKql'];
  const compileKql = compileMod['compileKql'];
  if (typeof parseKql === 'function' && typeof compileKql === 'function') {
    const ast = parseKql(BUILTIN_RULE.query) as KueryNode;
    return { ast, predicate: compileKql(ast) as Predicate, compiled: true };
  }
  return { ast: V210_AST, predicate: (e) => evaluate(V210_AST, e), compiled: false };
}

/** The event of a line in the two shapes the bench corpus uses: a bare document or a search hit. */
function eventOf(doc: unknown): unknown {
  if (typeof doc === 'object' && doc !== null && '_source' in doc) return (doc as { _source: unknown })._source;
  return doc;
}

/** Calls `onBatch` for each 1 MiB read's complete lines (a line cut by a read is carried over). */
function forEachBatch(file: string, onBatch: (batch: ByteLines) => void): number {
  const fd = openSync(file, 'r');
  let buf = Buffer.allocUnsafe(CHUNK * 2);
  let carry = 0;
  let total = 0;
  for (;;) {
    if (buf.length - carry < CHUNK) {
      const bigger = Buffer.allocUnsafe(buf.length * 2);
      buf.copy(bigger, 0, 0, carry);
      buf = bigger;
    }
    const n = readSync(fd, buf, carry, CHUNK, null);
    total += n;
    const filled = carry + n;
    if (n === 0) {
      if (filled > 0) onBatch(byteLinesOf(buf.subarray(0, filled)));
      break;
    }
    const lastNl = buf.lastIndexOf(10, filled - 1);
    if (lastNl === -1) {
      carry = filled;
      continue;
    }
    onBatch(byteLinesOf(buf.subarray(0, lastNl + 1)));
    buf.copy(buf, 0, lastNl + 1, filled);
    carry = filled - lastNl - 1;
  }
  closeSync(fd);
  return total;
}

/** The complete lines of the first 1 MiB of `file` (the calibration sample). */
function firstBatch(file: string): ByteLines {
  const fd = openSync(file, 'r');
  const buf = Buffer.allocUnsafe(CHUNK);
  const n = readSync(fd, buf, 0, CHUNK, 0);
  closeSync(fd);
  const cut = n < CHUNK ? n : buf.lastIndexOf(10, n - 1) + 1;
  return byteLinesOf(buf.subarray(0, cut));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function main(): Promise<void> {
  const [stage, file] = process.argv.slice(2);
  if (stage === 'noop') return;
  if (file === undefined) throw new Error('usage: stages.ts <stage> FILE');
  const rq = await loadRuleQuery();
  const out: Record<string, unknown> = { stage, predicate: rq.compiled ? 'compileKql' : 'reference interpreter' };

  if (stage === 'read') {
    out['bytes'] = forEachBatch(file, () => {});
  } else if (stage === 'prefilter' || stage === 'prefilter-parse') {
    let pf = derivePrefilter(rq.ast);
    if (pf === null) throw new Error('the rule query yields no prefilter');
    let calibrated = false;
    let lines = 0;
    let candidates = 0;
    let matches = 0;
    forEachBatch(file, (batch) => {
      if (!calibrated) {
        pf = calibratePrefilter(pf!, batch);
        calibrated = true;
      }
      const mask = prefilterBatch(pf!, batch);
      lines += batch.count;
      for (let i = 0; i < batch.count; i++) {
        if (mask[i] === 0) continue;
        candidates++;
        if (stage === 'prefilter-parse') {
          const text = Buffer.from(batch.buf.buffer, batch.buf.byteOffset, batch.buf.byteLength).toString('utf8', batch.starts[i], batch.ends[i]);
          if (rq.predicate(eventOf(JSON.parse(text)))) matches++;
        }
      }
    });
    Object.assign(out, { lines, candidates, needles: pf.needles.map((n) => n.text) });
    if (stage === 'prefilter-parse') out['matches'] = matches;
  } else if (stage === 'parse-all') {
    let lines = 0;
    let matches = 0;
    forEachBatch(file, (batch) => {
      const b = Buffer.from(batch.buf.buffer, batch.buf.byteOffset, batch.buf.byteLength);
      for (let i = 0; i < batch.count; i++) {
        lines++;
        if (rq.predicate(eventOf(JSON.parse(b.toString('utf8', batch.starts[i], batch.ends[i]))))) matches++;
      }
    });
    Object.assign(out, { lines, matches });
  } else if (stage === 'ndjson-parse-all') {
    let lines = 0;
    let matches = 0;
    await new Promise<void>((resolve, reject) => {
      createReadStream(file, { highWaterMark: CHUNK })
        .pipe(ndjson.parse({ strict: false }))
        .on('data', (doc: unknown) => {
          lines++;
          if (rq.predicate(eventOf(doc))) matches++;
        })
        .on('end', resolve)
        .on('error', reject);
    });
    Object.assign(out, { lines, matches });
  } else if (stage === 'parallel' || stage === 'parallel-noprefilter') {
    // The built modules, so that the workers run compiled JavaScript.
    const par = (await import(pathToFileURL(join(process.cwd(), 'dist/io/parallel.js')).href)) as typeof import('../../src/io/parallel.js');
    const readJob = (await import(pathToFileURL(join(process.cwd(), 'dist/engine/read-job.js')).href)) as typeof import('../../src/engine/read-job.js');
    const threads = Number(process.env['BENCH_THREADS'] ?? 2);
    let pf = stage === 'parallel' ? derivePrefilter(rq.ast) : null;
    if (pf !== null) pf = calibratePrefilter(pf, firstBatch(file));
    let lines = 0;
    let candidates = 0;
    let matches = 0;
    for await (const r of par.scanPieces(par.cutFileRanges(file), readJob.compileReadJob({ query: rq.ast, prefilter: pf, indexPatterns: [] }), { threads })) {
      lines += r.lines;
      candidates += r.lines - r.accounting.total.prefiltered;
      matches += r.matches.length;
    }
    Object.assign(out, { threads, lines, candidates, matches, predicate: 'compileKql' });
  } else if (stage === 'eval-cost') {
    const events: unknown[] = [];
    forEachBatch(file, (batch) => {
      const b = Buffer.from(batch.buf.buffer, batch.buf.byteOffset, batch.buf.byteLength);
      for (let i = 0; i < batch.count && events.length < 20000; i++) events.push(eventOf(JSON.parse(b.toString('utf8', batch.starts[i], batch.ends[i]))));
    });
    const perEvent: number[] = [];
    let sink = 0;
    for (let run = 0; run < 7; run++) {
      const t0 = process.hrtime.bigint();
      for (const e of events) if (rq.predicate(e)) sink++;
      perEvent.push(Number(process.hrtime.bigint() - t0) / events.length);
    }
    Object.assign(out, { events: events.length, nsPerEvent: median(perEvent.slice(2)), matchesPerRun: sink / 7 });
  } else {
    throw new Error(`unknown stage ${stage}`);
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

await main();
