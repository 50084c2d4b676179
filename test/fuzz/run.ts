/**
 * `npm run fuzz -- --seconds N [--seed S]`: the hostile-input suite for longer than CI runs it.
 * Generates cases from consecutive seeds (starting at S, default: the clock) until N seconds have
 * passed, checks every invariant of hostile.ts on each (plain file, then gzip + split gzip), and stops
 * at the first failure with its seed and recipe (re-run it with --seed).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkCase, makeCase, seedLines, writeCaseFiles } from './hostile.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i === -1 ? undefined : process.argv[i + 1];
}

const seconds = Number(arg('--seconds') ?? '60');
let seed = Number(arg('--seed') ?? String(Date.now() % 1_000_000));
if (!Number.isFinite(seconds) || seconds <= 0 || !Number.isInteger(seed)) {
  process.stderr.write('usage: npm run fuzz -- --seconds N [--seed S]\n');
  process.exit(2);
}
const dir = mkdtempSync(join(tmpdir(), 'kmod-fuzz-'));
const lines = await seedLines(dir);
const deadline = Date.now() + seconds * 1000;
let cases = 0;
const first = seed;
try {
  while (Date.now() < deadline) {
    const c = makeCase(seed, lines);
    const f = writeCaseFiles(dir, c);
    await checkCase(c, [f.plain]);
    await checkCase(c, [f.gzip, f.splitGzip]);
    cases++;
    seed++;
    if (cases % 5 === 0) process.stderr.write(`fuzz: ${cases} cases (seeds ${first}–${seed - 1}), no invariant broken\n`);
  }
  process.stdout.write(`fuzz: ${cases} cases (seeds ${first}–${seed - 1}) in ${seconds} s: every invariant held\n`);
  rmSync(dir, { recursive: true, force: true });
} catch (e) {
  process.stderr.write(`${(e as Error).message}\n(case files kept in ${dir}; re-run with --seed ${seed} --seconds 1)\n`);
  process.exit(1);
}
