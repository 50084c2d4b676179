/**
 * The hostile-input suite, small enough for CI: a few seeded cases in-process over every setting
 * (see hostile.ts), and a handful of CLI runs over one case as a user would feed it (file, stdin,
 * gzip, split gzip; scan, explain, kql match; --strict). `npm run fuzz -- --seconds N` runs longer.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';
import { checkCase, makeCase, seedLines, writeCaseFiles } from './hostile.js';

const SEEDS = [1, 2];
let dir: string;
let lines: Buffer[];
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kmod-hostile-'));
  lines = await seedLines(dir);
});

describe('hostile input, in-process (scan new_terms and query mode, explain; prefilter on/off; 1 and 2 threads)', () => {
  it.each(SEEDS)('seed %i: no crash, every line accounted, same alerts in every setting, Object.prototype untouched', async (seed) => {
    const c = makeCase(seed, lines);
    const files = writeCaseFiles(dir, c);
    // Plain for one seed, gzip and split gzip for the other: every form is checked, the suite stays short.
    await checkCase(c, seed % 2 === 1 ? [files.plain] : [files.gzip, files.splitGzip]);
  });
});

describe('hostile input through the CLI', () => {
  it('file, stdin, gzip and split gzip give exit 0 or 1 (2 only with --strict), the same alerts, and no internal error', async () => {
    const c = makeCase(7, lines);
    const f = writeCaseFiles(dir, c);
    const runs = await Promise.all([
      runCli(['-q', '-f', 'ndjson', f.plain]),
      runCli(['-q', '-f', 'ndjson', '--threads', '1', '--no-prefilter'], { input: c.bytes }),
      runCli(['-q', '-f', 'ndjson', f.gzip]),
      runCli(['-q', '-f', 'ndjson', f.splitGzip]),
    ]);
    const idsOf = (out: string) => out.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as Record<string, string>)['kibana.alert.uuid']).sort();
    for (const r of runs) {
      expect([0, 1]).toContain(r.code);
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    }
    // stdin is named `-`, so derived ids of bare events differ from the file's; compare the files.
    expect(idsOf(runs[2]!.stdout)).toEqual(idsOf(runs[0]!.stdout));
    expect(idsOf(runs[3]!.stdout)).toEqual(idsOf(runs[0]!.stdout));
    expect(idsOf(runs[1]!.stdout).length).toBe(idsOf(runs[0]!.stdout).length);
    const strict = await runCli(['-q', '--strict', f.plain]);
    expect([0, 1, 2]).toContain(strict.code);
    expect(strict.stderr).not.toMatch(/internal error|\n\s+at /);
  });

  it('explain and kql match exit 0 over hostile input, with no internal error', async () => {
    const c = makeCase(8, lines);
    const f = writeCaseFiles(dir, c);
    const [explain, match] = await Promise.all([
      runCli(['explain', '--format', 'json', f.splitGzip]),
      runCli(['kql', 'match', '-q', 'process.name:(lsmod or modinfo or kmod or depmod)', f.plain]),
    ]);
    for (const r of [explain, match]) {
      expect(r.code).toBe(0);
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    }
    // kql match prints input lines byte for byte: every printed line is one of the file's lines.
    const input = new Set(readFileSync(f.plain, 'utf8').split('\n'));
    for (const l of match.stdout.split('\n').filter(Boolean)) expect(input.has(l)).toBe(true);
  });
});
