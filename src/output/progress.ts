import { sanitize, truncate } from './text.js';

export interface ProgressSnapshot {
  /** Input bytes consumed so far (compressed bytes for .gz, as that is what the total counts). */
  bytesDone: number;
  /** Total input bytes when known (regular files); absent for stdin. */
  bytesTotal?: number;
  events: number;
  /** Input lines read so far (what the speed is given in, with bytes: events per line vary by shape). */
  lines?: number;
  /** Events that matched the query so far (new_terms alerts are only known once the input is read). */
  matches: number;
  /** The file being read, so a long pause inside one big file does not look like a hang. */
  file?: string;
}

/** The parts of stderr progress needs. */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

export interface ProgressOptions {
  stream?: ProgressStream;
  quiet?: boolean;
  env?: Readonly<Record<string, string | undefined>>;
  /** Milliseconds clock; injectable for tests. */
  now?: () => number;
  /** Minimum time between redraws (default 200 ms: at most 5 per second). */
  intervalMs?: number;
}

export interface Progress {
  readonly enabled: boolean;
  /** Cheap to call per event: redraws only when the interval has passed. */
  update(snapshot: ProgressSnapshot): void;
  /** Erases the line, e.g. before alerts are written to the same terminal; the next update redraws. */
  clear(): void;
  /** Erases the line for good. */
  done(): void;
}

/** CI services set CI (to `true`, `1` or a name); `CI=false` or `CI=0` is an explicit no. */
export function isCI(env: Readonly<Record<string, string | undefined>>): boolean {
  const ci = env['CI'];
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

/** Progress is for a person watching a terminal: never in pipes, logs, CI or with --quiet. */
export function progressEnabled(opts: { isTTY: boolean; quiet: boolean; env: Readonly<Record<string, string | undefined>> }): boolean {
  return opts.isTTY && !opts.quiet && !isCI(opts.env);
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export function formatBytes(n: number): string {
  let v = n;
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(1)} ${UNITS[u]}`;
}

export function formatCount(n: number): string {
  if (n < 1000) return String(Math.round(n));
  if (n < 1e6) return `${(n / 1e3).toFixed(1)}k`;
  return `${(n / 1e6).toFixed(1)}M`;
}

/**
 * One progress line: `42% 1.2 GiB / 2.9 GiB · 512.0 MiB/s · 1.2M lines/s · 3 matches · file`. Speed is
 * in bytes and lines read per second: most lines are never decoded into events (the prefilter passes
 * over them), so events per second would undersell what is read.
 */
export function formatProgressLine(s: ProgressSnapshot, elapsedMs: number): string {
  const parts: string[] = [];
  if (s.bytesTotal !== undefined && s.bytesTotal > 0) {
    const pct = Math.min(100, Math.floor((s.bytesDone / s.bytesTotal) * 100));
    parts.push(`${pct}% ${formatBytes(s.bytesDone)} / ${formatBytes(s.bytesTotal)}`);
  } else {
    parts.push(formatBytes(s.bytesDone));
  }
  const seconds = elapsedMs / 1000;
  if (seconds > 0) {
    parts.push(`${formatBytes(Math.round(s.bytesDone / seconds))}/s`);
    if (s.lines !== undefined) parts.push(`${formatCount(s.lines / seconds)} lines/s`);
    else parts.push(`${formatCount(s.events / seconds)} events/s`);
  }
  parts.push(`${formatCount(s.matches)} match${s.matches === 1 ? '' : 'es'}`);
  if (s.file) parts.push(sanitize(s.file));
  return parts.join(' · ');
}

const CLEAR_LINE = '\r\x1b[K';

const disabled: Progress = { enabled: false, update() {}, clear() {}, done() {} };

/** A progress line on stderr, or a no-op when progress is not wanted (see progressEnabled). */
export function createProgress(opts: ProgressOptions = {}): Progress {
  const stream = opts.stream ?? process.stderr;
  const env = opts.env ?? process.env;
  if (!progressEnabled({ isTTY: stream.isTTY === true, quiet: opts.quiet === true, env })) return disabled;

  const now = opts.now ?? Date.now;
  const interval = opts.intervalMs ?? 200;
  const started = now();
  let lastDraw = -Infinity;
  let shown = false;

  const clear = () => {
    if (!shown) return;
    stream.write(CLEAR_LINE);
    shown = false;
  };

  return {
    enabled: true,
    update(snapshot) {
      const t = now();
      if (t - lastDraw < interval) return;
      lastDraw = t;
      // One column short: writing into the last column makes some terminals wrap.
      const width = Math.max(10, (stream.columns || 80) - 1);
      stream.write(CLEAR_LINE + truncate(formatProgressLine(snapshot, t - started), width));
      shown = true;
    },
    clear,
    done: clear,
  };
}
