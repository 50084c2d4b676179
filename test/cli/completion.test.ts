/**
 * Shell completion scripts, generated from the commander program: each shell is asked, as it would
 * ask when Tab is pressed, what completes a partial command line. bash, zsh and fish come from
 * Debian (.ci/run installs them); a test whose shell is missing here is skipped, saying which.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { commandPaths, completionScript } from '../../src/cli/completion.js';
import { buildProgram } from '../../src/cli/program.js';
import { runCli, ROOT, tempDir } from './run-cli.js';

const has = (shell: string): boolean => {
  try {
    execFileSync('sh', ['-c', `command -v ${shell}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

const tmp = tempDir();
afterAll(() => tmp.cleanup());

async function script(shell: string): Promise<string> {
  const r = await runCli(['completion', shell]);
  expect(r.code).toBe(0);
  const file = tmp.path(`completion.${shell}`);
  writeFileSync(file, r.stdout);
  return file;
}

/** Asks bash (or zsh through bashcompinit) what completes `words`, the last being the word under the cursor. */
function bashLike(shell: 'bash' | 'zsh', file: string, words: string[]): string[] {
  const quoted = words.map((w) => `'${w}'`).join(' ');
  const prelude = shell === 'zsh' ? 'emulate -L sh; setopt kshglob noshglob braceexpand;' : '';
  const code = `source '${file}'; comp() { ${prelude} COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _kmod_enum_detect; printf '%s\\n' "\${COMPREPLY[@]}"; }; comp ${quoted}`;
  return execFileSync(shell, ['-c', code], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter((l) => l !== '');
}

function fish(file: string, line: string): string[] {
  return execFileSync('fish', ['-c', `source '${file}'; complete -C '${line}'`], { cwd: ROOT, encoding: 'utf8' })
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split('\t')[0]!);
}

describe('completion scripts', () => {
  it('name every command and every long option of the program, for each shell', () => {
    const program = buildProgram();
    const paths = commandPaths(program);
    const longs = new Set(paths.flatMap((p) => p.options.map((o) => o.long).filter((l): l is string => l !== undefined)));
    expect(longs).toContain('--format');
    expect(longs).toContain('--columns');
    for (const shell of ['bash', 'zsh', 'fish'] as const) {
      const text = completionScript(program, shell);
      for (const cmd of ['scan', 'explain', 'kql', 'parse', 'match', 'dsl', 'rule', 'show', 'completion']) expect(text).toContain(cmd);
      for (const l of longs) expect(text, `${shell} ${l}`).toContain(shell === 'fish' ? `-l ${l.slice(2)}` : l);
    }
  });

  it('refuses a shell it has no script for, exit 2', async () => {
    const r = await runCli(['completion', 'tcsh']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bash, zsh, fish/);
  });

  it.skipIf(!has('bash'))('bash completes commands, options, option values and files', async () => {
    const file = await script('bash');
    expect(bashLike('bash', file, ['kmod-enum-detect', 'ex'])).toEqual(['explain']);
    expect(bashLike('bash', file, ['kmod-enum-detect', '--fo'])).toEqual(['--format', '--follow']);
    expect(bashLike('bash', file, ['kmod-enum-detect', '--format', '']).sort()).toEqual(['bulk', 'json', 'ndjson', 'pretty']);
    expect(bashLike('bash', file, ['kmod-enum-detect', 'kql', 'm'])).toEqual(['match']);
    expect(bashLike('bash', file, ['kmod-enum-detect', 'explain', '-f', '']).sort()).toEqual(['json', 'tree']);
    expect(bashLike('bash', file, ['kmod-enum-detect', 'explain', '--matches'])).toEqual(['--matches-only']);
    expect(bashLike('bash', file, ['kmod-enum-detect', '--tz', 'UTC', 'fixtures/de'])).toEqual(['fixtures/demo']);
  });

  it.skipIf(!has('zsh'))('zsh runs the same completion through bashcompinit', async () => {
    const file = await script('zsh');
    execFileSync('zsh', ['-n', file]);
    // zsh filters by the typed prefix itself: the function offers every candidate.
    expect(bashLike('zsh', file, ['kmod-enum-detect', ''])).toEqual(expect.arrayContaining(['scan', 'explain', 'kql', 'dsl', 'rule', 'completion']));
    expect(bashLike('zsh', file, ['kmod-enum-detect', '--format', '']).sort()).toEqual(['bulk', 'json', 'ndjson', 'pretty']);
    expect(bashLike('zsh', file, ['kmod-enum-detect', 'explain', '-f', '']).sort()).toEqual(['json', 'tree']);
  });

  it.skipIf(!has('fish'))('fish completes commands with their descriptions, options and option values', async () => {
    const file = await script('fish');
    execFileSync('fish', ['-n', file]);
    expect(fish(file, 'kmod-enum-detect ex')).toEqual(['explain']);
    expect(fish(file, 'kmod-enum-detect --fo').sort()).toEqual(['--follow', '--format']);
    expect(fish(file, 'kmod-enum-detect --format ').sort()).toEqual(['bulk', 'json', 'ndjson', 'pretty']);
    expect(fish(file, 'kmod-enum-detect kql ').sort()).toEqual(['match', 'parse']);
    expect(fish(file, 'kmod-enum-detect explain --matc')).toEqual(['--matches-only']);
    expect(fish(file, 'kmod-enum-detect explain --m').sort()).toEqual(['--mapping', '--matches-only', '--max-signals', '--mode']);
  });
});
