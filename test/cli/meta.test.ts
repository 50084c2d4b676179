/** `--version` and `--help` of the built CLI. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { once, ROOT, runCli } from './run-cli.js';

const { version } = JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8')) as { version: string };

/** The three users of issue 3: a pipe, a CI job, a triage of an export. */
function expectThreeExamples(help: string): void {
  expect(help).toMatch(/cat .*\| kmod-enum-detect/);
  expect(help).toMatch(/kmod-enum-detect .*--state .*# exit 1 when alerts are found/);
  expect(help).toMatch(/kmod-enum-detect .*--mode query /);
}

describe('--version', () => {
  it.each([['--version'], ['-V']])('%s prints the package version on stdout and exits 0', async (flag) => {
    const r = await runCli([flag]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(version);
    expect(r.stderr).toBe('');
  });
});

describe('--help', () => {
  const top = once(() => runCli(['--help']));
  const scan = once(() => runCli(['scan', '--help']));

  it('exits 0 and lists the commands', async () => {
    const r = await top();
    expect(r.code).toBe(0);
    for (const cmd of ['scan', 'kql', 'explain', 'dsl', 'rule']) expect(r.stdout).toMatch(new RegExp(`^\\s+${cmd}\\b`, 'm'));
  });

  it('scan --help exits 0 and shows one example each for the pipe, the CI job and the triage', async () => {
    const r = await scan();
    expect(r.code).toBe(0);
    expectThreeExamples(r.stdout);
    for (const opt of ['--format', '--output', '--state', '--strict', '--exit-zero', '--quiet', '--mode', '--runs', '--rule-uuid']) {
      expect(r.stdout).toContain(opt);
    }
  });

  // Issue 3 item 9: `--help` with one example each for the pipe, the CI job and the triage, on the
  // top-level help a user reaches first as well as on `scan --help`.
  it('kmod-enum-detect --help shows the three use examples', async () => {
    expectThreeExamples((await top()).stdout);
  });

  it('kql --help exits 0 and names parse and match', async () => {
    const r = await runCli(['kql', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\s+parse\b/m);
    expect(r.stdout).toMatch(/^\s+match\b/m);
  });
});
