/**
 * The range scanner reads into the prefilter's search memory (two 1 MiB halves, used in turn): lines
 * cut by reads, lines longer than a read (whose pieces the splitter holds across several reads), and
 * lines over the size limit must come out exactly as they do when every line is parsed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileReadJob } from '../../src/engine/read-job.js';
import { createPieceScanner, type PieceResult } from '../../src/io/range-scan.js';
import { parseKql } from '../../src/kql/parse.js';
import { derivePrefilter } from '../../src/kql/prefilter.js';
import { mulberry32 } from '../kql/json-spelling.js';

const dir = mkdtempSync(join(tmpdir(), 'kmod-arena-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const query = parseKql('process.name : "kmod" or process.name : "lsmod"');

function event(i: number, name: string, padding: number): string {
  return JSON.stringify({ '@timestamp': `2024-05-13T10:00:${String(i % 60).padStart(2, '0')}Z`, n: i, process: { name, args: ['x'.repeat(padding)] } });
}

function comparable(r: PieceResult) {
  const { prefiltered, evaluated, ...rest } = r.accounting.total;
  return {
    lines: r.lines,
    matches: r.matches.map((m) => [m.origin.line, m.source]),
    read: rest.read,
    malformed: rest.malformed,
    blank: rest.blank,
    problems: r.accounting.problems,
    accounted: prefiltered + evaluated,
  };
}

describe('range scanner reading into the search memory', () => {
  it('gives what parsing every line gives, whatever the line lengths against the 1 MiB reads', async () => {
    const rnd = mulberry32(7);
    const names = ['bash', 'kmod', 'lsmod', 'sshd', 'depmod'];
    const lines: string[] = [];
    for (let i = 0; i < 400; i++) {
      const r = rnd();
      // Mostly ~2 KB lines; some of 0.5–3.5 MiB (a read holds none of their ends), some too long,
      // some broken, some blank.
      const padding = r < 0.02 ? Math.floor(512 * 1024 + rnd() * 3 * 1024 * 1024) : Math.floor(rnd() * 4000);
      const line = event(i, names[Math.floor(rnd() * names.length)]!, padding);
      lines.push(r > 0.97 ? line.slice(0, line.length >> 1) : r > 0.95 ? '' : line);
    }
    const file = join(dir, 'mixed.ndjson');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const size = lines.reduce((n, l) => n + l.length + 1, 0);
    const piece = { kind: 'file' as const, file, start: 0, end: size };
    const job = compileReadJob({ query, prefilter: derivePrefilter(query), indexPatterns: [] });
    expect(job.readBuffer?.length).toBe(2 << 20);
    const withPrefilter = await createPieceScanner(job, { maxLineBytes: 3 << 20 })(piece);
    const everyLine = await createPieceScanner(compileReadJob({ query, prefilter: null, indexPatterns: [] }), { maxLineBytes: 3 << 20 })(piece);
    expect(comparable(withPrefilter)).toEqual(comparable(everyLine));
    // Not vacuous: long lines crossed several reads, and the prefilter passed over most lines.
    expect(lines.some((l) => l.length > 2 << 20)).toBe(true);
    expect(withPrefilter.accounting.total.prefiltered).toBeGreaterThan(lines.length / 3);
    expect(withPrefilter.matches.length).toBeGreaterThan(10);
  });
});
