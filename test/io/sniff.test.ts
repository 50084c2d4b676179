import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { constants, gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { describeVerdict, sniffContent } from '../../src/io/sniff.js';

const verdict = (b: Buffer | string) => {
  const v = sniffContent(Buffer.isBuffer(b) ? b : Buffer.from(b));
  return v.kind === 'other' ? describeVerdict(v) : v.kind;
};

describe('telling a file\'s content from its first bytes', () => {
  it('takes JSON objects per line, pretty-printed values, arrays and a BOM as events', () => {
    expect(verdict('{"a":1}\n{"b":2}\n')).toBe('events');
    expect(verdict('\ufeff{"a":1}\n')).toBe('events');
    expect(verdict('{\n  "type": "doc"\n}\n')).toBe('events');
    expect(verdict('[{"a":1}]')).toBe('events');
    // A rotated file may start with the tail of a line cut at rotation.
    expect(verdict('ess":{"name":"x"}}\n{"a":1}\n')).toBe('events');
  });

  it('sees through gzip, including a head cut mid-stream', () => {
    const gz = gzipSync(Buffer.from('{"a":1}\n'.repeat(20000)));
    expect(sniffContent(gz).kind).toBe('events');
    expect(sniffContent(gz.subarray(0, 200)).kind).toBe('events');
    expect(verdict(gzipSync('hello world\n'))).toBe('gzip holding plain text (not JSON)');
  });

  it('takes a gzip file whose head inflates past the sniffing cap as events, not as corrupt', () => {
    // Event lines compress 5-20x: 64 KiB of a real capture's gzip inflates to well over 256 KiB.
    const gz = gzipSync(readFileSync('fixtures/demo/events.ndjson', 'utf8').repeat(40));
    const head = gz.subarray(0, 64 * 1024);
    expect(() => gunzipSync(head, { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: 256 * 1024 })).toThrow();
    expect(sniffContent(head).kind).toBe('events');
  });

  it('names other formats, with what to do where there is something', () => {
    expect(verdict(execFileSync('xz', ['-c'], { input: 'x' }))).toBe('xz: decompress it first');
    expect(verdict(Buffer.from([0x42, 0x5a, 0x68, 0x39, 0x31]))).toBe('bzip2: decompress it first');
    expect(verdict(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0]))).toBe('zstd: decompress it first');
    expect(verdict(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0]))).toBe('zip archive: extract it first');
    expect(verdict('GET / 200\n')).toBe('plain text (not JSON)');
    expect(verdict(Buffer.from([0, 1, 2, 200, 201]))).toBe('binary data');
    expect(verdict('')).toBe('empty');
    expect(verdict('\n\n')).toBe('empty');
  });
});
