/**
 * The reader room's boundary: `io/` receives a compiled job and knows bytes, lines, shapes and
 * accounting only, so none of its modules imports the language (`kql/`) or the rule model (`rule/`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const IO = 'src/io';

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g), ...text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]!);
}

describe('io/ imports neither kql/ nor rule/', () => {
  const files = readdirSync(IO, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => join(IO, f));

  it('finds the modules it checks', () => {
    expect(files.length).toBeGreaterThan(10);
    expect(importsOf(join(IO, 'decoder.ts'))).toContain('./decode.js');
  });

  it.each(files)('%s', (file) => {
    const bad = importsOf(file).filter((spec) => /(^|\/)(kql|rule)(\/|$)/.test(spec) && spec.startsWith('..'));
    expect(bad).toEqual([]);
  });
});
