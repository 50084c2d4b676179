/**
 * The world's faults, as a user meets them, on the built CLI: a full disk (a real small tmpfs),
 * `> /dev/full`, a read-only file system, permissions (as an unprivileged user), a directory where a
 * file belongs, a failing device (EIO from /proc/self/mem) and too few file descriptors. Each is exit
 * 2 with one line naming the path, what was being done and the cause; never `internal error`, and
 * an old --output file survives.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, ROOT } from '../cli/run-cli.js';
import { IS_ROOT, mountTmpfs, NOBODY, openTempDir, spawnCli } from './cli-helpers.js';

const DEMO_ABS = join(ROOT, DEMO);

function expectNamedFault(r: { code: number | null; stderr: string }, parts: RegExp[]): void {
  expect(r.code).toBe(2);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  const lines = r.stderr.split('\n').filter((l) => l.startsWith('kmod-enum-detect: ') && !l.includes('run without --quiet'));
  expect(lines).toHaveLength(1);
  for (const p of parts) expect(lines[0]).toMatch(p);
}

describe('a full disk (a real 64 KiB tmpfs)', () => {
  let fs: ReturnType<typeof mountTmpfs>;
  beforeAll(() => {
    fs = mountTmpfs(64);
  });
  afterAll(() => fs?.unmount());

  it('--output on a full disk: exit 2 naming the file and ENOSPC, and the old alerts file is left as it was', async (ctx) => {
    if (!fs) return ctx.skip('cannot mount a tmpfs here (not root, or no CAP_SYS_ADMIN)');
    const out = join(fs.dir, 'alerts.ndjson');
    writeFileSync(out, 'old alerts\n');
    // The demo's 7 alerts are ~70 KB: more than the file system holds.
    const r = await spawnCli(['-q', '--format', 'ndjson', '-o', out, DEMO]);
    expectNamedFault(r, [new RegExp(`${out}: could not write the alerts: no space left on the device \\(ENOSPC\\); free some space`)]);
    expect(readFileSync(out, 'utf8')).toBe('old alerts\n');
    expect(readdirSync(fs.dir)).toEqual(['alerts.ndjson']);
  });

  it('--state on a full disk: exit 2 naming the state file, and the --output file is not replaced', async (ctx) => {
    if (!fs) return ctx.skip('cannot mount a tmpfs here');
    // Leave a few hundred bytes free: the lock and the staged file fit, the state (~30 KB) does not.
    const filler = join(fs.dir, 'filler');
    writeFileSync(filler, Buffer.alloc(0));
    for (let kib = 60; kib > 0; kib--) {
      try {
        writeFileSync(filler, Buffer.alloc(kib * 1024));
        break;
      } catch {
        // try a smaller filler
      }
    }
    const dir = openTempDir();
    const out = join(dir, 'alerts.ndjson');
    writeFileSync(out, 'old alerts\n');
    const state = join(fs.dir, 'state.json');
    const r = await spawnCli(['-q', '--format', 'ndjson', '-o', out, '--state', state, DEMO]);
    expectNamedFault(r, [new RegExp(`${state}: could not (write the state file|lock the state file).*\\(ENOSPC\\)`)]);
    expect(readFileSync(out, 'utf8')).toBe('old alerts\n');
    expect(existsSync(state)).toBe(false);
    // No temporary state file, no lock left behind.
    expect(readdirSync(fs.dir).filter((n) => n !== 'filler' && n !== 'alerts.ndjson')).toEqual([]);
  });
});

describe('standard output that cannot be written (> /dev/full)', () => {
  it.each([
    ['scan', ['-q', '--format', 'ndjson', DEMO]],
    ['kql match', ['kql', 'match', '-q', 'process.name:lsmod', DEMO]],
    ['explain', ['explain', DEMO]],
    ['rule show', ['rule', 'show']],
  ])('%s exits 2 with one line naming standard output and ENOSPC', async (_name, args) => {
    const r = await spawnCli(args, { stdoutTo: '/dev/full' });
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('kmod-enum-detect: ') && !l.includes('malformed'));
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(lines).toEqual(['kmod-enum-detect: standard output: could not write to standard output: no space left on the device (ENOSPC); free some space on that file system or write elsewhere']);
  });
});

describe('a read-only file system (a tmpfs mounted ro)', () => {
  let fs: ReturnType<typeof mountTmpfs>;
  beforeAll(() => {
    fs = mountTmpfs(64, true);
  });
  afterAll(() => fs?.unmount());

  it('--output and --state there are named before any scan: EROFS', async (ctx) => {
    if (!fs) return ctx.skip('cannot mount a tmpfs here');
    const out = await spawnCli(['-q', '-o', join(fs.dir, 'a.ndjson'), DEMO]);
    expectNamedFault(out, [/a\.ndjson: could not write the alerts: the file system is read-only \(EROFS\); write to a writable location/]);
    const st = await spawnCli(['-q', '-f', 'ndjson', '--state', join(fs.dir, 's.json'), DEMO]);
    expectNamedFault(st, [/s\.json: could not lock the state file .*: the file system is read-only \(EROFS\)/]);
    expect(st.stdout).toBe('');
  });
});

describe('permissions (as an unprivileged user; root reads everything)', () => {
  it('an unreadable input, rule file, runs file and state file, and an unwritable output directory, are each named with EACCES', async (ctx) => {
    if (!IS_ROOT) return ctx.skip('needs root to run the CLI as another user');
    const dir = openTempDir();
    const secret = join(dir, 'secret.ndjson');
    writeFileSync(secret, readFileSync(DEMO_ABS));
    chmodSync(secret, 0o600);
    const locked = join(dir, 'locked');
    mkdirSync(locked, { mode: 0o755 });
    const as = { uid: NOBODY, cwd: dir };
    expectNamedFault(await spawnCli(['-q', secret], as), [/secret\.ndjson: could not read the input: permission denied \(EACCES\); check that you may read/]);
    expectNamedFault(await spawnCli(['rule', 'show', '--rule', secret], as), [/secret\.ndjson: could not read the rule file: permission denied \(EACCES\)/]);
    expectNamedFault(await spawnCli(['-q', '--runs', secret, DEMO_ABS], as), [/--runs .*secret\.ndjson: could not read the runs file: permission denied \(EACCES\)/]);
    expectNamedFault(await spawnCli(['-q', '--state', secret, DEMO_ABS], as), [/secret\.ndjson: could not read the state file: permission denied \(EACCES\)/]);
    expectNamedFault(await spawnCli(['-q', '-o', join(locked, 'a.ndjson'), DEMO_ABS], as), [/a\.ndjson: could not write the alerts: permission denied \(EACCES\); check that you may write/]);
  });
});

describe('a directory where a file belongs, a file where a directory belongs', () => {
  it('EISDIR and ENOTDIR are named for --output, --state, --rule and --runs', async () => {
    const dir = openTempDir();
    const file = join(dir, 'plain');
    writeFileSync(file, 'x');
    expectNamedFault(await spawnCli(['-q', '-o', dir, DEMO]), [/could not write the alerts: it is a directory \(EISDIR\)/]);
    expectNamedFault(await spawnCli(['-q', '-o', join(file, 'a.ndjson'), DEMO]), [/could not write the alerts: a part of the path is a file, not a directory \(ENOTDIR\)/]);
    expectNamedFault(await spawnCli(['-q', '-f', 'ndjson', '--state', dir, DEMO]), [/could not read the state file: it is a directory \(EISDIR\)/]);
    expectNamedFault(await spawnCli(['rule', 'show', '--rule', dir]), [/could not read the rule file: it is a directory \(EISDIR\)/]);
    expectNamedFault(await spawnCli(['-q', '--runs', dir, DEMO]), [/could not read the runs file: it is a directory \(EISDIR\)/]);
  });
});

describe('a failing device', () => {
  it('an input whose read fails with EIO (/proc/self/mem at offset 0) is named, not counted as a truncated line', async () => {
    const r = await spawnCli(['-q', '/proc/self/mem']);
    expectNamedFault(r, [/\/proc\/self\/mem: could not read the input: an input\/output error from the device \(EIO\)/]);
  });
});

describe('too few file descriptors (ulimit -n)', () => {
  it('runs out of file descriptors with EMFILE named, never an internal error', async () => {
    const results = await Promise.all([24, 28, 64].map((n) => spawnCli(['-q', '-f', 'ndjson', DEMO], { shellPrefix: `ulimit -n ${n}` })));
    for (const r of results) {
      if (r.code === 2) expect(r.stderr).toMatch(/could not .*: too many open files \(EMFILE\); raise the open-file limit/);
      else expect(r.code).toBe(1);
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    }
    expect(results.some((r) => r.code === 2)).toBe(true);
    expect(results[2]!.code).toBe(1);
  });
});
