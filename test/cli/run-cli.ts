/**
 * Spawns the built CLI (dist/cli/main.js, built by `pretest`) the way a user's shell would: a fresh
 * Node process, a clean environment (CI=1, no colour variables), the repository root as the working
 * directory so fixture paths are relative and show up as such in messages.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

export const DEMO = 'fixtures/demo/events.ndjson';
export const SHAPES = 'fixtures/shapes';

export interface CliResult {
  /** Exit code, or null when the process died of a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout exactly as written, for byte-for-byte comparisons. */
  stdoutBytes: Buffer;
}

export interface RunOptions {
  /** Written to the CLI's stdin, which is then closed. Without it stdin is an empty, closed pipe. */
  input?: string | Buffer;
  /** Extra environment variables on top of the clean one. */
  env?: Record<string, string>;
  cwd?: string;
  /** Run as this user (and group): permission tests, since root reads everything. */
  uid?: number;
  /** Run under `sh -c '<prefix>; exec node CLI …'`, e.g. `ulimit -n 24`. */
  shellPrefix?: string;
  /** Redirect stdout to this path in the shell (`> /dev/full`). */
  stdoutTo?: string;
}

/** The environment every spawn starts from: nothing of the developer's shell leaks in. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { CI: '1', PATH: process.env.PATH ?? '/usr/bin:/bin' };
  if (process.env.HOME !== undefined) env.HOME = process.env.HOME;
  if (process.env.TMPDIR !== undefined) env.TMPDIR = process.env.TMPDIR;
  return { ...env, ...extra };
}

export function runCli(args: readonly string[], opts: RunOptions = {}): Promise<CliResult> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` (npm test does it in pretest)`);
  return new Promise((resolve, reject) => {
    const viaShell = opts.shellPrefix !== undefined || opts.stdoutTo !== undefined;
    const script = `${opts.shellPrefix ? `${opts.shellPrefix}; ` : ''}exec "$0" "$@"${opts.stdoutTo === undefined ? '' : ` > '${opts.stdoutTo}'`}`;
    const child = spawn(viaShell ? '/bin/sh' : process.execPath, viaShell ? ['-c', script, process.execPath, CLI, ...args] : [CLI, ...args], {
      cwd: opts.cwd ?? ROOT,
      env: cleanEnv(opts.env),
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(opts.uid !== undefined && { uid: opts.uid, gid: opts.uid }),
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    // The CLI may stop reading stdin early (a usage error); that is not the test's failure.
    child.stdin.on('error', () => {});
    child.on('close', (code, signal) => {
      const stdoutBytes = Buffer.concat(out);
      resolve({ code, signal, stdout: stdoutBytes.toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), stdoutBytes });
    });
    child.stdin.end(opts.input ?? '');
  });
}

/**
 * Spawns the CLI and closes the read end of its stdout after the first line, as `… | head -1` does.
 * Resolves with the first line, everything written on stderr, and how the process ended.
 */
export function runCliHead1(args: readonly string[]): Promise<{ firstLine: string; code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let buf = '';
    let firstLine: string | undefined;
    const err: Buffer[] = [];
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.stdout.on('data', (b: Buffer) => {
      if (firstLine !== undefined) return;
      buf += b.toString('utf8');
      const nl = buf.indexOf('\n');
      if (nl >= 0) {
        firstLine = buf.slice(0, nl);
        child.stdout.destroy();
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ firstLine: firstLine ?? buf, code, signal, stderr: Buffer.concat(err).toString('utf8') }));
  });
}

/** Memoises a spawn so several `it`s can assert on one run. */
export function once<T>(f: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= f());
}

export type Doc = Record<string, unknown>;

/** Each non-empty line of NDJSON output, parsed (a line that does not parse throws). */
export function parseNdjson(text: string): Doc[] {
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Doc);
}

/**
 * A field of an alert or event by its dotted path, whether the document spells it nested
 * (`{process:{name}}`), flat (`{"process.name"}`) or mixed (`{"process.parent":{name}}`).
 */
export function field(doc: unknown, path: string): unknown {
  if (doc === null || typeof doc !== 'object') return undefined;
  const obj = doc as Doc;
  if (path in obj) return obj[path];
  const parts = path.split('.');
  for (let i = parts.length - 1; i > 0; i--) {
    const head = parts.slice(0, i).join('.');
    if (head in obj) {
      const v = field(obj[head], parts.slice(i).join('.'));
      if (v !== undefined) return v;
    }
  }
  return undefined;
}

/** A fresh temporary directory, and a function that removes it. */
export function tempDir(): { dir: string; path: (name: string) => string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'kmod-e2e-'));
  return { dir, path: (name) => join(dir, name), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function readFixture(rel: string): Buffer {
  return readFileSync(join(ROOT, rel));
}

/** The lines a stack trace prints (`    at fn (file:1:2)`), which a user should never see. */
export const STACK_FRAME = /^\s+at .+[:(]/m;

/** Any ANSI escape sequence. */
// eslint-disable-next-line no-control-regex
export const ANSI = /\u001b\[/;

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A `file:line: ` (or `file:line:column: `) reference in a diagnostic. */
export function lineRef(file: string, line: number): RegExp {
  return new RegExp(`${escapeRe(file)}:${line}(:\\d+)?: `);
}
