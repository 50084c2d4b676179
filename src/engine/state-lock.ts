/**
 * One writer per `--state` file: invocations that share a state file (two CI jobs started together)
 * serialise on `<state>.lock`, held from loading the state to replacing it, so neither loses the
 * other's history. A waiting invocation polls until `timeoutMs`, then fails naming the holder's pid;
 * a lock whose holder died (same host, pid gone) is taken over at once.
 *
 * Why our own lock and not proper-lockfile (measured, see README "Reliability"): proper-lockfile
 * (a mkdir lock) records no pid, so a timeout could not name the holder; it recognises a dead
 * holder only by the lock's mtime going stale (5 s at least, 10 s by default: measured, a SIGKILLed
 * holder's lock was taken over after 10.2 s, ours after 16 ms); and it keeps the lock fresh
 * with a timer that a long synchronous stretch of the scan (building alerts for a large input)
 * delays, after which it declares the lock compromised mid-run.
 *
 * The lock file is created complete or not at all: its content (pid, host, time, a nonce) is written
 * to a private temporary file which is then hard-linked to the lock name (`link` fails if the name
 * exists, atomically). File systems without hard links get `open(O_EXCL)` and a write instead.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, linkSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { nameFault } from '../io/faults.js';

export const DEFAULT_LOCK_TIMEOUT_MS = 60_000;

/** What the lock file says about its holder. */
export interface LockHolder {
  pid: number;
  host: string;
  /** When the lock was taken, UTC ISO. */
  since: string;
  nonce: string;
}

export interface StateLock {
  readonly file: string;
  readonly lockPath: string;
  /** Removes the lock if it is still ours. Idempotent; also runs at process exit. */
  release(): void;
}

export class StateLockTimeout extends Error {
  override readonly name = 'StateLockTimeout';
  constructor(
    readonly file: string,
    readonly holder: LockHolder | undefined,
    readonly waitedMs: number,
  ) {
    const who = holder
      ? `process ${holder.pid}${holder.host === hostname() ? '' : ` on host ${holder.host}`} (since ${holder.since})`
      : 'another process';
    super(
      `state file ${file}: locked by ${who}; gave up after waiting ${formatSeconds(waitedMs)} (--lock-timeout). ` +
        `Another kmod-enum-detect is using this state file: let it finish, or give this job its own --state. ` +
        `If no such process is running, remove ${file}.lock`,
    );
  }
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

export function lockPathOf(stateFile: string): string {
  return `${stateFile}.lock`;
}

/** Reads the holder; undefined when the lock is gone (ENOENT) or unreadable as ours. */
function readHolder(lockPath: string): { holder?: LockHolder; raw?: string; gone: boolean } {
  let raw: string;
  try {
    raw = readFileSync(lockPath, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { gone: true };
    throw e;
  }
  try {
    const h = JSON.parse(raw) as Partial<LockHolder>;
    if (typeof h.pid === 'number' && typeof h.host === 'string' && typeof h.since === 'string' && typeof h.nonce === 'string') {
      return { holder: h as LockHolder, raw, gone: false };
    }
  } catch {
    // fall through: not ours, or written by a holder that died mid-write (fallback path only)
  }
  return { raw, gone: false };
}

/** Whether `pid` is a live process on this host (EPERM: alive but not ours to signal). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A lock file that says nothing we can read is treated as dead once it is this old. */
const UNREADABLE_LOCK_STALE_MS = 10_000;

function isDead(lockPath: string, h: { holder?: LockHolder }): boolean {
  if (h.holder) return h.holder.host === hostname() && !isAlive(h.holder.pid);
  try {
    return Date.now() - statSync(lockPath).mtimeMs > UNREADABLE_LOCK_STALE_MS;
  } catch {
    return false;
  }
}

/** Tries to create the lock with `content`; false when it exists. */
function tryCreate(lockPath: string, content: string): boolean {
  const tmp = `${lockPath}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'wx', 0o644);
  try {
    writeSync(fd, content);
  } catch (e) {
    closeSync(fd);
    unlinkSync(tmp);
    throw e;
  }
  closeSync(fd);
  try {
    linkSync(tmp, lockPath);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'ENOSYS') return createExclusive(lockPath, content);
    throw e;
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      // already gone
    }
  }
}

function createExclusive(lockPath: string, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(lockPath, 'wx', 0o644);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Removes a dead holder's lock without removing a live one that replaced it meanwhile: the lock is
 * renamed aside (atomic), and if what was moved is not the dead lock that was seen, it is put back.
 */
function takeOver(lockPath: string, seenRaw: string | undefined): void {
  const aside = `${lockPath}.dead.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    renameSync(lockPath, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  let moved: string | undefined;
  try {
    moved = readFileSync(aside, 'utf8');
  } catch {
    moved = undefined;
  }
  if (moved !== seenRaw) {
    try {
      linkSync(aside, lockPath);
    } catch {
      // a third process took the lock meanwhile; the one we moved keeps its file under `aside`'s inode
    }
  }
  try {
    unlinkSync(aside);
  } catch {
    // already gone
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface LockOptions {
  timeoutMs?: number;
  /** Called once, when the lock is found held by a live process and waiting starts. */
  onWait?: (holder: LockHolder | undefined) => void;
}

/**
 * Takes the lock on `stateFile`, waiting up to `timeoutMs` for a live holder. File-system errors
 * (a read-only or missing directory, permissions) are named as the world's faults.
 */
export async function lockState(stateFile: string, opts: LockOptions = {}): Promise<StateLock> {
  const lockPath = lockPathOf(stateFile);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  const me: LockHolder = { pid: process.pid, host: hostname(), since: new Date().toISOString(), nonce: randomBytes(8).toString('hex') };
  const content = `${JSON.stringify(me)}\n`;
  const started = Date.now();
  let waited = false;
  let delay = 10;
  for (;;) {
    let seen: ReturnType<typeof readHolder>;
    try {
      if (tryCreate(lockPath, content)) break;
      seen = readHolder(lockPath);
      if (seen.gone) continue;
      if (isDead(lockPath, seen)) {
        takeOver(lockPath, seen.raw);
        continue;
      }
    } catch (e) {
      throw nameFault(e, stateFile, `lock the state file (creating ${lockPath})`);
    }
    const elapsed = Date.now() - started;
    if (elapsed >= timeoutMs) throw new StateLockTimeout(stateFile, seen.holder, timeoutMs);
    if (!waited) {
      waited = true;
      opts.onWait?.(seen.holder);
    }
    await sleep(Math.min(delay, timeoutMs - elapsed));
    delay = Math.min(delay * 2, 250);
  }

  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    process.off('exit', release);
    try {
      // Only our own lock: a lock taken over after we were (wrongly) judged dead is not ours to drop.
      if (readHolder(lockPath).holder?.nonce === me.nonce) unlinkSync(lockPath);
    } catch {
      // gone already
    }
  };
  process.on('exit', release);
  return { file: stateFile, lockPath, release };
}
