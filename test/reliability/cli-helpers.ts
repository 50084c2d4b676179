/**
 * Spawning the built CLI in ways test/cli/run-cli.ts does not: as another user (root bypasses
 * permissions, so EACCES needs an unprivileged uid), under a shell with limits (`ulimit -n`), with
 * stdout redirected to a path (`> /dev/full`). And a small tmpfs for real full-disk and read-only
 * file systems, when the machine lets us mount one.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type RunOptions } from '../cli/run-cli.js';

/** The CLI as a user runs it, optionally as another user, under a shell limit or with stdout redirected. */
export const spawnCli = (args: readonly string[], opts: RunOptions = {}) => runCli(args, opts);

export const IS_ROOT = process.getuid?.() === 0;
/** An unprivileged uid for permission tests (Debian's `nobody`). */
export const NOBODY = 65534;

/** A tmpfs of `sizeKiB`, mounted read-write or read-only; undefined when mounting is not allowed. */
export function mountTmpfs(sizeKiB: number, readOnly = false): { dir: string; unmount(): void } | undefined {
  if (!IS_ROOT) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'kmod-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKiB}k,mode=1777${readOnly ? ',ro' : ''}`, 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
  return {
    dir,
    unmount() {
      try {
        execFileSync('umount', [dir], { stdio: 'ignore' });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** A fresh temporary directory any user may write (for tests that run as `nobody`). */
export function openTempDir(prefix = 'kmod-rel-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  execFileSync('chmod', ['0777', d]);
  return d;
}

export function mkdirp(p: string): string {
  mkdirSync(p, { recursive: true });
  return p;
}
