import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { Accounting, type Counts } from '../../src/io/accounting.js';
import { InputError } from '../../src/io/errors.js';
import type { LineBatch } from '../../src/io/lines.js';
import { readEvents } from '../../src/io/read-events.js';
import { compileIndexFilter } from '../../src/rule/index-patterns.js';
import { FIXTURES, readAll, tempDir } from './support.js';

function identityHolds(c: Counts): void {
  expect(c.read).toBe(c.evaluated + c.skippedByIndex + c.blank + c.malformed + c.prefiltered);
  expect(c.malformed).toBe(Object.values(c.malformedByKind).reduce((a, b) => a + b, 0));
  expect(c.events).toBe(c.eventsEvaluated + c.eventsSkippedByIndex);
}

const BAD = `${FIXTURES}shapes/bad-lines.ndjson`;

describe('bad input is counted, reported and survived', () => {
  it('counts each kind in bad-lines.ndjson and reports file:line: what', async () => {
    const { events, acct } = await readAll([BAD]);
    expect(events.map((e) => e.origin.line)).toEqual([1, 8, 10]);
    expect(acct.total).toMatchObject({
      read: 10,
      evaluated: 3,
      blank: 2,
      malformed: 5,
      malformedByKind: { 'invalid-json': 2, 'not-an-object': 1, 'invalid-utf8': 1, truncated: 1, 'too-long': 0 },
    });
    identityHolds(acct.total);
    const lines = acct.problemLines();
    expect(lines.map((l) => l.slice(BAD.length))).toEqual([
      expect.stringMatching(/^:3:201: truncated JSON: /),
      ':4: not an object: a number',
      expect.stringMatching(/^:5: invalid JSON: .*Killed/),
      ':6: invalid UTF-8',
      expect.stringMatching(/^:9:83: invalid JSON: /),
    ]);
  });

  it('keeps only the first N problems as text but counts all', async () => {
    const { acct } = await readAll([BAD], {}, new Accounting({ maxProblems: 2 }));
    expect(acct.problems.map((p) => p.line)).toEqual([3, 4]);
    expect(acct.total.malformed).toBe(5);
  });

  it('reports a line over the size limit as too long and goes on', async () => {
    const d = tempDir();
    const p = join(d, 'long.ndjson');
    writeFileSync(p, `{"a":1}\n{"big":"${'x'.repeat(5000)}"}\n{"b":2}`);
    const { events, acct } = await readAll([p], { maxLineBytes: 1024 });
    expect(events.map((e) => e.origin.line)).toEqual([1, 3]);
    expect(acct.problemLines()).toEqual([`${p}:2: line too long (5010 bytes > 1024)`]);
    expect(acct.total.malformedByKind['too-long']).toBe(1);
    identityHolds(acct.total);
  });

  it('reports a truncated gzip stream as a truncated line after the lines it did hold', async () => {
    const d = tempDir();
    const p = join(d, 'cut.ndjson.gz');
    const gz = gzipSync(readFileSync(`${FIXTURES}shapes/hits.ndjson`));
    writeFileSync(p, gz.subarray(0, gz.length - 40));
    const { events, acct } = await readAll([p]);
    expect(events.length).toBeGreaterThanOrEqual(1);
    expect(acct.total.malformedByKind.truncated).toBe(1);
    expect(acct.problems[0]).toMatchObject({ file: p, kind: 'truncated', line: events.length + 1 });
    identityHolds(acct.total);
  });

  it('strict mode stops at the first problem with an InputError naming file and line', async () => {
    const err = await readAll([BAD], { strict: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err).toMatchObject({ path: BAD, line: 3, reason: 'truncated' });
    expect((err as Error).message).toMatch(/bad-lines\.ndjson:3:201: truncated JSON/);
  });

  it('strict mode passes clean input', async () => {
    const { events } = await readAll([`${FIXTURES}shapes/hits.ndjson`], { strict: true });
    expect(events).toHaveLength(3);
  });
});

describe('pretty-printed files (es_archiver)', () => {
  it('reads concatenated values with each event at its value’s first line, accounting for every line', async () => {
    const p = `${FIXTURES}shapes/es-archiver.json`;
    const text = readFileSync(p, 'utf8');
    const starts = text.split('\n').flatMap((l, i) => (l === '{' ? [i + 1] : []));
    const { events, acct } = await readAll([p]);
    expect(events.map((e) => e.origin.line)).toEqual(starts);
    expect(acct.total.read).toBe(text.split('\n').length - 1);
    expect(acct.total.blank).toBe(2);
    identityHolds(acct.total);
  });

  it('handles values sharing a line, a stray scalar, and a value cut off at the end', async () => {
    const d = tempDir();
    const p = join(d, 'data.json');
    writeFileSync(p, '{\n  "type": "doc",\n  "value": {"index": "i", "id": "1", "source": {"s": "}{\\"" }}\n} {"x": [1,\n2]}\n\n42\n{\n  "a": 1\n');
    const { events, acct } = await readAll([p]);
    expect(events.map((e) => [e.origin.line, e.id ?? null])).toEqual([
      [1, '1'],
      [4, null],
    ]);
    expect(events[0]!.source).toEqual({ s: '}{"' });
    expect(acct.problemLines()).toEqual([`${p}:7: not an object: a number`, `${p}:8: truncated: input ends inside a JSON value`]);
    expect(acct.total).toMatchObject({ read: 9, evaluated: 5, blank: 1, malformed: 3 });
    identityHolds(acct.total);
  });
});

describe('index filter', () => {
  it('skips events outside the patterns, keeps events without an index, and counts both', async () => {
    const indexFilter = compileIndexFilter(['logs-endpoint.events.*', 'endgame-*']);
    const { events, acct } = await readAll([`${FIXTURES}demo/events.ndjson`], { indexFilter });
    expect(events.every((e) => e.index === undefined || e.index.startsWith('.ds-logs-endpoint.events.'))).toBe(true);
    expect(events.some((e) => e.index === undefined)).toBe(true);
    expect(acct.total.skippedByIndex).toBeGreaterThan(0);
    expect(acct.total.eventsSkippedByIndex).toBe(acct.total.skippedByIndex);
    identityHolds(acct.total);
  });

  it('counts a search-response line as evaluated when any of its hits is in scope', async () => {
    const d = tempDir();
    const p = join(d, 'resp.ndjson');
    const hit = (i: string): unknown => ({ _index: i, _id: i, _source: { a: 1 } });
    writeFileSync(p, `${JSON.stringify({ hits: { hits: [hit('endgame-1'), hit('auditbeat-1')] } })}\n${JSON.stringify({ hits: { hits: [hit('auditbeat-2')] } })}\n`);
    const { events, acct } = await readAll([p], { indexFilter: compileIndexFilter(['endgame-*']) });
    expect(events.map((e) => e.index)).toEqual(['endgame-1']);
    expect(acct.total).toMatchObject({ read: 2, evaluated: 1, skippedByIndex: 1, events: 3, eventsEvaluated: 1, eventsSkippedByIndex: 2 });
  });
});

describe('prefilter hook', () => {
  it('is called before decoding; masked lines count as prefiltered, corrupt masked lines stay malformed', async () => {
    const seen: number[] = [];
    // Pass over every line that does not mention lsmod.
    const prefilter = (b: LineBatch): Uint8Array => {
      seen.push(b.firstLine);
      const m = new Uint8Array(b.count);
      for (let i = 0; i < b.count; i++) m[i] = b.buf.subarray(b.starts[i], b.ends[i]).includes('lsmod') ? 1 : 0;
      return m;
    };
    const { events, acct } = await readAll([BAD], { prefilter });
    expect(seen.length).toBeGreaterThan(0);
    expect(events.map((e) => e.origin.line)).toEqual([1]);
    // Lines 8 and 10 are sound objects passed over. Line 9 (`{…,}`) is broken inside but looks like
    // an object, which is all the structural check can see; every other bad line is still found.
    expect(acct.total).toMatchObject({ read: 10, evaluated: 1, prefiltered: 3, blank: 2 });
    expect(acct.problems.map((p) => p.line)).toEqual([3, 4, 5, 6]);
    identityHolds(acct.total);
  });

  it('a mask of all ones changes nothing', async () => {
    const plain = await readAll([BAD]);
    const ones = await readAll([BAD], { prefilter: (b) => new Uint8Array(b.count).fill(1) });
    expect(ones.events).toEqual(plain.events);
    expect(ones.acct.snapshot()).toEqual(plain.acct.snapshot());
  });
});

describe('progress', () => {
  it('reports bytes done up to the known total', async () => {
    const inputs = [`${FIXTURES}shapes/hits.ndjson`, `${FIXTURES}shapes/events.ndjson.gz`];
    const total = inputs.reduce((a, f) => a + readFileSync(f).length, 0);
    const reports: Array<{ bytesDone: number; bytesTotal?: number }> = [];
    await readAll(inputs, { onProgress: (p) => reports.push(p) });
    expect(reports.every((r) => r.bytesTotal === total)).toBe(true);
    expect(reports.at(-1)!.bytesDone).toBe(total);
    for (let i = 1; i < reports.length; i++) expect(reports[i]!.bytesDone).toBeGreaterThanOrEqual(reports[i - 1]!.bytesDone);
  });
});

describe('stdin', () => {
  it('reads gzip from stdin when given -', () => {
    const script = join(tempDir(), 'read-stdin.mts');
    const src = new URL('../../src/index.ts', import.meta.url).pathname;
    writeFileSync(
      script,
      `import { readEvents, Accounting } from ${JSON.stringify(src)};\n` +
        `const acct = new Accounting(); let n = 0;\n` +
        `for await (const b of readEvents(['-'], {}, acct)) n += b.length;\n` +
        `process.stdout.write(JSON.stringify({ n, read: acct.total.read, file: [...acct.files.keys()] }));\n`,
    );
    const out = execFileSync(process.execPath, ['--import', 'tsx', script], { input: readFileSync(`${FIXTURES}shapes/events.ndjson.gz`) });
    expect(JSON.parse(out.toString())).toEqual({ n: 3, read: 3, file: ['-'] });
  });
});

describe('constant memory', () => {
  it('streams 64 MB generated on the fly, plus a 32 MB line, through a 64 MB heap, retaining little', async () => {
    // A child process with a small heap, fed through stdin as the data is generated: if memory grew
    // with the input it would die; after each forced GC the live memory must stay small.
    const script = join(tempDir(), 'stream.mts');
    const src = new URL('../../src/index.ts', import.meta.url).pathname;
    writeFileSync(
      script,
      `import { readEvents, Accounting } from ${JSON.stringify(src)};\n` +
        `const gc = (globalThis as { gc?: () => void }).gc!;\n` +
        `const acct = new Accounting(); let events = 0, batches = 0, retained = 0;\n` +
        `gc(); const base = process.memoryUsage();\n` +
        `for await (const b of readEvents(['-'], { maxLineBytes: 4 << 20 }, acct)) {\n` +
        `  events += b.length;\n` +
        `  if (++batches % 8 === 0) { gc(); const m = process.memoryUsage();\n` +
        `    retained = Math.max(retained, m.heapUsed - base.heapUsed + m.arrayBuffers - base.arrayBuffers); }\n` +
        `}\n` +
        `process.stdout.write(JSON.stringify({ events, read: acct.total.read, tooLong: acct.total.malformedByKind["too-long"], retained }));\n`,
    );
    const child = spawn(process.execPath, ['--expose-gc', '--max-old-space-size=64', '--import', 'tsx', script], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const line = Buffer.from(
      `${JSON.stringify({ '@timestamp': '2024-05-14T09:21:07.4417920Z', event: { action: 'exec', category: ['process'] }, process: { name: 'ls', args: ['ls', '-la', 'x'.repeat(800)] } })}\n`,
    );
    const linesPerChunk = Math.floor((1 << 20) / line.length);
    const chunk = Buffer.concat(Array(linesPerChunk).fill(line));
    const chunks = 64;
    for (let i = 0; i < chunks; i++) {
      if (i === 32) {
        // One 32 MB line written piecewise: the reader must skip it, not buffer it.
        for (let j = 0; j < 32; j++) if (!child.stdin.write(Buffer.alloc(1 << 20, 0x61))) await once(child.stdin, 'drain');
        child.stdin.write('\n');
      }
      if (!child.stdin.write(chunk)) await once(child.stdin, 'drain');
    }
    child.stdin.end();
    const [code] = (await once(child, 'close')) as [number];
    expect(code).toBe(0);
    const r = JSON.parse(out) as { events: number; read: number; tooLong: number; retained: number };
    expect(r).toMatchObject({ events: chunks * linesPerChunk, read: chunks * linesPerChunk + 1, tooLong: 1 });
    // 96 MB went through; what stays alive is a read chunk or two and one batch of parsed events.
    expect(r.retained).toBeLessThan(24 * 1024 * 1024);
  }, 60_000);
});
