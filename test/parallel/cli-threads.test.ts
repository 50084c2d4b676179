/**
 * `scan --threads N` must print exactly what `--threads 1` prints: the same alerts in the same order,
 * the same summary (line accounting, prefilter literals) and the same warnings with the same line
 * numbers, whatever order the workers finish in. Runs the built CLI (npm test builds first).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { writeTestFiles } from './test-files.js';

const run = promisify(execFile);
const CLI = join(process.cwd(), 'dist/cli/main.js');

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

async function scan(args: string[]): Promise<CliRun> {
  try {
    const r = await run(process.execPath, [CLI, 'scan', ...args], { maxBuffer: 1 << 28, env: { ...process.env, NO_COLOR: '1' } });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    if (typeof err.code !== 'number') throw e;
    return { code: err.code, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

let dir: string;
let big: string;
let lateBadLine: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kmod-threads-'));
  ({ big, lateBadLine } = await writeTestFiles(dir));
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function expectSameAsOneThread(args: string[], threads: number[] = [2, 3]): Promise<CliRun> {
  const one = await scan([...args, '--threads', '1']);
  for (const n of threads) {
    const many = await scan([...args, '--threads', String(n)]);
    expect(many.stdout).toBe(one.stdout);
    expect(many.stderr).toBe(one.stderr);
    expect(many.code).toBe(one.code);
  }
  return one;
}

describe('scan --threads', () => {
  it('a multi-MB file with malformed lines: alerts, summary and warnings equal the single-thread run', async () => {
    const one = await expectSameAsOneThread([big, '-v', '--format', 'ndjson']);
    expect(one.code).toBe(1);
    expect(one.stdout.split('\n').filter((l) => l !== '').length).toBeGreaterThan(3);
    expect(one.stderr).toMatch(/lines passed over by the prefilter: +[1-9]/);
    expect(one.stderr).toMatch(/warning: .*big\.ndjson:\d+: /);
  }, 120_000);

  it('--strict stops at the first bad line with the same file:line whichever worker meets it', async () => {
    for (const file of [big, lateBadLine]) {
      const one = await expectSameAsOneThread([file, '--strict', '--format', 'ndjson'], [2]);
      expect(one.code).toBe(2);
      expect(one.stdout).toBe('');
    }
    expect((await scan([lateBadLine, '--strict', '--threads', '2'])).stderr).toMatch(/late-bad-line\.ndjson:2001/);
  }, 120_000);

  it('the file alone, then among other inputs (serial and split files mixed), matches one thread', async () => {
    await expectSameAsOneThread(['fixtures/shapes/events.ndjson.gz', big, 'fixtures/shapes/es-archiver.json', 'fixtures/demo/events.ndjson', '--format', 'ndjson'], [2]);
  }, 120_000);

  // Compared in-process instead (the same matching events in input order, origins and accounting,
  // which is what --mode query lists and the summary prints): each shapes fixture, and the big file
  // with and without a prefilter, through every reader path (workers, worker pieces, one thread,
  // stdin-like chunks), and all of them in one run with 1 and 3 threads (test/io/reader-paths.test.ts).
  // The CLI runs above keep the printed output of split and serial files held equal.
});
