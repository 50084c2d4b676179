/**
 * Invocations sharing a --state file: started together over different inputs, they serialise on the
 * state lock, so the state afterwards equals a serial run's (in the order the lock was granted) and
 * the union of their alerts equals the serial run's, with no alert written twice. Plus the lock's own
 * behaviour: a live holder makes a waiter give up after --lock-timeout naming its pid; a dead
 * holder's lock is taken over.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, cleanEnv, DEMO, ROOT, runCli, type Doc } from '../cli/run-cli.js';
import { openTempDir } from './cli-helpers.js';

const DEMO_ABS = join(ROOT, DEMO);
const PROCESSES = 4;

interface JsonRun {
  alerts: Doc[];
  summary: Record<string, Record<string, unknown>>;
}

function readJson(path: string): JsonRun {
  return JSON.parse(readFileSync(path, 'utf8')) as JsonRun;
}

const alertIds = (r: JsonRun) => r.alerts.map((a) => a['kibana.alert.uuid'] as string);

/** The state with its collections in a canonical order (insertion order is not part of its meaning). */
function canonicalState(path: string): unknown {
  const s = JSON.parse(readFileSync(path, 'utf8')) as { combos: Array<{ values: string[] }>; emitted: Array<{ id: string }> };
  return {
    ...s,
    combos: [...s.combos].sort((a, b) => (JSON.stringify(a.values) < JSON.stringify(b.values) ? -1 : 1)),
    emitted: [...s.emitted].sort((a, b) => (a.id < b.id ? -1 : 1)),
  };
}

describe('several invocations started together on one --state file', () => {
  let dir: string;
  let inputs: string[];
  beforeAll(() => {
    dir = openTempDir();
    // Different inputs: the demo's lines dealt round-robin to the processes (each sees other hosts'
    // and times' events), so what each adds to the state depends on what the others added before.
    const lines = readFileSync(DEMO_ABS, 'utf8').split('\n').filter((l) => l !== '');
    inputs = Array.from({ length: PROCESSES }, (_, p) => {
      const path = join(dir, `part-${p}.ndjson`);
      writeFileSync(path, `${lines.filter((_, i) => i % PROCESSES === p).join('\n')}\n`);
      return path;
    });
  });

  it('end with the state of a serial run in lock order, and the union of their alerts is that run\'s, none twice', async () => {
    const state = join(dir, 'shared.json');
    const outs = inputs.map((_, p) => join(dir, `out-${p}.json`));
    const runs = await Promise.all(inputs.map((input, p) => runCli(['--format', 'json', '-o', outs[p]!, '--state', state, input])));
    for (const r of runs) {
      expect(r.stderr).not.toContain('internal error');
      expect([0, 1]).toContain(r.code);
    }
    const parallel = outs.map(readJson);

    // The lock order, from what each invocation found in the state: no previous run first, then by
    // the previous run; an invocation that simulated no run leaves the last run where it was, so it
    // came before the one that moved it on.
    const prev = (r: JsonRun) => (r.summary['detection']?.['state_last_run'] as string | undefined) ?? '';
    const order = parallel
      .map((r, p) => ({ p, prev: prev(r), runs: r.summary['detection']?.['runs_simulated'] as number }))
      .sort((a, b) => (a.prev < b.prev ? -1 : a.prev > b.prev ? 1 : a.runs - b.runs))
      .map((x) => x.p);

    const serialState = join(dir, 'serial.json');
    const serial: JsonRun[] = [];
    for (const p of order) {
      const out = join(dir, `serial-${p}.json`);
      await runCli(['--format', 'json', '-o', out, '--state', serialState, inputs[p]!]);
      serial.push(readJson(out));
    }

    expect(canonicalState(state)).toEqual(canonicalState(serialState));
    const union = parallel.flatMap(alertIds);
    expect(new Set(union).size).toBe(union.length); // no alert written twice
    expect([...union].sort()).toEqual(serial.flatMap(alertIds).sort());
    expect(existsSync(`${state}.lock`)).toBe(false);
  });
});

describe('the state lock', () => {
  it('a live holder makes a second invocation give up after --lock-timeout, naming the file and the holder pid', async () => {
    const dir = openTempDir();
    const state = join(dir, 's.json');
    // This test process is alive: it stands for another kmod-enum-detect holding the lock.
    writeFileSync(`${state}.lock`, JSON.stringify({ pid: process.pid, host: hostname(), since: '2026-12-01T00:00:00.000Z', nonce: 'x' }));
    const r = await runCli(['-q', '--lock-timeout', '300ms', '--state', state, DEMO]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`state file ${state}: locked by process ${process.pid} (since 2026-12-01T00:00:00.000Z); gave up after waiting 0.3 s (--lock-timeout)`);
    expect(r.stdout).toBe('');
    expect(existsSync(state)).toBe(false);
    expect(readFileSync(`${state}.lock`, 'utf8')).toContain(`"pid":${process.pid}`);
  });

  it('a dead holder (its pid gone) is taken over at once, and the lock is gone afterwards', async () => {
    const dir = openTempDir();
    const state = join(dir, 's.json');
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    writeFileSync(`${state}.lock`, JSON.stringify({ pid: Number(dead), host: hostname(), since: '2026-12-01T00:00:00.000Z', nonce: 'y' }));
    const r = await runCli(['-q', '-f', 'ndjson', '--lock-timeout', '0', '--state', state, DEMO]);
    expect(r.code).toBe(1);
    expect(existsSync(state)).toBe(true);
    expect(existsSync(`${state}.lock`)).toBe(false);
  });

  it('a waiting invocation says so (unless --quiet) and goes on when the holder releases', async () => {
    const dir = openTempDir();
    const state = join(dir, 's.json');
    writeFileSync(`${state}.lock`, JSON.stringify({ pid: process.pid, host: hostname(), since: '2026-12-01T00:00:00.000Z', nonce: 'z' }));
    // The holder finishes (its lock goes) once the waiter has said that it waits.
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, '-f', 'ndjson', '--state', state, DEMO], { cwd: ROOT, env: cleanEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (b: Buffer) => {
        stderr += b.toString('utf8');
        if (stderr.includes('waiting up to') && existsSync(`${state}.lock`)) unlinkSync(`${state}.lock`);
      });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stderr }));
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`kmod-enum-detect: state file ${state} is locked by process ${process.pid}; waiting up to 60 s (--lock-timeout)`);
  });
});
