/**
 * The README shows what the CLI really prints: the demo in an 80-column terminal and every command's
 * --help. `npm run readme` regenerates both after a change.
 */
import { describe, expect, it } from 'vitest';
import { hasTmux } from '../cli/tmux.js';
import { currentSection, readReadme, referenceSection, demoSection, parametersSection } from './sections.js';

describe('README', () => {
  const readme = readReadme();

  it('has the command reference each command’s --help prints (npm run readme regenerates it)', () => {
    expect(currentSection(readme, 'reference')).toBe(referenceSection());
  });

  it('lists every rule parameter and what the tool does with it, from the inventory (npm run readme regenerates it)', () => {
    expect(currentSection(readme, 'parameters')).toBe(parametersSection());
  });

  it.skipIf(!hasTmux())('shows the demo as it looks in an 80-column terminal (npm run readme regenerates it)', () => {
    expect(currentSection(readme, 'demo')).toBe(demoSection());
  });

  it('keeps its first screen: what it is, then the demo command and npm ci && npm test in one fenced block', () => {
    const firstScreen = readme.split('\n').slice(0, 20).join('\n');
    expect(firstScreen).toMatch(/```sh\nnpm ci && npx kmod-enum-detect fixtures\/demo\/events\.ndjson[^\n]*\nnpm ci && npm test[^\n]*\n```/);
  });

  it('runs the tool the way it works after npm ci: npx, or npm link to put it on PATH', () => {
    expect(readme).toMatch(/npm link/);
    for (const line of readme.split('\n').filter((l) => /^(\$ )?kmod-enum-detect /.test(l))) {
      throw new Error(`README runs kmod-enum-detect without npx: ${line}`);
    }
  });
});
