/**
 * The world's faults, named: a full disk, a read-only file system, a missing permission or a failing
 * device is not our bug, and a user who sees `internal error: ENOSPC …` cannot tell. Every place that
 * touches the file system (inputs, --output, --state, --runs, --rule, stdout) turns a system error
 * into a {@link WorldFault}: one line with the path, what was being done, the cause in words and, where
 * there is one, what to do. The CLI prints it and exits 2; `internal error` stays for our own bugs.
 */

/** A Node.js system error: an errno code such as `ENOSPC` (and usually `syscall` and `path`). */
export interface SystemError extends Error {
  code: string;
  syscall?: string;
  path?: string;
  errno?: number;
}

/** True for errors the operating system raised (`code` like `ENOSPC`), as opposed to our own. */
export function isSystemError(err: unknown): err is SystemError {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && /^E[A-Z0-9]+$/.test(code);
}

interface Cause {
  /** The cause in words. */
  words: string;
  /** What the user can do about it (no trailing period). */
  advice?: string;
}

/**
 * Causes in words, by errno code. The advice depends on whether the path was being read or written.
 */
function causeOf(code: string, writing: boolean): Cause {
  switch (code) {
    case 'ENOSPC':
      return { words: 'no space left on the device', advice: 'free some space on that file system or write elsewhere' };
    case 'EDQUOT':
      return { words: 'the disk quota is used up', advice: 'free space within your quota or write elsewhere' };
    case 'EFBIG':
      return { words: 'the file is larger than the file system or a limit allows', advice: 'check `ulimit -f` or write elsewhere' };
    case 'EACCES':
    case 'EPERM':
      return {
        words: 'permission denied',
        advice: writing
          ? "check that you may write the file and its directory (ls -ld), or write elsewhere"
          : 'check that you may read the file and enter its directories (ls -l)',
      };
    case 'EROFS':
      return { words: 'the file system is read-only', advice: 'write to a writable location' };
    case 'EISDIR':
      return { words: 'it is a directory', advice: writing ? 'name a file (for example inside that directory)' : 'name a file, or the directory itself as an input' };
    case 'ENOTDIR':
      return { words: 'a part of the path is a file, not a directory', advice: 'check the path' };
    case 'ENOENT':
      return writing
        ? { words: 'its directory does not exist', advice: 'create the directory first or check the path' }
        : { words: 'no such file or directory', advice: 'check the path' };
    case 'EMFILE':
    case 'ENFILE':
      return { words: 'too many open files', advice: 'raise the open-file limit (ulimit -n) or close other programs' };
    case 'EIO':
      return { words: 'an input/output error from the device', advice: 'the disk or network file system is failing: check it (dmesg) and try again' };
    case 'ENXIO':
    case 'ENODEV':
      return { words: 'the device is not available', advice: 'check that the device or mount is still there' };
    case 'ENAMETOOLONG':
      return { words: 'the path is too long', advice: 'use a shorter path' };
    case 'ELOOP':
      return { words: 'too many symbolic links (a symlink loop?)', advice: 'check the symbolic links on the path' };
    case 'EBUSY':
    case 'ETXTBSY':
      return { words: 'the file is busy', advice: 'try again once the other program has finished with it' };
    case 'EAGAIN':
    case 'EWOULDBLOCK':
      return { words: 'the resource is temporarily unavailable', advice: 'try again' };
    case 'ESTALE':
      return { words: 'the network file handle is stale', advice: 'remount or try again' };
    case 'EEXIST':
      return { words: 'a file of that name already exists', advice: 'remove it or choose another name' };
    case 'EXDEV':
      return { words: 'the path crosses file systems', advice: 'write inside one file system' };
    case 'ENOMEM':
      return { words: 'the system is out of memory', advice: 'close other programs or give the process more memory' };
    case 'EPIPE':
      return { words: 'the reader went away', advice: 'check the command reading the output' };
    default:
      return { words: `system error ${code}` };
  }
}

/**
 * A fault of the world around us, named. `message` is the one line the CLI prints:
 * `alerts.ndjson: could not write the alerts: no space left on the device (ENOSPC); free some space …`
 */
export class WorldFault extends Error {
  override readonly name = 'WorldFault';
  constructor(
    /** The path (or `stdout`, `stdin`) the operation was on. */
    readonly path: string,
    /** What was being done, as a verb phrase: `write the alerts`, `read the state file`. */
    readonly doing: string,
    readonly code: string,
    readonly systemError: SystemError | undefined,
    writing: boolean,
  ) {
    const c = causeOf(code, writing);
    super(`${path}: could not ${doing}: ${c.words} (${code})${c.advice ? `; ${c.advice}` : ''}`);
  }
}

/** Verbs that make a `doing` phrase a write, for the advice. */
const WRITE_WORDS = /\b(?:write|writ|create|replace|rename|lock|save|commit|flush)/i;

/**
 * Names a system error: `path` and `doing` say where and what. Returns the error unchanged when it
 * is not a system error (our bug, or an error that already names itself).
 */
export function nameFault(err: unknown, path: string, doing: string): unknown {
  if (err instanceof WorldFault || !isSystemError(err)) return err;
  return new WorldFault(path, doing, err.code, err, WRITE_WORDS.test(doing));
}

/** Like {@link nameFault} but always a WorldFault, for callers that already know `code`. */
export function worldFault(code: string, path: string, doing: string): WorldFault {
  return new WorldFault(path, doing, code, undefined, WRITE_WORDS.test(doing));
}

/**
 * The last resort for a system error nobody named on its way up: Node's own `path` and `syscall`
 * still say where and what, so it is reported as the world's fault, not ours.
 */
export function faultFromSystemError(err: SystemError): WorldFault {
  const doing = err.syscall ? `${err.syscall}` : 'complete a file operation';
  return new WorldFault(err.path ?? '(unnamed file)', doing, err.code, err, /write|open|rename|mkdir|unlink|fsync|close/.test(doing));
}

/** Runs `fn`; a system error it throws becomes a WorldFault naming `path` and `doing`. */
export async function naming<T>(path: string, doing: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw nameFault(e, path, doing);
  }
}

/** The synchronous form of {@link naming}. */
export function namingSync<T>(path: string, doing: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw nameFault(e, path, doing);
  }
}

/** How faults on standard output are named, wherever they surface. */
export const STDOUT_NAME = 'standard output';
export const STDOUT_DOING = 'write to standard output';
