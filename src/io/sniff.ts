/**
 * What a file holds, told from its first bytes: events (JSON objects, one per line or pretty-printed),
 * gzip (whose inflated start is told the same way), another compression or archive format, plain
 * text or binary data. A directory walk takes files by their content, not their name (a rotated
 * `app.ndjson.1` or `events.log` is read; `a.bin` is skipped and reported), and an input none of
 * whose lines decoded is named by its format ("xz: decompress it first").
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { constants, inflateRawSync, gunzipSync } from 'node:zlib';

/** Bytes looked at: enough for several lines of a typical event file, cheap for thousands of files. */
export const SNIFF_BYTES = 64 * 1024;

export type ContentKind = 'events' | 'empty' | 'other';

export interface ContentVerdict {
  kind: ContentKind;
  /** The format in words when it is not events: `xz`, `binary data`, `plain text (not JSON)`. */
  format?: string;
  /** What to do about it, when there is something: `decompress it first`. */
  advice?: string;
  /** Gzip-compressed (events or not). */
  gzip: boolean;
}

interface Magic {
  bytes: number[];
  offset?: number;
  format: string;
  advice?: string;
}

const DECOMPRESS = 'decompress it first';
const MAGICS: Magic[] = [
  { bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], format: 'xz', advice: DECOMPRESS },
  { bytes: [0x42, 0x5a, 0x68], format: 'bzip2', advice: DECOMPRESS },
  { bytes: [0x28, 0xb5, 0x2f, 0xfd], format: 'zstd', advice: DECOMPRESS },
  { bytes: [0x04, 0x22, 0x4d, 0x18], format: 'lz4', advice: DECOMPRESS },
  { bytes: [0x5d, 0x00, 0x00], format: 'lzma', advice: DECOMPRESS },
  { bytes: [0x1f, 0x9d], format: 'compress (.Z)', advice: DECOMPRESS },
  { bytes: [0x89, 0x4c, 0x5a, 0x4f], format: 'lzop', advice: DECOMPRESS },
  { bytes: [0x50, 0x4b, 0x03, 0x04], format: 'zip archive', advice: 'extract it first' },
  { bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], format: '7z archive', advice: 'extract it first' },
  { bytes: [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07], format: 'rar archive', advice: 'extract it first' },
  { bytes: [0x75, 0x73, 0x74, 0x61, 0x72], offset: 257, format: 'tar archive', advice: 'extract it first' },
  { bytes: [0x7f, 0x45, 0x4c, 0x46], format: 'ELF executable' },
  { bytes: [0x25, 0x50, 0x44, 0x46], format: 'PDF document' },
  { bytes: [0x89, 0x50, 0x4e, 0x47], format: 'PNG image' },
  { bytes: [0xff, 0xd8, 0xff], format: 'JPEG image' },
  { bytes: [0x53, 0x51, 0x4c, 0x69, 0x74, 0x65, 0x20, 0x66], format: 'SQLite database' },
  { bytes: [0x50, 0x41, 0x52, 0x31], format: 'Parquet file', advice: 'export it as NDJSON first' },
];

function hasMagic(head: Buffer, m: Magic): boolean {
  const off = m.offset ?? 0;
  if (head.length < off + m.bytes.length) return false;
  for (let i = 0; i < m.bytes.length; i++) if (head[off + i] !== m.bytes[i]) return false;
  return true;
}

export function isGzip(head: Buffer): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/** The start of a gzip stream, inflated as far as the bytes at hand allow (never throws). */
function inflateHead(head: Buffer): Buffer | undefined {
  // JSON compresses 5-20x, so a 64 KiB head often inflates past the output cap: then sniff a shorter
  // prefix of the compressed bytes (inflating is streaming, so a prefix gives the start of the text)
  // rather than call a valid file corrupt.
  for (let bytes = head.length; ; bytes = Math.floor(bytes / 4)) {
    const inner = inflatePrefix(head.subarray(0, bytes));
    if (inner !== 'too-large') return inner;
    // 256 compressed bytes cannot exceed the cap but for a pathological stream: then give up.
    if (bytes <= 256) return undefined;
  }
}

function inflatePrefix(head: Buffer): Buffer | undefined | 'too-large' {
  const tooLarge = (e: unknown): boolean => (e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
  try {
    return gunzipSync(head, { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: SNIFF_BYTES * 4 });
  } catch (e) {
    if (tooLarge(e)) return 'too-large';
    // A head cut inside the deflate data can make gunzip give up; the raw stream after the
    // 10-byte header (no optional fields) usually still inflates.
    try {
      return inflateRawSync(head.subarray(10), { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: SNIFF_BYTES * 4 });
    } catch (e2) {
      return tooLarge(e2) ? 'too-large' : undefined;
    }
  }
}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);

/**
 * Events when one of the first lines (after a BOM and blank lines) starts with `{`, or the first
 * non-blank byte is `[` (a pretty-printed array): a rotated file may begin with the tail of a line
 * cut at rotation, so a few lines are looked at, not only the first.
 */
function looksLikeEvents(buf: Buffer): boolean {
  let i = buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  let linesSeen = 0;
  let first = true;
  while (i < buf.length && linesSeen < 16) {
    while (i < buf.length && WS.has(buf[i]!)) i++;
    if (i >= buf.length) break;
    const c = buf[i]!;
    if (c === 0x7b) return true;
    if (first && c === 0x5b) return true;
    first = false;
    linesSeen++;
    const nl = buf.indexOf(0x0a, i);
    if (nl === -1) break;
    i = nl + 1;
  }
  return false;
}

function isBlankOnly(buf: Buffer): boolean {
  let i = buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  for (; i < buf.length; i++) if (!WS.has(buf[i]!)) return false;
  return true;
}

/** Text when the bytes decode as UTF-8 (a cut last character allowed) and hold no NUL or control bytes. */
function looksLikeText(buf: Buffer): boolean {
  let end = buf.length;
  // Allow a multi-byte character cut at the end of the sample.
  for (let k = 0; k < 3 && end > 0 && (buf[end - 1]! & 0xc0) === 0x80; k++) end--;
  if (end > 0 && buf[end - 1]! >= 0xc0) end--;
  const slice = buf.subarray(0, end);
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(slice);
  } catch {
    return false;
  }
  for (const b of slice) if (b < 0x20 && !WS.has(b) && b !== 0x0c) return false;
  return true;
}

/** What `head` (a file's first bytes) holds. */
export function sniffContent(head: Buffer): ContentVerdict {
  if (isGzip(head)) {
    const inner = inflateHead(head);
    if (inner === undefined) return { kind: 'other', format: 'corrupt gzip data', gzip: true };
    const v = sniffContent(inner);
    if (v.kind === 'other') return { ...v, format: `gzip holding ${v.format ?? 'something else'}`, gzip: true };
    return { ...v, gzip: true };
  }
  if (head.length === 0 || isBlankOnly(head)) return { kind: 'empty', gzip: false };
  if (looksLikeEvents(head)) return { kind: 'events', gzip: false };
  for (const m of MAGICS) {
    if (hasMagic(head, m)) return m.advice ? { kind: 'other', format: m.format, advice: m.advice, gzip: false } : { kind: 'other', format: m.format, gzip: false };
  }
  if (looksLikeText(head)) return { kind: 'other', format: 'plain text (not JSON)', gzip: false };
  return { kind: 'other', format: 'binary data', gzip: false };
}

/** The first {@link SNIFF_BYTES} of `path` (fewer when the file is shorter). */
export function readHead(path: string, bytes = SNIFF_BYTES): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(bytes);
    let n = 0;
    while (n < bytes) {
      const r = readSync(fd, buf, n, bytes - n, n);
      if (r === 0) break;
      n += r;
    }
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/** `xz: decompress it first`, `binary data`: the verdict as words for messages. */
export function describeVerdict(v: ContentVerdict): string {
  return v.advice ? `${v.format ?? 'unknown'}: ${v.advice}` : (v.format ?? 'unknown content');
}
