/**
 * Interrupts on every input kind: each stop signal is sent to a scan that is provably mid-way (the
 * test waits for the `--debug` line of its first batch, never for a fixed time), and afterwards
 * --output and --state must be byte for byte what they were, with no temporary file beside them.
 *
 * Finite inputs are made "busy" with KMOD_ENUM_DETECT_TEST_BATCH_MS, which blocks the main thread
 * after each batch like a CPU-bound scan would: the signal then lands while the thread is not
 * listening, the way a real Ctrl-C lands during a one-thread scan.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, DEMO, ROOT, STACK_FRAME, cleanEnv, readFixture, runCli, tempDir } from './run-cli.js';

const SIGNALS = [
  ['SIGINT', 130],
  ['SIGTERM', 143],
  ['SIGHUP', 129],
] as const;

type Kind = 'plain file, one thread' | 'plain file, worker threads' | 'gzip file' | 'stdin';

const tmp = tempDir();
const OLD_OUTPUT = Buffer.from('alerts of an earlier run\n');
let oldState: Buffer;
let bigPlain: string;
let bigGzip: string;

beforeAll(async () => {
  const demo = readFixture(DEMO);
  // 40 copies (~21 MB): more than one 16 MiB piece on one thread, eight pieces for two workers.
  bigPlain = tmp.path('big.ndjson');
  writeFileSync(bigPlain, Buffer.concat(Array.from({ length: 40 }, () => demo)));
  bigGzip = tmp.path('big.ndjson.gz');
  writeFileSync(bigGzip, gzipSync(Buffer.concat(Array.from({ length: 8 }, () => demo))));
  // A real state file of this rule, so the scan gets past loading it.
  const seed = tmp.path('seed-state.json');
  const r = await runCli(['--quiet', '--exit-zero', '--state', seed, DEMO]);
  expect(r.code).toBe(0);
  oldState = readFileSync(seed);
});

afterAll(() => tmp.cleanup());

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

function start(kind: Kind, dir: string): { child: ChildProcessWithoutNullStreams; ready: Promise<void>; ended: Promise<Ended> } {
  const args = ['--debug', '--format', 'ndjson', '--output', `${dir}/alerts.ndjson`, '--state', `${dir}/state.json`];
  const env: Record<string, string> = {};
  if (kind !== 'stdin') env['KMOD_ENUM_DETECT_TEST_BATCH_MS'] = '200';
  if (kind === 'plain file, one thread') args.push('--threads', '1', bigPlain);
  if (kind === 'plain file, worker threads') args.push('--threads', '2', bigPlain);
  if (kind === 'gzip file') args.push(bigGzip);
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: cleanEnv(env), stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin.on('error', () => {});
  // A live pipe: events arrive, the writer never closes it. More than the 1 MiB the reader gathers
  // at the start of a stream before its first batch.
  if (kind === 'stdin') child.stdin.write(Buffer.concat([readFixture(DEMO), readFixture(DEMO), readFixture(DEMO)]));
  let stderr = '';
  let onReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (/debug: batch 1:/.test(stderr)) onReady();
  });
  child.stdout.resume();
  const ended = new Promise<Ended>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stderr })));
  return { child, ready, ended };
}

const KINDS: Kind[] = ['plain file, one thread', 'plain file, worker threads', 'gzip file', 'stdin'];

describe.each(KINDS)('a batch scan of a %s', (kind) => {
  it.each(SIGNALS)('stops on %s with exit %i, leaving --output and --state as they were', async (sig, code) => {
    const dir = tmp.path(`${kind.replace(/\W+/g, '-')}-${sig}`);
    mkdirSync(dir);
    writeFileSync(`${dir}/alerts.ndjson`, OLD_OUTPUT);
    writeFileSync(`${dir}/state.json`, oldState);
    const run = start(kind, dir);
    await run.ready;
    run.child.kill(sig);
    const r = await run.ended;
    expect({ code: r.code, signal: r.signal }).toEqual({ code, signal: null });
    const lines = r.stderr.split('\n').filter((l) => l !== '' && !l.includes('debug:'));
    expect(lines).toEqual([expect.stringMatching(new RegExp(`^kmod-enum-detect: interrupted by ${sig}; --output .* left as they were$`))]);
    expect(r.stderr).not.toMatch(STACK_FRAME);
    expect(readFileSync(`${dir}/alerts.ndjson`)).toEqual(OLD_OUTPUT);
    expect(readFileSync(`${dir}/state.json`)).toEqual(oldState);
    expect(readdirSync(dir).sort()).toEqual(['alerts.ndjson', 'state.json']);
  });
});

describe('Ctrl-C on a scan waiting on stdin', () => {
  it('creates no --output file when none existed, and prints no stack trace', async () => {
    const dir = tmp.path('fresh');
    mkdirSync(dir);
    const child = spawn(process.execPath, [CLI, '--debug', '--output', `${dir}/alerts.ndjson`], { cwd: ROOT, env: cleanEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin.on('error', () => {});
    child.stdin.write(Buffer.concat([readFixture(DEMO), readFixture(DEMO), readFixture(DEMO)]));
    let stderr = '';
    const ready = new Promise<void>((resolve) =>
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (stderr.includes('debug: batch 1:')) resolve();
      }),
    );
    const ended = new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    await ready;
    child.kill('SIGINT');
    expect(await ended).toBe(130);
    expect(readdirSync(dir)).toEqual([]);
    expect(stderr).not.toMatch(STACK_FRAME);
  });
});
