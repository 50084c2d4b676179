import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineSplitter, type LineBatch, type SplitItem } from '../../src/io/lines.js';

interface Line {
  line: number;
  text?: string;
  tooLong?: number;
}

function collect(items: SplitItem[]): Line[] {
  const out: Line[] = [];
  for (const it of items) {
    if (it.type === 'too-long') out.push({ line: it.long.line, tooLong: it.long.bytes });
    else {
      const b: LineBatch = it.batch;
      for (let i = 0; i < b.count; i++) out.push({ line: b.firstLine + i, text: b.buf.toString('latin1', b.starts[i], b.ends[i]) });
    }
  }
  return out;
}

function split(data: Buffer, cuts: number[], max?: number): Line[] {
  const s = new LineSplitter('f', max);
  const items: SplitItem[] = [];
  let prev = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    items.push(...s.push(data.subarray(prev, c)));
    prev = c;
  }
  items.push(...s.push(data.subarray(prev)));
  items.push(...s.end());
  return collect(items);
}

/** The obvious definition, on a whole string: what the streaming splitter must agree with. */
function reference(data: Buffer, max = Infinity): Line[] {
  let text = data.toString('latin1');
  const parts = text.split('\n');
  if (parts[parts.length - 1] === '') parts.pop();
  return parts.map((p, i) => {
    if (p.length > max) return { line: i + 1, tooLong: p.length };
    let t = p;
    if (i === 0 && t.startsWith('\xef\xbb\xbf')) t = t.slice(3);
    if (t.endsWith('\r')) t = t.slice(0, -1);
    return { line: i + 1, text: t };
  });
}

describe('LineSplitter', () => {
  it('strips CRLF, skips a BOM at file start and keeps a last line without newline', () => {
    const data = Buffer.from('\ufeff{"a":1}\r\n\r\n{"b":2}\n{"c":3}');
    expect(split(data, [])).toEqual([
      { line: 1, text: '{"a":1}' },
      { line: 2, text: '' },
      { line: 3, text: '{"b":2}' },
      { line: 4, text: '{"c":3}' },
    ]);
  });

  it('only strips a BOM on line 1, even when the BOM arrives one byte per chunk', () => {
    const data = Buffer.from('\ufeffx\n\ufeffy\n');
    expect(split(data, [1, 2, 3])).toEqual([
      { line: 1, text: 'x' },
      { line: 2, text: '\xef\xbb\xbfy' },
    ]);
  });

  it('gives no line for an empty input or a lone final newline', () => {
    expect(split(Buffer.alloc(0), [])).toEqual([]);
    expect(split(Buffer.from('a\n'), [])).toEqual([{ line: 1, text: 'a' }]);
  });

  it('reports a line over the limit by number and size, and numbers the following lines on', () => {
    const data = Buffer.from(`ok\n${'x'.repeat(50)}\nafter\n`);
    expect(split(data, [], 10)).toEqual([
      { line: 1, text: 'ok' },
      { line: 2, tooLong: 50 },
      { line: 3, text: 'after' },
    ]);
  });

  it('skips a long line that spans many chunks without holding it', () => {
    const s = new LineSplitter('f', 100);
    const items: SplitItem[] = [...s.push(Buffer.from('head\n' + 'y'.repeat(60)))];
    for (let i = 0; i < 1000; i++) items.push(...s.push(Buffer.alloc(1000, 0x79)));
    // Nothing of the long line is carried: memory stays at one chunk.
    expect((s as unknown as { carryLen: number }).carryLen).toBe(0);
    items.push(...s.push(Buffer.from('\ntail')), ...s.end());
    expect(collect(items)).toEqual([
      { line: 1, text: 'head' },
      { line: 2, tooLong: 1_000_060 },
      { line: 3, text: 'tail' },
    ]);
  });

  it('keeps line numbers consecutive inside a batch when a long line sits mid-chunk', () => {
    const s = new LineSplitter('f', 5);
    const items = [...s.push(Buffer.from('a\nb\n0123456789\nc\nd\n')), ...s.end()];
    const batches = items.filter((i) => i.type === 'lines').map((i) => (i.type === 'lines' ? [i.batch.firstLine, i.batch.count] : []));
    expect(batches).toEqual([
      [1, 2],
      [4, 2],
    ]);
  });

  it('yields the same lines whatever the chunking (property)', () => {
    const byte = fc.constantFrom(0x0a, 0x0d, 0x7b, 0x7d, 0x61, 0xef, 0xbb, 0xbf, 0x20);
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 200 }).chain((raw) =>
          fc.tuple(
            fc.array(byte, { minLength: raw.length, maxLength: raw.length }).map((b) => Buffer.from(b)),
            fc.array(fc.nat({ max: raw.length }), { maxLength: 12 }),
            fc.integer({ min: 1, max: 30 }),
          ),
        ),
        ([data, cuts, max]) => {
          expect(split(data, cuts, max)).toEqual(reference(data, max));
          expect(split(data, cuts)).toEqual(reference(data));
        },
      ),
      { numRuns: 300 },
    );
  });
});
