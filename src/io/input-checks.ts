/**
 * Verdicts over an input's accounting, so nothing passes as clean that was not read: a file none of
 * whose lines decoded (compressed with another algorithm, binary, plain text) is an input error
 * naming the file and, where its first bytes tell, the format; `--max-malformed N|P%` makes too many
 * malformed lines fail a run for CI jobs that want a threshold.
 */
import type { Accounting, Counts } from './accounting.js';
import { describeVerdict, readHead, sniffContent } from './sniff.js';

export interface UndecodableFile {
  file: string;
  /** Non-blank lines read, every one malformed. */
  lines: number;
  /** `xz: decompress it first`, `binary data`…, when the first bytes tell. */
  format?: string;
  /** The first problem reported in it, `file:line: what`. */
  firstProblem?: string;
}

/** Files with at least one non-blank line and no line that decoded. */
export function undecodableFiles(acct: Accounting): UndecodableFile[] {
  const out: UndecodableFile[] = [];
  for (const [file, c] of acct.files) {
    const nonBlank = c.read - c.blank;
    if (nonBlank === 0 || c.malformed < nonBlank) continue;
    const u: UndecodableFile = { file, lines: nonBlank };
    if (file !== '-') {
      try {
        const v = sniffContent(readHead(file));
        if (v.kind === 'other') u.format = describeVerdict(v);
        else if (v.gzip) u.format = 'gzip';
      } catch {
        // the file went away since: the counts still say what happened
      }
    }
    const p = acct.problems.find((q) => q.file === file);
    if (p) u.firstProblem = `line ${p.line}${p.column === undefined ? '' : `:${p.column}`}: ${p.what}`;
    out.push(u);
  }
  return out;
}

export function formatUndecodable(u: UndecodableFile): string {
  const lines = `none of its ${u.lines} line${u.lines === 1 ? '' : 's'} holds a JSON event`;
  const format = u.format && u.format !== 'gzip' ? `${u.format} (${lines})` : `${lines}${u.format === 'gzip' ? ' (gzip-compressed)' : ''}`;
  return `${u.file}: holds no events: ${format}${u.firstProblem ? `; first problem at ${u.firstProblem}` : ''}`;
}

export type MalformedLimit = { count: number; text: string } | { percent: number; text: string };

/** `N` (lines) or `P%` (of the lines read); undefined when it is neither. */
export function parseMalformedLimit(text: string): MalformedLimit | undefined {
  const t = text.trim();
  const pct = /^(\d+(?:\.\d+)?)%$/.exec(t);
  if (pct) {
    const percent = Number(pct[1]);
    return percent <= 100 ? { percent, text: t } : undefined;
  }
  return /^\d+$/.test(t) ? { count: Number(t), text: t } : undefined;
}

/** The message when `total` has more malformed lines than `limit` allows, else undefined. */
export function malformedOverLimit(total: Counts, limit: MalformedLimit): string | undefined {
  const bad = total.malformed;
  if ('count' in limit) {
    if (bad <= limit.count) return undefined;
  } else if (total.read === 0 || (bad * 100) / total.read <= limit.percent) {
    return undefined;
  }
  const pct = total.read === 0 ? 0 : (bad * 100) / total.read;
  return `${bad} malformed line${bad === 1 ? '' : 's'} of ${total.read} read (${pct.toFixed(pct < 1 ? 2 : 1)}%) exceed --max-malformed ${limit.text}`;
}
