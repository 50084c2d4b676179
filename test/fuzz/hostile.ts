/**
 * A seeded generator of hostile input: real event lines (the demo fixture and the bench corpus
 * generator's events) mutated the ways files go wrong in the wild, and the invariants every case
 * must keep for scan, explain and `kql match`, prefilter on and off, one and two threads:
 *
 * - no crash and no error of ours: non-strict runs never throw; --strict throws only an InputError;
 * - every line accounted: read = evaluated + skippedByIndex + blank + malformed + prefiltered,
 *   in total and per file;
 * - the alerts are identical whatever the prefilter and thread settings;
 * - Object.prototype is untouched (no `__proto__` key pollutes it).
 *
 * Used by hostile.test.ts (a few seeds in CI) and run.ts (`npm run fuzz -- --seconds N`).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createScanner } from '../../src/engine/scan.js';
import { Accounting, type Counts } from '../../src/io/accounting.js';
import { InputError } from '../../src/io/errors.js';
import { readEvents, readInputs } from '../../src/io/read-events.js';
import { createScanJob } from '../../src/engine/read-job.js';
import { ClauseCounter } from '../../src/kql/explain.js';
import { parseKql } from '../../src/kql/parse.js';
import { derivePrefilter } from '../../src/kql/prefilter.js';
import { BUILTIN_RULE } from '../../src/rule/builtin.js';
import { generateCorpus } from '../bench/gen-corpus.js';
import { mulberry32 } from '../kql/json-spelling.js';

export const ROOT = new URL('../../', import.meta.url).pathname;
const DEMO = join(ROOT, 'fixtures/demo/events.ndjson');

export type Rng = () => number;
const int = (rnd: Rng, n: number) => Math.floor(rnd() * n);
const pick = <T>(rnd: Rng, xs: readonly T[]): T => xs[int(rnd, xs.length)]!;

/** Real lines to mutate: the demo's, and the bench corpus generator's (its matching events and some noise). */
export async function seedLines(dir: string): Promise<Buffer[]> {
  const demo = readFileSync(DEMO, 'utf8').split('\n').filter((l) => l.trim() !== '');
  const corpus = join(dir, 'corpus.ndjson');
  await generateCorpus({ events: 4000, seed: 11, out: corpus });
  const lines = readFileSync(corpus, 'utf8').split('\n').filter((l) => l !== '');
  const matching = lines.filter((l) => /lsmod|modinfo|kmod|depmod/.test(l));
  return [...demo, ...matching, ...lines.slice(0, 40)].map((l) => Buffer.from(l, 'utf8'));
}

/** Times at and beyond the edges of what a JavaScript Date (and so Elasticsearch's range) holds. */
const EDGE_TIMES: unknown[] = [
  '+275760-09-13T00:00:00.000Z',
  '+275760-09-13T00:00:00.001Z',
  '-271821-04-20T00:00:00.000Z',
  '-271821-04-19T23:59:59.999Z',
  '0000-01-01T00:00:00Z',
  '9999-12-31T23:59:59.999999999Z',
  '1970-01-01T00:00:00Z',
  8.64e15,
  -8.64e15,
  8.64e15 + 1,
  1e400,
  -0,
  '',
  null,
  [],
  ['2024-05-14T10:00:00Z', 'x'],
];

const EDGE_VALUES: string[] = ['1e400', '-0', '-1e-400', '1E+308', '123456789012345678901234567890', 'true', 'null', '"\\ud800"', '"\\udfff\\ud800"', '"\\u0000"'];

function setPath(doc: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur: Record<string, unknown> = doc;
  for (const p of parts.slice(0, -1)) {
    const next = cur[p];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) cur[p] = {};
    cur = cur[p] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]!] = value;
}

/** One mutation of a line (or a few lines); names what it did, for a failing case's report. */
export type Mutation = (rnd: Rng, line: Buffer) => { name: string; lines: Buffer[] };

const asText = (b: Buffer) => b.toString('utf8');

export const MUTATIONS: Mutation[] = [
  (rnd, l) => {
    const at = int(rnd, l.length + 1);
    return { name: `truncate@${at}`, lines: [l.subarray(0, at)] };
  },
  (rnd, l) => {
    const out = Buffer.from(l);
    const n = 1 + int(rnd, 4);
    for (let i = 0; i < n; i++) out[int(rnd, out.length)]! ^= 1 << int(rnd, 8);
    return { name: `bitflip×${n}`, lines: [out] };
  },
  (rnd, l) => {
    const bad = pick(rnd, [[0xff], [0xc0, 0x80], [0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82]]);
    const at = int(rnd, l.length);
    return { name: `invalid-utf8@${at}`, lines: [Buffer.concat([l.subarray(0, at), Buffer.from(bad), l.subarray(at)])] };
  },
  (rnd, l) => {
    // A lone surrogate as a JSON escape inside a string value, where it decodes to a lone UTF-16 unit.
    const s = asText(l).replace(/"(lsmod|modinfo|kmod|bash|root)"/, `"$1\\ud800"`);
    return { name: 'lone-surrogate-escape', lines: [Buffer.from(s)] };
  },
  (rnd, l) => {
    const at = int(rnd, l.length);
    return { name: `nul@${at}`, lines: [Buffer.concat([l.subarray(0, at), Buffer.from([0]), l.subarray(at)])] };
  },
  (rnd, l) => ({ name: 'cr-only-line-ends', lines: [Buffer.concat([l, Buffer.from('\r'), l, Buffer.from('\r')])] }),
  (rnd, l) => ({ name: 'bom-mid-file', lines: [Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), l])] }),
  (rnd, l) => {
    const doc = JSON.parse(asText(l)) as Record<string, unknown>;
    setPath(doc, pick(rnd, ['process.name', 'process.args', 'message', 'process.parent.executable']), 'x'.repeat(1 + int(rnd, 2_000_000)));
    return { name: 'huge-string', lines: [Buffer.from(JSON.stringify(doc))] };
  },
  (rnd, l) => {
    const doc = JSON.parse(asText(l)) as Record<string, unknown>;
    setPath(doc, pick(rnd, ['process.args', 'process.executable', 'event.category']), Array.from({ length: 100_000 }, (_, i) => (i % 3 === 0 ? 'list' : `a${i}`)));
    return { name: 'huge-array', lines: [Buffer.from(JSON.stringify(doc))] };
  },
  (rnd, l) => {
    const depth = pick(rnd, [1000, 10_000, 100_000]);
    const key = pick(rnd, ['process', 'a', '__proto__']);
    const nest = `${`{"${key}":`.repeat(depth)}1${'}'.repeat(depth)}`;
    const s = asText(l);
    return { name: `nesting-${depth}`, lines: [Buffer.from(`${s.slice(0, -1)},"deep":${nest}}`), Buffer.from(`[`.repeat(depth) + ']'.repeat(depth))] };
  },
  (rnd, l) => {
    // Duplicate keys: JSON.parse keeps the last; the raw bytes hold both (the prefilter sees both).
    const s = asText(l);
    const dup = pick(rnd, ['"process":{"name":"lsmod","args":["lsmod"]}', '"process":{"name":"nope"}', '"event":{"category":"process"}']);
    return { name: 'duplicate-keys', lines: [Buffer.from(`${s.slice(0, -1)},${dup}}`), Buffer.from(`{${dup},${s.slice(1)}`)] };
  },
  (rnd, l) => {
    const s = asText(l);
    const k = pick(rnd, ['__proto__', 'constructor', 'prototype']);
    const inner = pick(rnd, [`{"polluted":"yes","process":{"name":"lsmod"}}`, `{"toString":1,"hasOwnProperty":2}`, `"lsmod"`, `[1,2]`, `null`]);
    const where = pick(rnd, ['top', 'process', 'process.parent']);
    const out =
      where === 'top'
        ? `{"${k}":${inner},${s.slice(1)}`
        : s.replace(where === 'process' ? /"process":\{/ : /"parent":\{/, (m) => `${m}"${k}":${inner},`);
    return { name: `${k}-key@${where}`, lines: [Buffer.from(out), Buffer.from(`{"${k}.name":"lsmod","process.${k}":1}`)] };
  },
  (rnd, l) => {
    const s = asText(l);
    const v = pick(rnd, EDGE_VALUES);
    const out = s.replace(pick(rnd, [/"pid":\d+/, /"args_count":\d+/, /"sequence":\d+/, /"risk_score":\d+/]), (m) => `${m.split(':')[0]}:${v}`);
    return { name: `number-${v}`, lines: [Buffer.from(out), Buffer.from(`{"n":${v},"process":{"pid":${v}}}`)] };
  },
  (rnd, l) => {
    const doc = JSON.parse(asText(l)) as Record<string, unknown>;
    const t = pick(rnd, EDGE_TIMES);
    setPath(doc, pick(rnd, ['@timestamp', 'event.ingested']), t);
    if (rnd() < 0.5) setPath(doc, '@timestamp', pick(rnd, EDGE_TIMES));
    return { name: `time-${JSON.stringify(t)}`, lines: [Buffer.from(JSON.stringify(doc))] };
  },
];

/**
 * One random mutation; a mutation that edits the parsed document cannot apply to a line that is not
 * JSON (the demo holds a few on purpose), which then goes in as it is.
 */
function mutate(rnd: Rng, line: Buffer): { name: string; lines: Buffer[] } {
  const m = pick(rnd, MUTATIONS);
  try {
    return m(rnd, line);
  } catch {
    return { name: 'as-is (not JSON)', lines: [line] };
  }
}

export interface HostileCase {
  seed: number;
  /** What was done, for the report of a failing case. */
  recipe: string[];
  /** The file's bytes: real lines with some mutated ones mixed in (always some that decode). */
  bytes: Buffer;
}

/** One case: a file of real lines, some replaced by mutations, with random line ends. */
export function makeCase(seed: number, lines: readonly Buffer[]): HostileCase {
  const rnd = mulberry32(seed);
  const recipe: string[] = [];
  const parts: Buffer[] = [];
  const count = 20 + int(rnd, 60);
  for (let i = 0; i < count; i++) {
    const line = pick(rnd, lines);
    // Keep most lines real, so every file holds events (a file of nothing but garbage is the
    // documented input error, exit 2, tested on its own).
    if (i > 0 && rnd() < 0.3) {
      const m = mutate(rnd, line);
      recipe.push(`line ${parts.length + 1}: ${m.name}`);
      for (const l of m.lines) parts.push(l, Buffer.from(rnd() < 0.1 ? '\r\n' : '\n'));
    } else {
      parts.push(line, Buffer.from('\n'));
    }
  }
  if (rnd() < 0.3) parts.pop(); // a last line without a newline
  return { seed, recipe, bytes: Buffer.concat(parts) };
}

/** The case as input files: plain, gzip, and gzip split into two members (`cat a.gz b.gz`). */
export function writeCaseFiles(dir: string, c: HostileCase): { plain: string; gzip: string; splitGzip: string } {
  const plain = join(dir, `case-${c.seed}.ndjson`);
  const gzip = join(dir, `case-${c.seed}.ndjson.gz`);
  const splitGzip = join(dir, `case-${c.seed}-split.gz`);
  writeFileSync(plain, c.bytes);
  writeFileSync(gzip, gzipSync(c.bytes));
  const cut = Math.floor(c.bytes.length / 2);
  writeFileSync(splitGzip, Buffer.concat([gzipSync(c.bytes.subarray(0, cut)), gzipSync(c.bytes.subarray(cut))]));
  return { plain, gzip, splitGzip };
}

const query = parseKql(BUILTIN_RULE.query);

export interface ScanOutcome {
  alerts: string[];
  total: Counts;
  files: Array<[string, Counts]>;
}

function identityHolds(c: Counts): boolean {
  return c.read === c.evaluated + c.skippedByIndex + c.blank + c.malformed + c.prefiltered && c.events === c.eventsEvaluated + c.eventsSkippedByIndex;
}

/** The scan as the CLI runs it, in-process: reader, predicate, engine (new_terms and query mode). */
export async function scanCase(files: string[], o: { prefilter: boolean; threads: number; strict: boolean }): Promise<ScanOutcome> {
  const acct = new Accounting({ strict: o.strict });
  const scanJob = createScanJob({ query, prefilter: o.prefilter && !o.strict ? derivePrefilter(query) : null, indexPatterns: BUILTIN_RULE.index });
  const input = readInputs(files, scanJob.job, acct, {
    threads: o.threads,
    parallelMinBytes: o.threads > 1 ? 0 : Number.POSITIVE_INFINITY,
  });
  const nt = createScanner(BUILTIN_RULE, { mode: 'new_terms' });
  const q = createScanner(BUILTIN_RULE, { mode: 'query' });
  for await (const b of input.batches) {
    for (const ev of b.matches) {
      nt.add(ev);
      q.add(ev);
    }
  }
  const alerts = [...nt.finish().alerts, ...q.finish().alerts].map((a) => `${a['kibana.alert.rule.type'] as string}:${a['kibana.alert.uuid'] as string}`);
  return { alerts, total: acct.total, files: [...acct.files] };
}

/** `explain` in-process: every decoded event through the clause counter. */
export async function explainCase(files: string[], strict: boolean): Promise<number> {
  const acct = new Accounting({ strict });
  const counter = new ClauseCounter(query);
  let n = 0;
  for await (const evs of readEvents(files, { strict }, acct)) {
    for (const ev of evs) {
      counter.add(ev.source);
      n++;
    }
  }
  if (!identityHolds(acct.total)) throw new Error(`explain: accounting identity broken: ${JSON.stringify(acct.total)}`);
  return n;
}

const PROTO_NAMES = Object.getOwnPropertyNames(Object.prototype).sort().join(',');

/** Throws with the case's recipe when an invariant breaks. */
export async function checkCase(c: HostileCase, files: string[]): Promise<void> {
  const fail = (what: string): never => {
    throw new Error(`hostile case seed ${c.seed} (${files.join(', ')}): ${what}\nrecipe:\n  ${c.recipe.join('\n  ')}`);
  };
  let reference: ScanOutcome | undefined;
  for (const prefilter of [true, false]) {
    for (const threads of [1, 2]) {
      let out: ScanOutcome;
      try {
        out = await scanCase(files, { prefilter, threads, strict: false });
      } catch (e) {
        return fail(`scan (prefilter ${prefilter}, threads ${threads}) threw: ${(e as Error).stack ?? String(e)}`);
      }
      if (!identityHolds(out.total)) fail(`accounting identity broken (prefilter ${prefilter}, threads ${threads}): ${JSON.stringify(out.total)}`);
      for (const [f, counts] of out.files) if (!identityHolds(counts)) fail(`accounting identity broken for ${f}`);
      if (reference === undefined) reference = out;
      else if (JSON.stringify(out.alerts) !== JSON.stringify(reference.alerts)) {
        fail(`alerts differ (prefilter ${prefilter}, threads ${threads}): ${out.alerts.length} vs ${reference.alerts.length}`);
      } else if (out.total.read !== reference.total.read) {
        // (malformed may differ: a line the prefilter passes over gets only a structural check)
        fail(`lines read differ between settings: ${out.total.read} vs ${reference.total.read}`);
      }
    }
  }
  try {
    await scanCase(files, { prefilter: false, threads: 1, strict: true });
  } catch (e) {
    if (!(e instanceof InputError)) fail(`--strict threw something other than an input error: ${(e as Error).stack ?? String(e)}`);
  }
  try {
    await explainCase(files, false);
  } catch (e) {
    fail(`explain threw: ${(e as Error).stack ?? String(e)}`);
  }
  if (Object.getOwnPropertyNames(Object.prototype).sort().join(',') !== PROTO_NAMES || ({} as Record<string, unknown>)['polluted'] !== undefined) {
    fail('Object.prototype was changed');
  }
}
