import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Accounting } from '../../src/io/accounting.js';
import { cutFileRanges, scanPieces, type OrderedResult } from '../../src/io/parallel.js';
import type { ScanPiece } from '../../src/io/range-scan.js';
import { compileReadJob } from '../../src/engine/read-job.js';
import { derivePrefilter } from '../../src/kql/prefilter.js';
import { parseKql } from '../../src/kql/parse.js';
import { BUILTIN_RULE } from '../../src/rule/builtin.js';
import { generateCorpus } from '../bench/gen-corpus.js';

let dir: string;
let file: string;
const query = parseKql(BUILTIN_RULE.query);
const job = compileReadJob({ query, prefilter: derivePrefilter(query), indexPatterns: [] });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kmod-par-'));
  file = join(dir, 'corpus.ndjson');
  await generateCorpus({ events: 6000, seed: 7, out: file });
  // Lines the prefilter must not lose or misnumber: escaped names, CRLF, blank, malformed.
  appendFileSync(
    file,
    [
      '{"event":{"category":"process","type":"start","action":"exec"},"host":{"os":{"type":"linux"}},"process":{"name":"\\u006csmod","parent":{"name":"bash"}}}\r',
      '',
      '{"truncated": "lsmod',
      '{"event.category":"process","event.type":"start","event.action":"exec_event","host.os.type":"linux","process.name":"modinfo"}',
    ].join('\n'),
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function collect(results: AsyncIterable<OrderedResult>) {
  const matches: { file: string; line: number; source: unknown }[] = [];
  const acct = new Accounting({ maxProblems: 100 });
  let lines = 0;
  for await (const r of results) {
    lines += r.lines;
    for (const m of r.matches) matches.push({ ...m.origin, source: m.source });
    acct.merge(r.accounting);
  }
  const problems = acct.problems.map((p) => ({ line: p.line, kind: p.kind }));
  return { matches, problems, lines, counts: acct.total };
}

const whole = (): ScanPiece[] => cutFileRanges(file, Number.MAX_SAFE_INTEGER);

describe('parallel scanning', () => {
  it('cuts a file into ranges that end at newlines and cover it exactly', () => {
    const pieces = cutFileRanges(file, 100_000);
    expect(pieces.length).toBeGreaterThan(5);
    pieces.forEach((p, i) => {
      if (p.kind !== 'file') throw new Error('file piece expected');
      if (i > 0) expect(p.start).toBe((pieces[i - 1] as { end: number }).end);
    });
    expect((pieces[0] as { start: number }).start).toBe(0);
  });

  it('two workers over byte ranges give the single-thread result, in the same order', async () => {
    const single = await collect(scanPieces(whole(), job, { threads: 1 }));
    const parallel = await collect(scanPieces(cutFileRanges(file, 200_000), job, { threads: 2 }));
    expect(single.matches.length).toBeGreaterThan(3);
    expect(parallel).toEqual(single);
  });

  it('the prefilter changes no match: parsing every line finds the same events', async () => {
    const withPf = await collect(scanPieces(whole(), job, { threads: 1 }));
    const without = await collect(scanPieces(whole(), compileReadJob({ query, prefilter: null, indexPatterns: [] }), { threads: 2 }));
    expect(without.matches).toEqual(withPf.matches);
    expect(withPf.matches.map((m) => m.line)).toContain(6001);
    expect(withPf.matches.map((m) => m.line)).toContain(6004);
    expect(without.problems).toEqual([{ line: 6003, kind: 'truncated' }]);
    expect(withPf.problems).toEqual(without.problems);
    expect(withPf.counts.read).toBe(without.counts.read);
  });
});
