import { describe, expect, it } from 'vitest';
import { Accounting } from '../../src/io/accounting.js';
import { decodeBatch, decodeRecord } from '../../src/io/decode.js';
import { LineSplitter, type LineBatch } from '../../src/io/lines.js';
import { structurallyPlausible } from '../../src/io/structural.js';

function batchOf(text: string | Buffer): LineBatch {
  const s = new LineSplitter('t.ndjson');
  // A final newline keeps all lines in the one batch the chunk makes.
  const items = [...s.push(Buffer.concat([Buffer.isBuffer(text) ? text : Buffer.from(text), Buffer.from('\n')])), ...s.end()];
  expect(items).toHaveLength(1);
  const it = items[0]!;
  if (it.type !== 'lines') throw new Error('expected one batch');
  return it.batch;
}

function one(text: string | Buffer): { acct: Accounting; n: number } {
  const buf = Buffer.isBuffer(text) ? text : Buffer.from(text);
  const acct = new Accounting();
  const n = decodeRecord(buf, 0, buf.length, { file: 'f', line: 7 }, {}, acct).length;
  return { acct, n };
}

describe('decodeRecord', () => {
  it.each([
    ['{"a":', 'truncated', /^truncated JSON: /],
    ['{"a":1', 'truncated', /^truncated JSON: /],
    ['{"a":1}}', 'invalid-json', /^invalid JSON: /],
    ['hello', 'invalid-json', /^invalid JSON: /],
    ['"lsmod"', 'not-an-object', /^not an object: a string$/],
    ['[1,2]', 'not-an-object', /^not an object: an array/],
    ['null', 'not-an-object', /^not an object: null$/],
  ] as const)('%s is malformed (%s)', (text, kind, what) => {
    const { acct, n } = one(text);
    expect(n).toBe(0);
    expect(acct.total.malformedByKind[kind]).toBe(1);
    expect(acct.problems[0]).toMatchObject({ file: 'f', line: 7, kind, what: expect.stringMatching(what) });
  });

  it('rejects invalid UTF-8 before parsing', () => {
    const { acct } = one(Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]));
    expect(acct.problems[0]).toMatchObject({ kind: 'invalid-utf8', what: 'invalid UTF-8' });
  });

  it('accepts multi-byte UTF-8 and keeps the text', () => {
    const buf = Buffer.from('{"user":{"name":"zoë 東京"}}');
    const acct = new Accounting();
    const [ev] = decodeRecord(buf, 0, buf.length, { file: 'f', line: 1 }, {}, acct);
    expect(ev!.source).toEqual({ user: { name: 'zoë 東京' } });
  });

  it('clips a long parser message', () => {
    const { acct } = one(`{"a": x${'y'.repeat(5000)}}`);
    expect(acct.problems[0]!.what.length).toBeLessThan(200);
  });

  it('counts whitespace-only as blank, not malformed', () => {
    const { acct } = one(' \t\r ');
    expect(acct.total).toMatchObject({ read: 1, blank: 1, malformed: 0 });
  });
});

describe('decodeBatch with a prefilter mask', () => {
  const text = ['{"process":{"name":"lsmod"}}', '{"process":{"name":"ls"}}', '', 'garbage', '{"cut":', '42'].join('\n');

  it('decodes unmasked lines, counts sound masked lines as prefiltered, and still reports corrupt ones', () => {
    const acct = new Accounting();
    const evs = decodeBatch(batchOf(text), Uint8Array.from([1, 0, 0, 0, 0, 0]), {}, acct);
    expect(evs.map((e) => e.origin.line)).toEqual([1]);
    expect(acct.total).toMatchObject({ read: 6, evaluated: 1, prefiltered: 1, blank: 1, malformed: 3 });
    expect(acct.problems.map((p) => [p.line, p.kind])).toEqual([
      [4, 'invalid-json'],
      [5, 'truncated'],
      [6, 'not-an-object'],
    ]);
  });

  it('a masked line with a bad byte is reported even when its neighbours are valid multi-byte UTF-8', () => {
    const b = batchOf(Buffer.concat([Buffer.from('{"a":"é"}\n{"b":"'), Buffer.from([0xc3]), Buffer.from('"}\n{"c":"日本"}\r\n{"d":"\u00e9"}')]));
    const acct = new Accounting();
    decodeBatch(b, new Uint8Array(4), {}, acct);
    expect(acct.total).toMatchObject({ read: 4, prefiltered: 3, malformed: 1 });
    expect(acct.problems.map((p) => [p.line, p.kind])).toEqual([[2, 'invalid-utf8']]);
  });

  it('without a mask decodes every line', () => {
    const acct = new Accounting();
    expect(decodeBatch(batchOf(text), undefined, {}, acct)).toHaveLength(2);
    expect(acct.total).toMatchObject({ evaluated: 2, prefiltered: 0 });
  });

  it('applies the index filter and keeps origin, _index and _id', () => {
    const acct = new Accounting();
    const b = batchOf('{"_index":"a","_id":"1","_source":{}}\n{"_index":"b","_id":"2","_source":{}}\n{}');
    const evs = decodeBatch(b, undefined, { indexFilter: (i) => i !== 'b' }, acct);
    expect(evs).toEqual([
      { source: {}, index: 'a', id: '1', origin: { file: 't.ndjson', line: 1 } },
      { source: {}, origin: { file: 't.ndjson', line: 3 } },
    ]);
    expect(acct.total).toMatchObject({ evaluated: 2, skippedByIndex: 1 });
  });
});

describe('structurallyPlausible', () => {
  const ok = (s: string | Buffer): boolean => {
    const b = Buffer.isBuffer(s) ? s : Buffer.from(s);
    return structurallyPlausible(b, 0, b.length);
  };
  it('wants valid UTF-8 between a first { and a last }', () => {
    expect(ok('{"a":1}')).toBe(true);
    expect(ok('  {"a":1} \r')).toBe(true);
    expect(ok('{"a":1')).toBe(false);
    expect(ok('[{"a":1}]')).toBe(false);
    expect(ok('}')).toBe(false);
    expect(ok('')).toBe(false);
    expect(ok(Buffer.from([0x7b, 0xff, 0x7d]))).toBe(false);
  });
});
