/**
 * `npm run bench`: generates a seeded corpus, then times on that same file, in the same run, the CLI
 * end to end (new_terms, --mode query, --no-prefilter), the in-process stages (stages.ts) and the
 * baselines (cat, rg or grep with the same literals, jq with the same predicate on a slice, scaled).
 * Medians of --runs runs; peak RSS from /usr/bin/time. Issue 10's comparisons (the pipe against the file
 * and `rg -c`, a directory of 8 .gz files against one thread and `rg -z -c`) are run as pairs, A B A B,
 * and quoted as the median of the per-pair ratios, which holds on a machine whose speed drifts. Writes a markdown table to stdout and to
 * .bench/results.md. Commands that fail are marked failed, not left out.
 *
 *   npm run bench -- [--events 50000] [--runs 5] [--large] [--rss-scale 10] [--jq-lines 5000]
 *
 * --large uses the 1,000,000-event corpus (~1.8 GB) of the issue's goals.
 * --slice-events N (default 200,000 with --large, else none): the literal-search section also runs
 * on the first N events. --literal-search-only: only the baselines it needs and that section.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync, createReadStream, createWriteStream, rmSync } from 'node:fs';
import { cpus, availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { generateCorpus } from './gen-corpus.js';
import { literalSearchSection } from './literal-search-section.js';
import { cleanUp, median, runOnce } from './measure.js';

const BENCH_DIR = '.bench';

interface Flags {
  events: number;
  runs: number;
  rssScale: number;
  jqLines: number;
  seed: number;
  sliceEvents: number;
  literalSearchOnly: boolean;
}

function parseFlags(argv: string[]): Flags {
  const val = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i === -1 ? undefined : argv[i + 1];
  };
  const large = argv.includes('--large');
  return {
    events: Number(val('--events') ?? (large ? 1_000_000 : 50_000)),
    runs: Number(val('--runs') ?? 5),
    rssScale: Number(val('--rss-scale') ?? 10),
    jqLines: Number(val('--jq-lines') ?? 5000),
    seed: Number(val('--seed') ?? 1),
    sliceEvents: Number(val('--slice-events') ?? (large ? 200_000 : 0)),
    literalSearchOnly: argv.includes('--literal-search-only'),
  };
}

interface Measure {
  name: string;
  /** Median wall seconds, or undefined when the command failed. */
  seconds?: number;
  /** Median CPU seconds (user + sys, all threads): steadier than wall time on a shared machine. */
  cpu?: number;
  min?: number;
  rssMB?: number;
  /** What the command reported (match count, candidate lines…). */
  result: string;
  runs: number;
  failed?: string;
  /** Scaled from a slice: the factor applied. */
  scaledBy?: number;
}

/** Runs `cmd` `runs` times; `okStatus` lists the exit codes that mean success. */
function measure(name: string, cmd: string, runs: number, summarise: (stdout: string, stderr: string) => string, okStatus: number[] = [0]): Measure {
  const times: number[] = [];
  const cpus: number[] = [];
  let rss = 0;
  let result = '';
  for (let i = 0; i < runs; i++) {
    const r = runOnce(cmd);
    if (r.status === null || !okStatus.includes(r.status)) {
      const why = (r.stderr.trim().split('\n').pop() ?? '').slice(0, 80);
      return { name, result: '', runs: i, failed: `exit ${r.status}: ${why}` };
    }
    times.push(r.seconds);
    cpus.push(r.cpu);
    rss = Math.max(rss, r.rssKB);
    result = summarise(r.stdout, r.stderr);
  }
  return { name, seconds: median(times), cpu: median(cpus), min: Math.min(...times), rssMB: rss / 1024, result, runs };
}

/** Two commands timed in turn (A B A B …): the ratio of each pair, so drift of a shared machine cancels. */
interface Pair {
  a: Measure;
  b: Measure;
  /** Median over pairs of A's wall time / B's. */
  wallRatio?: number;
  /** Median over pairs of A's CPU seconds / B's. */
  cpuRatio?: number;
}

function measurePair(
  a: { name: string; cmd: string; summarise: (o: string, e: string) => string; ok?: number[] },
  b: { name: string; cmd: string; summarise: (o: string, e: string) => string; ok?: number[] },
  runs: number,
): Pair {
  const wa: number[] = [];
  const wb: number[] = [];
  const ca: number[] = [];
  const cb: number[] = [];
  const rss = [0, 0];
  const results = ['', ''];
  for (let i = 0; i < runs; i++) {
    for (const [k, side] of [a, b].entries()) {
      const r = runOnce(side.cmd);
      if (r.status === null || !(side.ok ?? [0]).includes(r.status)) {
        const why = (r.stderr.trim().split('\n').pop() ?? '').slice(0, 80);
        const failed: Measure = { name: side.name, result: '', runs: i, failed: `exit ${r.status}: ${why}` };
        const other: Measure = { name: (k === 0 ? b : a).name, result: '', runs: i, failed: 'its pair failed' };
        return k === 0 ? { a: failed, b: other } : { a: other, b: failed };
      }
      (k === 0 ? wa : wb).push(r.seconds);
      (k === 0 ? ca : cb).push(r.cpu);
      rss[k] = Math.max(rss[k]!, r.rssKB);
      results[k] = side.summarise(r.stdout, r.stderr);
    }
  }
  const m = (name: string, w: number[], c: number[], k: number): Measure => ({ name, seconds: median(w), cpu: median(c), min: Math.min(...w), rssMB: rss[k]! / 1024, result: results[k]!, runs });
  return {
    a: m(a.name, wa, ca, 0),
    b: m(b.name, wb, cb, 1),
    wallRatio: median(wa.map((x, i) => x / wb[i]!)),
    cpuRatio: median(ca.map((x, i) => (cb[i]! > 0 ? x / cb[i]! : Number.NaN))),
  };
}

/** The corpus as 8 gzip files of consecutive lines (what a rotated, compressed capture looks like). */
async function gzipDirectory(corpus: string, dir: string, parts: number, lines: number): Promise<void> {
  if (existsSync(join(dir, 'done'))) return;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  process.stderr.write(`writing ${dir} (${parts} gzip files)…\n`);
  const rl = createInterface({ input: createReadStream(corpus), crlfDelay: Infinity });
  const perPart = Math.ceil(lines / parts);
  let part = -1;
  let n = 0;
  let gz: ReturnType<typeof createGzip> | undefined;
  let done: Promise<void> | undefined;
  for await (const line of rl) {
    if (n % perPart === 0) {
      gz?.end();
      await done;
      part++;
      gz = createGzip();
      done = pipeline(gz, createWriteStream(join(dir, `part-${String(part).padStart(2, '0')}.ndjson.gz`)));
    }
    n++;
    if (!gz!.write(`${line}\n`)) await new Promise<void>((res) => gz!.once('drain', () => res()));
  }
  gz?.end();
  await done;
  writeFileSync(join(dir, 'done'), '');
}

/** `rg -c` prints a count per file (`path:n`) for several files, a bare count for one input. */
const sumCounts = (s: string): string => `${s.trim().split('\n').filter((l) => l !== '').reduce((a, l) => a + Number(l.slice(l.lastIndexOf(':') + 1)), 0)} token lines`;

const lineCount = (s: string): string => `${s.split('\n').filter((l) => l.trim() !== '').length} lines out`;
/** Alerts written (stdout lines) and the query matches the summary reports (stderr), to check the variants agree. */
const cliResult = (stdout: string, stderr: string): string => {
  const matched = /events matching the query:\s+([\d,]+)/.exec(stderr)?.[1] ?? '?';
  const passed = /lines passed over by the prefilter:\s+([\d,]+)/.exec(stderr)?.[1] ?? '?';
  return `${lineCount(stdout).replace('lines out', 'alerts')}, ${matched} matches, ${passed} lines passed over`;
};
const firstLine = (s: string): string => s.trim().split('\n')[0] ?? '';
const stageResult = (s: string): string => {
  const o = JSON.parse(firstLine(s)) as Record<string, unknown>;
  const keys = ['matches', 'candidates', 'nsPerEvent', 'needles', 'predicate'].filter((k) => k in o);
  return keys.map((k) => `${k}=${Array.isArray(o[k]) ? (o[k] as unknown[]).join('|') : String(o[k])}`).join(' ');
};

async function sliceFile(src: string, dst: string, lines: number): Promise<number> {
  const rl = createInterface({ input: createReadStream(src), crlfDelay: Infinity });
  const out = createWriteStream(dst);
  let n = 0;
  for await (const line of rl) {
    if (n++ >= lines) break;
    out.write(`${line}\n`);
  }
  rl.close();
  await new Promise<void>((res) => out.end(res));
  return statSync(dst).size;
}

/** The v210 query as a jq predicate on the event (bare or `_source` of a hit), written from RULE.md. */
const JQ_FILTER = `
def has($v): if type == "array" then any(.[]; . == $v) else . == $v end;
def excluded: ["mkinitramfs","cryptroot","framebuffer","dracut","jem","thin-provisioning-tools","readykernel","lvm2",
  "vz-start","iscsi","mdadm","ovalprobes","bcache","plymouth","dkms","overlayroot","weak-modules","zfs","systemd",
  "whoopsie-upload-all","kdumpctl","apport-gtk","casper","rear","kernel-install"];
(._source // .) as $e
| select(($e.event.category | has("process")) and ($e.host.os.type | has("linux")) and ($e.event.type | has("start"))
  and (($e.event.action | has("exec")) or ($e.event.action | has("exec_event")))
  and (($e.process.name | has("lsmod")) or ($e.process.name | has("modinfo"))
       or (($e.process.name | has("kmod")) and ($e.process.args | has("list")))
       or (($e.process.name | has("depmod")) and (($e.process.args | has("--all")) or ($e.process.args | has("-a")))))
  and ($e.process.parent.name as $p | [excluded[] as $x | $p | has($x)] | any | not))
| 1`;

/** The kuery versions `compare --all` evaluates (src/rule/versions). */
const ALL_VERSIONS = 23;

interface Paired {
  a: string;
  b: string;
  /** Per pair: b's time over a's, wall and CPU. */
  wall: number[];
  cpu: number[];
  failed?: string;
}

/**
 * A/B in alternation (a, b, a, b, …) so that load on the shared machine hits both alike; the figure
 * is the median of the per-pair ratios, steadier than a ratio of medians when the load drifts.
 */
function pairedRatio(a: string, cmdA: string, b: string, cmdB: string, runs: number): Paired {
  const out: Paired = { a, b, wall: [], cpu: [] };
  for (let i = 0; i < runs; i++) {
    const x = runOnce(cmdA);
    const y = runOnce(cmdB);
    if (x.status === null || ![0, 1].includes(x.status) || y.status === null || ![0, 1].includes(y.status)) {
      out.failed = `exit ${x.status}/${y.status}: ${(y.stderr || x.stderr).trim().split('\n').pop()?.slice(0, 80)}`;
      return out;
    }
    out.wall.push(y.seconds / x.seconds);
    out.cpu.push(y.cpu / x.cpu);
  }
  return out;
}

function which(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

function fmt(n: number | undefined, digits = 2): string {
  return n === undefined ? '–' : n.toFixed(digits);
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  // Other work on the machine shows in every wall time: record it (1-minute load average).
  const loadBefore = loadavg()[0] ?? 0;
  mkdirSync(BENCH_DIR, { recursive: true });
  const corpus = join(BENCH_DIR, `corpus-${flags.events}-${flags.seed}.ndjson`);
  if (!existsSync(corpus)) {
    process.stderr.write(`generating ${corpus}…\n`);
    await generateCorpus({ events: flags.events, seed: flags.seed, out: corpus });
  }
  const bytes = statSync(corpus).size;
  const events = flags.events;

  // The stages run bundled, so that no TypeScript loader start-up is timed.
  const stagesJs = join(BENCH_DIR, 'stages.mjs');
  const b = spawnSync('node_modules/.bin/esbuild', ['test/bench/stages.ts', '--bundle', '--platform=node', '--format=esm', '--external:ndjson', `--outfile=${stagesJs}`, '--log-level=warning']);
  if (b.status !== 0) throw new Error(`esbuild failed: ${b.stderr}`);

  const prefilterProbe = spawnSync('node', [stagesJs, 'prefilter', corpus], { encoding: 'utf8' });
  const needles = ((JSON.parse(firstLine(prefilterProbe.stdout)) as { needles?: string[] }).needles ?? []).map((n) => `"${n}"`);
  const literalArgs = needles.map((n) => `-e '${n}'`).join(' ');

  const cli = 'node dist/cli/main.js';
  const rows: Measure[] = [];
  const r = flags.runs;
  const full = !flags.literalSearchOnly;
  // The HTML report over the same corpus: same reader, plus fates, near misses and the page.
  const reportHtml = join(BENCH_DIR, 'report.html');
  const pairs: Array<{ label: string; goal: string; pair: Pair; meets: (p: Pair) => boolean | undefined }> = [];
  if (full) {
    rows.push(measure('cat > /dev/null', `cat ${corpus} > /dev/null`, r, () => '-'));
    if (which('rg')) rows.push(measure(`rg -c -F (${needles.join(' ')})`, `rg -c -F ${literalArgs} ${corpus}`, r, (s) => `${s.trim()} token lines`, [0, 1]));
    else rows.push(measure(`grep -c -F (${needles.join(' ')}) | cat`, `grep -c -F ${literalArgs} ${corpus} | cat`, r, (s) => `${s.trim()} token lines`, [0, 1]));
    // No --quiet: the summary (stderr) gives the match count that every variant must agree on.
    const scanRow = (name: string, extra: string, runs: number) => rows.push(measure(name, `${cli} scan ${corpus} --format ndjson ${extra}`, runs, cliResult, [0, 1]));
    // The default picks 2 workers for large files only when a core looks idle: the explicit rows show both paths.
    scanRow('scan --format ndjson (new_terms; default threads)', '', r);
    scanRow('scan (new_terms) --threads 1', '--threads 1', r);
    scanRow('scan (new_terms) --threads 2', '--threads 2', r);
    scanRow('scan --mode query --threads 1', '--mode query --threads 1', r);
    scanRow('scan --mode query --threads 2', '--mode query --threads 2', r);
    scanRow('scan --mode query --no-prefilter --threads 1', '--mode query --no-prefilter --threads 1', Math.min(r, 3));
    scanRow('scan --mode query --no-prefilter --threads 2', '--mode query --no-prefilter --threads 2', Math.min(r, 3));
    const reportResult = (_o: string, e: string) => /^report \S+ \(([^)]*)\): (.*)$/m.exec(e)?.slice(1).join(': ') ?? '?';
    rows.push(measure('report -o report.html (new_terms)', `${cli} report ${corpus} -o ${reportHtml} --exit-zero`, r, reportResult));
    // Issue 10: the pipe against the file, and compressed captures against one thread and `rg -z`.
    const ok = [0, 1];
    const fileScan = { name: 'scan corpus (default threads)', cmd: `${cli} scan ${corpus} --format ndjson`, summarise: cliResult, ok };
    const pipeScan = { name: '`cat corpus | scan` (stdin)', cmd: `cat ${corpus} | ${cli} scan --format ndjson`, summarise: cliResult, ok };
    const pipeVsFile = measurePair(pipeScan, fileScan, r);
    rows.push(pipeVsFile.a);
    pairs.push({ label: '`cat corpus | scan` / `scan corpus`', goal: '≤ 1.2', pair: pipeVsFile, meets: (p) => (p.wallRatio === undefined ? undefined : p.wallRatio <= 1.2) });
    if (which('rg')) {
      const pipeRg = { name: `\`cat corpus | rg -c -F\` (${needles.join(' ')})`, cmd: `cat ${corpus} | rg -c -F ${literalArgs}`, summarise: sumCounts, ok };
      const pipeVsRg = measurePair(pipeScan, pipeRg, r);
      rows.push(pipeVsRg.b);
      pairs.push({ label: '`cat corpus | scan` / `cat corpus | rg -c`', goal: '≤ 3', pair: pipeVsRg, meets: (p) => (p.wallRatio === undefined ? undefined : p.wallRatio <= 3) });
    }
    const gzDir = join(BENCH_DIR, `gz8-${flags.events}-${flags.seed}`);
    await gzipDirectory(corpus, gzDir, 8, events);
    const gzScan = { name: 'scan 8 × .gz (default threads)', cmd: `${cli} scan ${gzDir} --format ndjson`, summarise: cliResult, ok };
    const gzOne = { name: 'scan 8 × .gz --threads 1', cmd: `${cli} scan ${gzDir} --format ndjson --threads 1`, summarise: cliResult, ok };
    const gzVsOne = measurePair(gzScan, gzOne, r);
    rows.push(gzVsOne.a, gzVsOne.b);
    pairs.push({ label: 'scan 8 × .gz / the same with `--threads 1`', goal: '≤ 0.6', pair: gzVsOne, meets: (p) => (p.wallRatio === undefined ? undefined : p.wallRatio <= 0.6) });
    if (which('rg')) {
      const gzRg = { name: `rg -z -c -F 8 × .gz (${needles.join(' ')})`, cmd: `rg -z -c -F ${literalArgs} ${gzDir}`, summarise: sumCounts, ok };
      const gzVsRg = measurePair(gzScan, gzRg, r);
      rows.push(gzVsRg.b);
      pairs.push({ label: 'scan 8 × .gz / `rg -z -c` on the same directory', goal: '< 1', pair: gzVsRg, meets: (p) => (p.wallRatio === undefined ? undefined : p.wallRatio < 1) });
    } else {
      rows.push({ name: 'rg -z -c 8 × .gz', result: '', runs: 0, failed: 'rg not installed (Debian package ripgrep)' });
    }

    rows.push(measure('stage: node start-up (bundle)', `node ${stagesJs} noop`, r, () => '-'));
    rows.push(measure('stage: read 1 MiB', `node ${stagesJs} read ${corpus}`, r, () => '-'));
    rows.push(measure('stage: prefilter only', `node ${stagesJs} prefilter ${corpus}`, r, stageResult));
    rows.push(measure('stage: prefilter + parse + predicate', `node ${stagesJs} prefilter-parse ${corpus}`, r, stageResult));
    rows.push(measure('parallel (2 workers): prefilter + parse + predicate', `node ${stagesJs} parallel ${corpus}`, r, stageResult));
    rows.push(measure('parallel (2 workers): parse every line + predicate', `node ${stagesJs} parallel-noprefilter ${corpus}`, Math.min(r, 3), stageResult));
    rows.push(measure('stage: parse every line + predicate', `node ${stagesJs} parse-all ${corpus}`, Math.min(r, 3), stageResult));
    rows.push(measure('stage: ndjson package parse stream, every line + predicate', `node ${stagesJs} ndjson-parse-all ${corpus}`, Math.min(r, 3), stageResult));
  }
  const comparePair = pairedRatio(
    'scan --threads 1 (v210)',
    `${cli} scan ${corpus} --format ndjson --quiet --threads 1 > /dev/null`,
    `compare --all --threads 1 (${ALL_VERSIONS} versions)`,
    `${cli} compare --all ${corpus} --format ndjson --quiet --threads 1 > /dev/null`,
    r,
  );

  if (which('jq')) {
    const slice = join(BENCH_DIR, `slice-${flags.jqLines}.ndjson`);
    const sliceBytes = await sliceFile(corpus, slice, flags.jqLines);
    writeFileSync(join(BENCH_DIR, 'rule.jq'), JQ_FILTER);
    const m = measure(`jq (slice of ${flags.jqLines} lines, scaled)`, `jq -c -f ${join(BENCH_DIR, 'rule.jq')} ${slice} | wc -l`, Math.min(r, 3), (s) => `${s.trim()} matches in slice`);
    const factor = bytes / sliceBytes;
    if (m.seconds !== undefined) {
      m.seconds *= factor;
      m.min = (m.min ?? 0) * factor;
    }
    m.scaledBy = factor;
    rows.push(m);
  }

  // The report opened in Debian's chromium: time to interactive and two interactions (report-tti.ts).
  let ttiLine = 'report time to interactive: not measured (no /usr/bin/chromium)';
  if (existsSync('/usr/bin/chromium') && existsSync(reportHtml)) {
    const t = spawnSync('node_modules/.bin/tsx', ['test/bench/report-tti.ts', reportHtml, '--runs', String(r)], { encoding: 'utf8' });
    if (t.status === 0) {
      const o = JSON.parse(firstLine(t.stdout)) as { readyMs: number; readyMsAll: number[]; filterMs: number; zoomMs: number; bytes: number };
      ttiLine = `report in chromium (file://): ${(o.bytes / 1e6).toFixed(2)} MB, interactive ${o.readyMs} ms after navigation (median of ${o.readyMsAll.join(', ')}), alert text filter ${o.filterMs} ms, timeline zoom ${o.zoomMs} ms`;
    } else ttiLine = `report time to interactive: failed: ${t.stderr.trim().split('\n').pop()}`;
  }
  const jqRow = rows.find((m) => m.name.startsWith('jq') && m.seconds !== undefined);
  const files = [{ label: `${(events / 1000).toLocaleString('en-US')}k events (${(bytes / 1e6).toFixed(0)} MB)`, path: corpus, bytes }];
  if (flags.sliceEvents > 0 && flags.sliceEvents < events) {
    const slicePath = join(BENCH_DIR, `slice-${flags.sliceEvents}.ndjson`);
    const sliceBytes = existsSync(slicePath) ? statSync(slicePath).size : await sliceFile(corpus, slicePath, flags.sliceEvents);
    files.push({ label: `first ${(flags.sliceEvents / 1000).toLocaleString('en-US')}k events (${(sliceBytes / 1e6).toFixed(0)} MB)`, path: slicePath, bytes: sliceBytes });
  }
  const section = which('rg')
    ? literalSearchSection({
        files,
        runs: r,
        stagesJs,
        benchDir: BENCH_DIR,
        rgArgs: literalArgs,
        ...(jqRow?.seconds !== undefined && { jqSecondsPerByte: jqRow.seconds / bytes }),
      })
    : ['### Literal search (issue 16)', '', 'Not measured: rg is not installed (apt-get install ripgrep).'];

  const evalCost = spawnSync('node', [stagesJs, 'eval-cost', corpus], { encoding: 'utf8' });
  const evalLine = evalCost.status === 0 ? stageResult(evalCost.stdout) : `failed: ${evalCost.stderr.trim().split('\n').pop()}`;

  // Peak RSS at 1× and rssScale× input: the CLI when it works, else the in-process pipeline.
  const rssRows: string[] = [];
  if (full && flags.rssScale > 1) {
    const big = join(BENCH_DIR, `corpus-${flags.events * flags.rssScale}-${flags.seed}.ndjson`);
    if (!existsSync(big)) {
      process.stderr.write(`generating ${big}…\n`);
      await generateCorpus({ events: flags.events * flags.rssScale, seed: flags.seed, out: big });
    }
    for (const [label, cmd] of [
      ['scan --threads 2', (f: string) => `${cli} scan ${f} --format ndjson --quiet --threads 2 > /dev/null`],
      ['scan --threads 1', (f: string) => `${cli} scan ${f} --format ndjson --quiet --threads 1 > /dev/null`],
      ['cat | scan (stdin)', (f: string) => `cat ${f} | ${cli} scan --format ndjson --quiet > /dev/null`],
      ['stage: prefilter + parse + predicate', (f: string) => `node ${stagesJs} prefilter-parse ${f}`],
    ] as const) {
      const one = measure(label, cmd(corpus), 1, () => '', [0, 1]);
      const ten = measure(label, cmd(big), 1, () => '', [0, 1]);
      rssRows.push(
        `| ${label} | ${one.failed ? 'failed' : fmt(one.rssMB, 0)} | ${ten.failed ? 'failed' : fmt(ten.rssMB, 0)} | ${ten.failed ? '–' : fmt(ten.seconds)} |`,
      );
    }
    if (process.argv.includes('--keep-large') === false) rmSync(big, { force: true });
  }

  const base = (prefix: string) => rows.find((m) => m.name.startsWith(prefix) && m.seconds !== undefined)?.seconds;
  const cat = base('cat');
  const grep = base('rg') ?? base('grep');
  const jq = base('jq');
  const mb = bytes / 1e6;
  const lines: string[] = [];
  lines.push(`# kmod-enum-detect benchmark`, '');
  lines.push(`- date: ${new Date().toISOString()}`);
  lines.push(`- machine: ${availableParallelism()} cores (nproc), ${cpus()[0]?.model ?? 'unknown CPU'}, node ${process.version}; load average ${loadBefore.toFixed(2)} before, ${(loadavg()[0] ?? 0).toFixed(2)} after`);
  lines.push(`- corpus: ${corpus}, ${events.toLocaleString('en-US')} events, ${mb.toFixed(1)} MB (seed ${flags.seed})`);
  lines.push(`- runs: median of ${flags.runs} (${Math.min(flags.runs, 3)} for the full-parse and jq rows); RSS from /usr/bin/time (max over runs)`);
  lines.push(`- literals searched by the baselines: the prefilter's needles, quoted: ${needles.join(' ')}`);
  lines.push('');
  lines.push('| method | median s | min s | CPU s | MB/s | events/s | peak RSS MB | × cat | × rg/grep | jq × slower | result |');
  lines.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const m of rows) {
    if (m.failed !== undefined) {
      lines.push(`| ${m.name.replace(/\|/g, '\\|')} | failed | | | | | | | | | ${m.failed.replace(/\|/g, '\\|')} |`);
      continue;
    }
    const s = m.seconds!;
    lines.push(
      `| ${m.name.replace(/\|/g, '\\|')} | ${fmt(s)} | ${fmt(m.min)} | ${fmt(m.cpu === undefined || m.scaledBy === undefined ? m.cpu : m.cpu * m.scaledBy)} | ${(mb / s).toFixed(0)} | ${Math.round(events / s).toLocaleString('en-US')} | ${fmt(m.rssMB, 0)} | ${cat ? (s / cat).toFixed(1) : '–'} | ${grep ? (s / grep).toFixed(2) : '–'} | ${jq ? (jq / s).toFixed(1) : '–'} | ${m.result.replace(/\|/g, '\\|')}${m.scaledBy ? ` (time ×${m.scaledBy.toFixed(1)})` : ''} |`,
    );
  }
  lines.push('');
  lines.push(ttiLine, '');
  lines.push(
    comparePair.failed !== undefined
      ? `Paired ${comparePair.b} vs ${comparePair.a}: failed (${comparePair.failed})`
      : `Paired ${comparePair.b} vs ${comparePair.a}, ${comparePair.wall.length} alternating pairs: median ratio ${fmt(median(comparePair.wall))}× wall, ${fmt(median(comparePair.cpu))}× CPU (per pair wall ${comparePair.wall.map((x) => x.toFixed(2)).join(' ')}; budget 2×)`,
  );
  lines.push('');
  lines.push(`Evaluation cost of the rule query on pre-parsed events (in-process, median of 5 timed passes over up to 20,000 events): ${evalLine}`);
  if (pairs.length > 0) {
    lines.push('', 'Paired ratios (issue 10): the two commands run in turn, A B A B …; median of the per-pair ratios.', '');
    lines.push('| A / B | goal | wall ratio | CPU ratio | A median s | B median s | met |', '|---|---|---:|---:|---:|---:|---|');
    for (const { label, goal, pair, meets } of pairs) {
      const met = meets(pair);
      lines.push(`| ${label.replace(/\|/g, '\\|')} | ${goal} | ${fmt(pair.wallRatio)} | ${fmt(pair.cpuRatio)} | ${fmt(pair.a.seconds)} | ${fmt(pair.b.seconds)} | ${met === undefined ? 'failed' : met ? 'yes' : 'no'} |`);
    }
  }
  if (rssRows.length > 0) {
    lines.push('', `| peak RSS | 1× (${mb.toFixed(0)} MB) MB | ${flags.rssScale}× MB | ${flags.rssScale}× s |`, '|---|---:|---:|---:|', ...rssRows);
  }
  lines.push('', ...section);
  const md = `${lines.join('\n')}\n`;
  writeFileSync(join(BENCH_DIR, 'results.md'), md);
  process.stdout.write(md);
  cleanUp();
}

await main();
