/**
 * The README's "Library" block is real: it type-checks as a user's strict TypeScript would, and run as
 * it is written against the built package it prints exactly what its `// →` comments say, in order.
 */
import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

function libraryBlock(): string {
  const readme = readFileSync('README.md', 'utf8');
  const section = readme.slice(readme.indexOf('\n## Library\n'));
  const m = /```ts\n([\s\S]*?)```/.exec(section);
  if (m === null) throw new Error('README: no ts block under "## Library"');
  return m[1]!;
}

describe("README's Library section", () => {
  it('prints what its comments say', async () => {
    const code = libraryBlock();
    const expected = [...code.matchAll(/\/\/ → (.*)$/gm)].map((m) => m[1]!);
    expect(expected.length).toBeGreaterThanOrEqual(15);
    // Beside package.json, so that 'kmod-enum-detect' resolves to this package as it would for a user.
    const script = `.readme-library-${process.pid}.mts`;
    writeFileSync(script, code);
    try {
      const { stdout } = await run(process.execPath, ['--import', 'tsx', script]);
      expect(stdout.trimEnd().split('\n')).toEqual(expected);
    } finally {
      rmSync(script, { force: true });
    }
  }, 60_000);

  it('type-checks under strict TypeScript against the published declarations', async () => {
    const script = `.readme-library-types-${process.pid}.mts`;
    writeFileSync(script, libraryBlock());
    try {
      const tsc = 'node_modules/typescript/bin/tsc';
      const args = ['--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--types', 'node', '--skipLibCheck', script];
      await expect(run(process.execPath, [tsc, ...args])).resolves.toBeDefined();
    } finally {
      rmSync(script, { force: true });
    }
  }, 60_000);
});
