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
import { parameterInventory, toolAction, type ParameterTreatment } from '../../src/rule/parameters.js';

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

const TREATMENT_TITLES: Record<ParameterTreatment, string> = {
  honoured: 'applied as Kibana applies it',
  carried: 'carried into the alert unchanged',
  warned: 'not applied; a warning names it (it changes neither which alerts are written nor what they say)',
  refused: 'not applied; the rule is refused (exit 2) unless `--allow-unsupported`, then a warning names it',
  'not-sent': 'never sent to Kibana: ignored, listed by `rule show`',
};

/** Every rule parameter and TOML key the tool knows (src/rule/parameters.ts), grouped by what it does with it. */
export function parametersSection(): string {
  const rows = parameterInventory();
  const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const out: string[] = [];
  for (const treatment of Object.keys(TREATMENT_TITLES) as ParameterTreatment[]) {
    const group = rows.filter((r) => r.treatment === treatment);
    if (group.length === 0) continue;
    out.push(`**${cell(TREATMENT_TITLES[treatment])}** (${group.length})`, '', '| key | what Kibana does with it | kmod-enum-detect |', '|---|---|---|');
    for (const r of group) {
      const key = r.source === 'toml' ? `\`${r.name}\` (TOML)` : `\`${r.name}\``;
      out.push(`| ${key} | ${cell(r.kibana)} | ${cell(r.tool ?? (treatment === 'honoured' || treatment === 'carried' ? '✓' : toolAction(r)))} |`);
    }
    out.push('');
  }
  return out.join('\n').trimEnd();
}

export const SECTIONS = { demo: demoSection, reference: referenceSection, parameters: parametersSection } as const;
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
