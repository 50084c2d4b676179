/**
 * The README's generated sections: the demo as it looks in an 80-column terminal (run in tmux), and
 * the command reference (each command's --help). `npm run readme` writes them into README.md between
 * their markers; test/readme/readme.test.ts fails when the README differs from what the CLI prints,
 * so neither can drift.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { commandPaths } from '../../src/cli/completion.js';
import { buildProgram } from '../../src/cli/program.js';
import { CLI, cleanEnv, DEMO, ROOT } from '../cli/run-cli.js';
import { runInTerminal } from '../cli/tmux.js';

export const README = join(ROOT, 'README.md');
export const DEMO_COMMAND = `npx kmod-enum-detect ${DEMO}`;
export const DEMO_WIDTH = 80;

/** The demo scan in an 80-column terminal, as its screen reads (no colour, so the README shows text). */
export function demoSection(): string {
  const screen = runInTerminal([DEMO], DEMO_WIDTH);
  return ['```', `$ ${DEMO_COMMAND}`, screen.trimEnd(), '```'].join('\n');
}

/** `kmod-enum-detect <command> --help` for every command, in the program's order. */
export function referenceSection(): string {
  const paths = commandPaths(buildProgram())
    .map((p) => p.path)
    .filter((p) => p !== 'kql' && p !== 'rule');
  const blocks = paths.map((path) => {
    const args = [...(path === '' ? [] : path.split(' ')), '--help'];
    // Not a terminal: commander lays help out for 80 columns, whoever runs this.
    const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, env: cleanEnv(), encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    return [`#### \`kmod-enum-detect ${[...(path === '' ? [] : [path]), '--help'].join(' ')}\``, '', '```', r.stdout.trimEnd(), '```'].join('\n');
  });
  return blocks.join('\n\n');
}

export const SECTIONS = { demo: demoSection, reference: referenceSection } as const;
export type SectionName = keyof typeof SECTIONS;

const begin = (name: string): string => `<!-- generated:${name} (npm run readme) -->`;
const end = (name: string): string => `<!-- /generated:${name} -->`;

/** The text between a section's markers in `readme`, or undefined when the markers are missing. */
export function currentSection(readme: string, name: SectionName): string | undefined {
  const a = readme.indexOf(begin(name));
  const b = readme.indexOf(end(name));
  if (a < 0 || b < a) return undefined;
  return readme.slice(a + begin(name).length, b).replace(/^\n/, '').replace(/\n$/, '');
}

/** `readme` with a section's text replaced. */
export function withSection(readme: string, name: SectionName, text: string): string {
  const a = readme.indexOf(begin(name));
  const b = readme.indexOf(end(name));
  if (a < 0 || b < a) throw new Error(`README.md has no ${begin(name)} … ${end(name)} markers`);
  return `${readme.slice(0, a + begin(name).length)}\n${text}\n${readme.slice(b)}`;
}

export function readReadme(): string {
  return readFileSync(README, 'utf8');
}
