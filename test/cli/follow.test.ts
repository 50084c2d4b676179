/**
 * `--follow` end to end: alerts come out while the pipe is still open, the output equals the batch
 * scan's on the demo fixture (which is in event-time order), and an interrupted follower keeps what it
 * wrote, with a state that lets a restarted one go on without losing or repeating an alert.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, DEMO, ROOT, STACK_FRAME, cleanEnv, readFixture, runCli, tempDir } from './run-cli.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const demoLines = readFixture(DEMO).toString('utf8').split('\n').filter((l) => l !== '');

describe('scan --follow', () => {
  it('writes the alerts of final runs while the pipe is still open', async () => {
    const child = spawn(process.execPath, [CLI, '--follow', '--format', 'ndjson'], { cwd: ROOT, env: cleanEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    child.stderr.resume();
    child.stdin.on('error', () => {});
    let out = '';
    const firstAlert = new Promise<string>((resolve) =>
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const nl = out.indexOf('\n');
        if (nl >= 0) resolve(out.slice(0, nl));
      }),
    );
    // Every demo event but the last few, and the pipe left open: a stream that goes on.
    child.stdin.write(`${demoLines.slice(0, -20).join('\n')}\n`);
    const alert = JSON.parse(await firstAlert) as Record<string, unknown>;
    expect(alert['kibana.alert.rule.type']).toBe('new_terms');
    expect(child.exitCode).toBeNull();
    child.stdin.end();
    expect(await new Promise((resolve) => child.on('close', resolve))).toBe(1);
  });

  it('writes byte for byte what the batch scan writes on the demo fixture (in event-time order)', async () => {
    const input = readFixture(DEMO);
    const batch = await runCli(['--format', 'ndjson'], { input });
    const follow = await runCli(['--follow', '--format', 'ndjson'], { input });
    expect(batch.code).toBe(1);
    expect(follow.code).toBe(1);
    expect(follow.stdoutBytes.length).toBeGreaterThan(0);
    expect(follow.stdoutBytes.equals(batch.stdoutBytes)).toBe(true);
  });

  it('refuses what cannot follow a stream, naming the option', async () => {
    for (const [args, what] of [
      [['--follow', '--format', 'json'], '--format json'],
      [['--follow', '--end', '2024-05-14T00:00:00Z'], '--end'],
      [['--lateness', '30s'], '--lateness'],
      [['--follow', '--lateness', 'soon'], '--lateness'],
    ] as const) {
      const r = await runCli([...args, DEMO]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(what);
    }
  });
});

describe.each([
  ['SIGINT', 130],
  ['SIGTERM', 143],
  ['SIGHUP', 129],
] as const)('scan --follow interrupted by %s', (sig, code) => {
  it(`exits ${code}, keeps the alerts it wrote, and its state lets a restart go on without loss or repeat`, async () => {
    const out = tmp.path(`follow-${sig}.ndjson`);
    const state = tmp.path(`follow-${sig}.state.json`);
    const child = spawn(process.execPath, [CLI, '--follow', '--debug', '--format', 'ndjson', '--output', out, '--state', state], { cwd: ROOT, env: cleanEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin.on('error', () => {});
    child.stdout.resume();
    let stderr = '';
    const written = new Promise<void>((resolve) =>
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (/debug: \d+ run\(s\) final, [1-9]\d* alert\(s\) written/.test(stderr)) resolve();
      }),
    );
    child.stdin.write(`${demoLines.slice(0, -20).join('\n')}\n`);
    await written;
    child.kill(sig);
    const exit = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(exit).toBe(code);
    expect(stderr).not.toMatch(STACK_FRAME);
    expect(stderr).toMatch(new RegExp(`kmod-enum-detect: interrupted by ${sig}( after the results were written)?; \\d+ alerts? of final runs written; --state .* saved after run `));
    const before = readFileSync(out);
    expect(before.length).toBeGreaterThan(0);
    expect(existsSync(state)).toBe(true);

    // The restarted follower reads the whole stream again (a replay): what it appends completes the
    // batch scan's output, nothing twice, nothing missing.
    const restarted = await runCli(['--follow', '--format', 'ndjson', '--output', out, '--state', state], { input: readFixture(DEMO) });
    expect(restarted.code === 0 || restarted.code === 1).toBe(true);
    const batch = await runCli(['--format', 'ndjson'], { input: readFixture(DEMO) });
    expect(readFileSync(out).toString('utf8')).toBe(batch.stdout);
  });
});
