/**
 * The literal search's part of `npm run bench` (issue 16): the search alone per literal count, the
 * scan end to end against `rg -c` on the same file with the SIMD search and with the indexOf passes
 * (KMOD_LITERAL_SEARCH=indexOf), runs interleaved so each pair sees the same load, the range
 * scanner's stages in CPU seconds, start-up, and a check that every variant gives the same alerts
 * as --no-prefilter.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { median, runOnce, type Run } from './measure.js';

export interface SectionInput {
  /** label, path, bytes */
  files: Array<{ label: string; path: string; bytes: number }>;
  runs: number;
  stagesJs: string;
  benchDir: string;
  /** `-e 'lit'` arguments for rg, the prefilter's needles quoted. */
  rgArgs: string;
  /** jq's seconds per byte, from the jq row (slice, scaled), when jq ran. */
  jqSecondsPerByte?: number;
}

const CLI = 'node dist/cli/main.js';
const INDEXOF_ENV = { ...process.env, KMOD_LITERAL_SEARCH: 'indexOf' };

function fmt(n: number, digits = 2): string {
  return Number.isFinite(n) ? n.toFixed(digits) : '–';
}

interface Variant {
  name: string;
  cmd: string;
  env?: NodeJS.ProcessEnv;
}

/** Runs the variants in turn, `runs` rounds; per variant the runs, in round order. */
function interleaved(variants: Variant[], runs: number): Run[][] {
  const out: Run[][] = variants.map(() => []);
  for (let r = 0; r < runs; r++) variants.forEach((v, i) => out[i]!.push(runOnce(v.cmd, v.env)));
  return out;
}

function searchAlone(input: SectionInput, corpus: string): string[] {
  const js = join(input.benchDir, 'literal-search.mjs');
  const b = spawnSync('node_modules/.bin/esbuild', ['test/bench/literal-search.ts', '--bundle', '--platform=node', '--format=esm', `--outfile=${js}`, '--log-level=warning']);
  if (b.status !== 0) return [`search alone: esbuild failed: ${b.stderr}`];
  const r = spawnSync('node', [js, corpus, '--mib', '64', '--runs', String(Math.max(5, input.runs))], { encoding: 'utf8' });
  if (r.status !== 0) return [`search alone: failed: ${r.stderr.trim().split('\n').pop()}`];
  const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { literals: number; wasmGBps: number; indexOfGBps: number; speedup: number; found: number });
  return [
    '#### The search alone (64 MiB of the corpus in memory; CPU time of the scan call, median of paired runs)',
    '',
    '| literals | SIMD GB/s | indexOf passes GB/s | SIMD × faster (paired) | occurrences |',
    '|---:|---:|---:|---:|---:|',
    ...rows.map((x) => `| ${x.literals} | ${fmt(x.wasmGBps)} | ${fmt(x.indexOfGBps)} | ${fmt(x.speedup, 1)} | ${x.found} |`),
    '',
  ];
}

function endToEnd(input: SectionInput): string[] {
  const lines = [
    '#### End to end, interleaved runs (median wall s; CPU s = user + sys of all threads; × rg = median of the per-round ratios)',
    '',
    '| file | variant | wall s | CPU s | GB/s | × rg -c | jq × slower | alerts |',
    '|---|---|---:|---:|---:|---:|---:|---|',
  ];
  for (const f of input.files) {
    const variants: Variant[] = [
      { name: `rg -c -F (the same literals)`, cmd: `rg -c -F ${input.rgArgs} ${f.path}` },
      { name: 'scan (SIMD search)', cmd: `${CLI} scan ${f.path} --format ndjson --quiet` },
      { name: 'scan (indexOf passes)', cmd: `${CLI} scan ${f.path} --format ndjson --quiet`, env: INDEXOF_ENV },
      { name: 'scan --threads 1 (SIMD search)', cmd: `${CLI} scan ${f.path} --format ndjson --quiet --threads 1` },
      { name: 'scan --threads 1 (indexOf passes)', cmd: `${CLI} scan ${f.path} --format ndjson --quiet --threads 1`, env: INDEXOF_ENV },
    ];
    const runs = interleaved(variants, input.runs);
    const rg = runs[0]!;
    variants.forEach((v, i) => {
      const rs = runs[i]!;
      const wall = median(rs.map((x) => x.seconds));
      const cpu = median(rs.map((x) => x.cpu));
      const ratio = i === 0 ? 1 : median(rs.map((x, k) => x.seconds / rg[k]!.seconds));
      const alerts = i === 0 ? `${rs[0]!.stdout.trim()} token lines` : `${rs[0]!.stdout.split('\n').filter((l) => l !== '').length} alerts`;
      const jq = input.jqSecondsPerByte === undefined ? '–' : fmt((input.jqSecondsPerByte * f.bytes) / wall, 0);
      lines.push(`| ${f.label} | ${v.name} | ${fmt(wall)} | ${fmt(cpu)} | ${fmt(f.bytes / wall / 1e9)} | ${fmt(ratio)} | ${i === 0 ? '–' : jq} | ${alerts} |`);
    });
  }
  lines.push('');
  return lines;
}

const STEPS = ['read', 'split', 'search', 'verify', 'parse', 'evaluate'] as const;

function stages(input: SectionInput, file: { label: string; path: string; bytes: number }): string[] {
  const variants: Variant[] = [];
  for (const engine of ['wasm-simd', 'indexOf'] as const) {
    for (const step of STEPS) {
      variants.push({ name: `${engine} ${step}`, cmd: `node ${input.stagesJs} pipeline ${file.path} ${step}`, ...(engine === 'indexOf' && { env: INDEXOF_ENV }) });
    }
  }
  variants.push({ name: 'start-up', cmd: `node ${input.stagesJs} noop` });
  const runs = interleaved(variants, input.runs);
  const cpu = runs.map((rs) => median(rs.map((x) => x.cpu)));
  const startup = cpu[cpu.length - 1]!;
  const lines = [
    `#### The range scanner stage by stage, one thread, ${file.label} (median CPU s of each cumulative step, interleaved; the stage's cost is the difference)`,
    '',
    '| stage | SIMD search: CPU s | + stage | indexOf passes: CPU s | + stage |',
    '|---|---:|---:|---:|---:|',
  ];
  STEPS.forEach((step, i) => {
    const a = cpu[i]!;
    const b = cpu[STEPS.length + i]!;
    const pa = i === 0 ? startup : cpu[i - 1]!;
    const pb = i === 0 ? startup : cpu[STEPS.length + i - 1]!;
    lines.push(`| ${step} | ${fmt(a)} | ${fmt(a - pa)} | ${fmt(b)} | ${fmt(b - pb)} |`);
  });
  lines.push(`| (node start-up and the bench harness's module loading) | ${fmt(startup)} | | ${fmt(startup)} | |`, '');
  return lines;
}

function startUp(input: SectionInput): string[] {
  const empty = join(input.benchDir, 'empty.ndjson');
  writeFileSync(empty, '');
  const variants: Variant[] = [
    { name: 'node -e 0', cmd: 'node -e 0' },
    { name: 'kmod-enum-detect --version', cmd: `${CLI} --version` },
    { name: 'scan of an empty file', cmd: `${CLI} scan ${empty} --format ndjson --quiet` },
    { name: 'scan of an empty file (indexOf passes)', cmd: `${CLI} scan ${empty} --format ndjson --quiet`, env: INDEXOF_ENV },
  ];
  const runs = interleaved(variants, Math.max(5, input.runs));
  return [
    '#### Start-up (median of interleaved runs)',
    '',
    '| command | wall s | CPU s |',
    '|---|---:|---:|',
    ...variants.map((v, i) => `| ${v.name} | ${fmt(median(runs[i]!.map((x) => x.seconds)), 3)} | ${fmt(median(runs[i]!.map((x) => x.cpu)), 3)} |`),
    '',
  ];
}

/** The same alerts from the SIMD search, the indexOf passes and --no-prefilter (on the smallest file). */
function identical(input: SectionInput): string[] {
  const f = [...input.files].sort((a, b) => a.bytes - b.bytes)[0]!;
  const cmd = (extra: string) => `${CLI} scan ${f.path} --format ndjson ${extra} 2>/dev/null`;
  const outs = [runOnce(cmd('')), runOnce(cmd(''), INDEXOF_ENV), runOnce(cmd('--no-prefilter'))].map((r) => r.stdout);
  const same = outs.every((o) => o === outs[0]);
  const n = outs[0]!.split('\n').filter((l) => l !== '').length;
  return [`Alerts on ${f.label}: SIMD search, indexOf passes and --no-prefilter ${same ? `identical (${n} alerts, byte for byte)` : '**DIFFER**'}.`, ''];
}

export function literalSearchSection(input: SectionInput): string[] {
  const biggest = [...input.files].sort((a, b) => b.bytes - a.bytes)[0]!;
  return [
    '### Literal search (issue 16)',
    '',
    ...searchAlone(input, biggest.path),
    ...endToEnd(input),
    ...input.files.flatMap((f) => stages(input, f)),
    ...startUp(input),
    ...identical(input),
  ];
}
