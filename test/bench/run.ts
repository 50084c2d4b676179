/**
 * `npm run bench`: generates a seeded corpus, then times on that same file, in the same run, the CLI
 * end to end (new_terms, --mode query, --no-prefilter), the in-process stages (stages.ts) and the
 * baselines (cat, rg or grep with the same literals, jq with the same predicate on a slice, scaled).
 * Medians of --runs runs; peak RSS from /usr/bin/time. Writes a markdown table to stdout and to
 * .bench/results.md. Commands that fail are marked failed, not left out.
 *
 *   npm run bench -- [--events 50000] [--runs 5] [--large] [--rss-scale 10] [--jq-lines 5000]
 *
 * --large uses the 1,000,000-event corpus (~1.8 GB) of the issue's goals.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync, createReadStream, createWriteStream, rmSync } from 'node:fs';
import { cpus, availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { generateCorpus } from './gen-corpus.js';

const BENCH_DIR = '.bench';

interface Flags {
  events: number;
  runs: number;
  rssScale: number;
  jqLines: number;
  seed: number;
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

const TIME_FILE = join(tmpdir(), `kmod-bench-time-${process.pid}`);

function runOnce(cmd: string): { seconds: number; cpu: number; rssKB: number; stdout: string; status: number | null; stderr: string } {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M %U %S', '-o', TIME_FILE, 'sh', '-c', cmd], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const seconds = (performance.now() - t0) / 1000;
  const [rss, user, sys] = (readFileSync(TIME_FILE, 'utf8').trim().split('\n').pop() ?? '').split(' ').map(Number);
  return { seconds, cpu: (user ?? 0) + (sys ?? 0), rssKB: rss ?? 0, stdout: r.stdout ?? '', status: r.status, stderr: r.stderr ?? '' };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
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
  // The HTML report over the same corpus: same reader, plus fates, near misses and the page.
  const reportHtml = join(BENCH_DIR, 'report.html');
  const reportResult = (_o: string, e: string) => /^report \S+ \(([^)]*)\): (.*)$/m.exec(e)?.slice(1).join(': ') ?? '?';
  rows.push(measure('report -o report.html (new_terms)', `${cli} report ${corpus} -o ${reportHtml} --exit-zero`, r, reportResult));
  rows.push(measure('stage: node start-up (bundle)', `node ${stagesJs} noop`, r, () => '-'));
  rows.push(measure('stage: read 1 MiB', `node ${stagesJs} read ${corpus}`, r, () => '-'));
  rows.push(measure('stage: prefilter only', `node ${stagesJs} prefilter ${corpus}`, r, stageResult));
  rows.push(measure('stage: prefilter + parse + predicate', `node ${stagesJs} prefilter-parse ${corpus}`, r, stageResult));
  rows.push(measure('parallel (2 workers): prefilter + parse + predicate', `node ${stagesJs} parallel ${corpus}`, r, stageResult));
  rows.push(measure('parallel (2 workers): parse every line + predicate', `node ${stagesJs} parallel-noprefilter ${corpus}`, Math.min(r, 3), stageResult));
  rows.push(measure('stage: parse every line + predicate', `node ${stagesJs} parse-all ${corpus}`, Math.min(r, 3), stageResult));
  rows.push(measure('stage: ndjson package parse stream, every line + predicate', `node ${stagesJs} ndjson-parse-all ${corpus}`, Math.min(r, 3), stageResult));

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

  const evalCost = spawnSync('node', [stagesJs, 'eval-cost', corpus], { encoding: 'utf8' });
  const evalLine = evalCost.status === 0 ? stageResult(evalCost.stdout) : `failed: ${evalCost.stderr.trim().split('\n').pop()}`;

  // Peak RSS at 1× and rssScale× input: the CLI when it works, else the in-process pipeline.
  const rssRows: string[] = [];
  if (flags.rssScale > 1) {
    const big = join(BENCH_DIR, `corpus-${flags.events * flags.rssScale}-${flags.seed}.ndjson`);
    if (!existsSync(big)) {
      process.stderr.write(`generating ${big}…\n`);
      await generateCorpus({ events: flags.events * flags.rssScale, seed: flags.seed, out: big });
    }
    for (const [label, cmd] of [
      ['scan --threads 2', (f: string) => `${cli} scan ${f} --format ndjson --quiet --threads 2 > /dev/null`],
      ['scan --threads 1', (f: string) => `${cli} scan ${f} --format ndjson --quiet --threads 1 > /dev/null`],
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
  lines.push(`Evaluation cost of the rule query on pre-parsed events (in-process, median of 5 timed passes over up to 20,000 events): ${evalLine}`);
  if (rssRows.length > 0) {
    lines.push('', `| peak RSS | 1× (${mb.toFixed(0)} MB) MB | ${flags.rssScale}× MB | ${flags.rssScale}× s |`, '|---|---:|---:|---:|', ...rssRows);
  }
  const md = `${lines.join('\n')}\n`;
  writeFileSync(join(BENCH_DIR, 'results.md'), md);
  process.stdout.write(md);
  rmSync(TIME_FILE, { force: true });
}

await main();
