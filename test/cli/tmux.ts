/**
 * Runs the built CLI in a real terminal: a detached tmux session of a given width, on a private
 * tmux server (its own socket), and returns the screen as the user would see it (plain text, wrapped
 * lines joined), scrollback included. tmux comes from Debian (.ci/run installs it).
 */
import { execFileSync } from 'node:child_process';
import { CLI, ROOT } from './run-cli.js';

export function hasTmux(): boolean {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The screen after `kmod-enum-detect <args>` ran to its end in a `width`-column terminal. `env` is
 * the session's environment on top of a clean one (no CI, so the CLI behaves as on a desk).
 */
export function runInTerminal(args: readonly string[], width: number, env: Record<string, string> = {}): string {
  const socket = `kmod-e2e-${process.pid}-${width}-${Math.random().toString(36).slice(2, 8)}`;
  const tmux = (...a: string[]): string => execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...a], { encoding: 'utf8', cwd: ROOT });
  const vars = { TERM: 'xterm-256color', PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', NO_COLOR: '1', ...env };
  const exports = Object.entries(vars)
    .map(([k, v]) => `${k}=${shellQuote(v)}`)
    .join(' ');
  const command = `cd ${shellQuote(ROOT)} && env -i ${exports} ${shellQuote(process.execPath)} ${shellQuote(CLI)} ${args.map(shellQuote).join(' ')}; tmux -L ${socket} wait-for -S done`;
  try {
    tmux('new-session', '-d', '-x', String(width), '-y', '50', '-s', 'e2e', 'sh', '-c', `${command}; sleep 30`);
    tmux('wait-for', 'done');
    // -J joins lines the terminal wrapped, so a line that was too long shows as too long.
    return tmux('capture-pane', '-p', '-J', '-S', '-', '-t', 'e2e')
      .split('\n')
      .map((l) => l.trimEnd())
      .join('\n')
      .replace(/\n+$/, '\n');
  } finally {
    try {
      tmux('kill-server');
    } catch {
      // already gone
    }
  }
}
