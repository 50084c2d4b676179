/**
 * The directory walk: every regular file under a directory whose content is events (see sniff.ts),
 * whatever its name (`app.ndjson.1`, `app.log`, `app.ndjson-20240603`, `.gz` or not), in code-unit
 * order of the paths. A file that holds no events is skipped *and reported* through `onSkip`;
 * `--glob` / `--exclude` narrow the walk on purpose (those files are counted, not reported).
 */
import type { Stats } from 'node:fs';
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import picomatch from 'picomatch';
import { InputError } from './errors.js';
import { nameFault } from './faults.js';
import { describeVerdict, readHead, sniffContent } from './sniff.js';

export interface SkippedFile {
  path: string;
  /** Why, in words: `binary data`, `xz: decompress it first`, `a dangling symbolic link`. */
  why: string;
}

export interface WalkOptions {
  /** Only files whose path below the walked directory (or name) matches one of these globs. */
  glob?: readonly string[];
  /** Not files (or directories) whose path below the walked directory (or name) matches one of these. */
  exclude?: readonly string[];
  /** A file that holds no events. */
  onSkip?: (s: SkippedFile) => void;
  /** A file left out by --glob / --exclude. */
  onExcluded?: (path: string) => void;
}

/** Where a walked file was found, for the caller's InputSource. */
export interface WalkedFile {
  path: string;
  size: number;
}

type Matcher = (rel: string) => boolean;

/** A glob without a slash matches the file's name at any depth (`*.log`), else the relative path. */
function matcher(globs: readonly string[] | undefined): Matcher | undefined {
  if (!globs || globs.length === 0) return undefined;
  // picomatch's own `basename` option stops slash patterns from matching (4.0), so the two kinds are split.
  const tests = globs.map((g) => {
    const m = picomatch(g, { dot: true });
    return g.includes('/') ? m : (rel: string) => m(rel.slice(rel.lastIndexOf('/') + 1));
  });
  return (rel) => {
    const p = sep === '/' ? rel : rel.split(sep).join('/');
    return tests.some((t) => t(p));
  };
}

function walkError(path: string, err: unknown, doing: string): unknown {
  const named = nameFault(err, path, doing);
  if (named instanceof Error && named !== err) return new InputError('unreadable', path, named.message.slice(path.length + 2));
  return err;
}

export async function walkDirectory(root: string, opts: WalkOptions = {}): Promise<WalkedFile[]> {
  const include = matcher(opts.glob);
  const exclude = matcher(opts.exclude);
  const out: WalkedFile[] = [];
  const seen = new Set<string>();

  const visit = async (dir: string): Promise<void> => {
    // Symlink loops would otherwise recurse forever.
    let real: string;
    try {
      real = await realpath(dir);
    } catch (e) {
      throw walkError(dir, e, 'open the directory');
    }
    if (seen.has(real)) return;
    seen.add(real);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (e) {
      throw walkError(dir, e, 'list the directory');
    }
    // Code-unit order, not locale order, so the event order is the same on every machine.
    names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const name of names) {
      const path = join(dir, name);
      const rel = relative(root, path);
      let st: Stats;
      try {
        st = await stat(path);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ELOOP') {
          // A dangling symlink (or a loop of them): nothing to read, but said.
          const isLink = await lstat(path).then((l) => l.isSymbolicLink(), () => false);
          if (isLink && !exclude?.(rel)) opts.onSkip?.({ path, why: code === 'ELOOP' ? 'a symbolic link loop' : 'a dangling symbolic link' });
          continue;
        }
        throw walkError(path, e, 'look at the file');
      }
      if (st.isDirectory()) {
        if (exclude?.(rel)) continue;
        await visit(path);
        continue;
      }
      if (exclude?.(rel) || (include && !include(rel))) {
        opts.onExcluded?.(path);
        continue;
      }
      if (!st.isFile()) {
        opts.onSkip?.({ path, why: st.isFIFO() ? 'a named pipe (name it explicitly to read it)' : st.isSocket() ? 'a socket' : 'a device' });
        continue;
      }
      let head: Buffer;
      try {
        head = readHead(path);
      } catch (e) {
        throw walkError(path, e, 'read the file');
      }
      const verdict = sniffContent(head);
      if (verdict.kind === 'other') {
        opts.onSkip?.({ path, why: describeVerdict(verdict) });
        continue;
      }
      out.push({ path, size: st.size });
    }
  };

  await visit(root);
  return out;
}

/** `skipped 2 files that hold no events: a.bin (binary data), b.xz (xz: decompress it first)` */
export function formatSkipped(skipped: readonly SkippedFile[], max = 10): string {
  const shown = skipped.slice(0, max).map((s) => `${s.path} (${s.why})`);
  const more = skipped.length > max ? `, … and ${skipped.length - max} more` : '';
  return `skipped ${skipped.length} file${skipped.length === 1 ? '' : 's'} that hold${skipped.length === 1 ? 's' : ''} no events: ${shown.join(', ')}${more}`;
}
