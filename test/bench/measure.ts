/** Timing one shell command with /usr/bin/time: wall seconds, CPU seconds (user + sys, all threads), peak RSS. */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const TIME_FILE = join(tmpdir(), `kmod-bench-time-${process.pid}`);

export interface Run {
  seconds: number;
  cpu: number;
  rssKB: number;
  stdout: string;
  status: number | null;
  stderr: string;
}

export function runOnce(cmd: string, env: NodeJS.ProcessEnv = process.env): Run {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M %U %S', '-o', TIME_FILE, 'sh', '-c', cmd], { encoding: 'utf8', maxBuffer: 1 << 28, env });
  const seconds = (performance.now() - t0) / 1000;
  const [rss, user, sys] = (readFileSync(TIME_FILE, 'utf8').trim().split('\n').pop() ?? '').split(' ').map(Number);
  return { seconds, cpu: (user ?? 0) + (sys ?? 0), rssKB: rss ?? 0, stdout: r.stdout ?? '', status: r.status, stderr: r.stderr ?? '' };
}

export function cleanUp(): void {
  rmSync(TIME_FILE, { force: true });
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}
