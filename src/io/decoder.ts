/**
 * The reader core: one state machine per source, turning Buffers (in any chunking, from wherever they
 * came: a file read, stdin, an inflated gzip stream, a worker's byte range) into events, with every
 * line accounted for. It alone decides, between bytes and events:
 *
 *   bytes → lines (LineSplitter; lines over the limit counted, never held)
 *         → the source's mode: one record per line, or pretty-printed values (es_archiver)
 *         → records (a line, or a value assembled over lines) → prefilter mask (line mode)
 *         → decode + shape + index filter (decode.ts) → predicate → kept events / raw records
 *
 * Drivers (read-source.ts for files and streams, range-scan.ts for worker pieces) only move bytes, so
 * every path gives the same events, problems and counts; test/io/reader-paths.test.ts compares them.
 */
import type { Accounting } from './accounting.js';
import { decodeLines, decodeRecord, type DecodeOptions } from './decode.js';
import type { ReadJob, SourcePredicate } from './job.js';
import { ValueAssembler, type ValueItem } from './json-values.js';
import { DEFAULT_MAX_LINE_BYTES, LineSplitter, type LineBatch, type LongLine } from './lines.js';
import { isBlank } from './structural.js';
import type { SourceEvent } from './types.js';

export type FileMode = 'undecided' | 'lines' | 'values';

/** A record as written in the input: a line (with a CR the splitter trimmed) or a pretty-printed value. */
export interface RawRecord {
  kind: 'line' | 'value';
  bytes: Buffer;
}

/** What one push (or the end) of a source gave. */
export interface Decoded {
  /** Events decoded and in index scope (what the predicate was asked about). */
  events: number;
  /** The events the predicate kept (all in-scope events without one), in input order. */
  matches: SourceEvent[];
  /** With `emit: 'records'`: the records holding a kept event, in input order; else empty. */
  records: RawRecord[];
}

export interface DecoderOptions {
  /** Longest line (or pretty-printed value) decoded; longer ones are malformed "too long". */
  maxLineBytes?: number;
  /**
   * Where the bytes start: `file` (default) at the start of a source, so a BOM is stripped and the
   * mode is read from the first non-blank line; `lines` inside a line-mode source (a worker's byte
   * range), where line 1 is the piece's first line.
   */
  startsAt?: 'file' | 'lines';
  /**
   * At the start of a source, bytes are gathered until this many (or the end) and split as one
   * chunk, so the first line batch, the one a prefilter calibrates on, is the same whatever the
   * chunking of the input (1 MiB file reads, 64 KiB pipe reads, gzip output). Default 1 MiB; 0 passes
   * every chunk on at once (a live stream that must not wait).
   */
  headBytes?: number;
}

/** See DecoderOptions.headBytes: the file reader's read size, so a file's first read is the head. */
export const DEFAULT_HEAD_BYTES = 1 << 20;

const CR = 0x0d;

/** A pretty-printed file announces itself by a first non-blank line holding only `{` or `[`. */
export function decideMode(batch: LineBatch): FileMode {
  const { buf, starts, ends } = batch;
  for (let i = 0; i < batch.count; i++) {
    const s = starts[i]!;
    const e = ends[i]!;
    if (isBlank(buf, s, e)) continue;
    const text = buf.toString('latin1', s, Math.min(e, s + 64)).trim();
    return text === '{' || text === '[' ? 'values' : 'lines';
  }
  return 'undecided';
}

export class SourceDecoder {
  private readonly splitter: LineSplitter;
  private readonly maxBytes: number;
  private readonly decodeOpts: DecodeOptions;
  private readonly predicate: SourcePredicate | undefined;
  private readonly records: boolean;
  private modeNow: FileMode;
  private values: ValueAssembler | undefined;
  private linesSeen = false;
  private out: Decoded = { events: 0, matches: [], records: [] };
  private headLeft: number;
  private head: Buffer[] = [];
  private headLen = 0;

  constructor(
    readonly file: string,
    private readonly job: ReadJob,
    private readonly acct: Accounting,
    opts: DecoderOptions = {},
  ) {
    this.maxBytes = opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    const inside = opts.startsAt === 'lines';
    this.splitter = new LineSplitter(file, this.maxBytes, { bom: !inside });
    this.modeNow = inside ? 'lines' : 'undecided';
    this.decodeOpts = job.indexFilter ? { indexFilter: job.indexFilter } : {};
    this.predicate = job.predicate;
    this.records = job.emit === 'records';
    this.headLeft = inside ? 0 : (opts.headBytes ?? DEFAULT_HEAD_BYTES);
    acct.file(file);
  }

  /** The source's mode so far ('undecided' until a non-blank line or a too-long one). */
  get mode(): FileMode {
    return this.modeNow;
  }

  /** The number the next line will get (so lines read so far = nextLine - 1). */
  get nextLine(): number {
    return this.splitter.nextLine;
  }

  /**
   * Whether the bytes pushed so far end at a line boundary of a line-mode source that has run at
   * least one batch through the job: the rest can then be read by anyone from here, given the line
   * number (a worker's byte range), and the job's prefilter has seen the batch it calibrates on.
   */
  get handOffReady(): boolean {
    return this.modeNow === 'lines' && this.linesSeen && !this.splitter.midLine;
  }

  /** Feeds the next bytes of the source; the caller must not reuse `chunk` afterwards. */
  push(chunk: Buffer): Decoded {
    if (this.headLeft === 0) {
      this.split(chunk);
      return this.take();
    }
    this.head.push(chunk);
    this.headLen += chunk.length;
    if (this.headLen >= this.headLeft) {
      const n = this.headLeft;
      const all = this.flushHead();
      this.split(all.length === n ? all : all.subarray(0, n));
      if (all.length > n) this.split(all.subarray(n));
    }
    return this.take();
  }

  /** End of the source: flushes a last line without "\n"; an unfinished value is truncated. */
  end(): Decoded {
    if (this.headLeft > 0) this.split(this.flushHead());
    for (const item of this.splitter.end()) {
      if (item.type === 'too-long') this.longLine(item.long);
      else this.batch(item.batch);
    }
    if (this.values) for (const v of this.values.end()) this.value(v);
    return this.take();
  }

  /**
   * The byte stream broke off (a truncated or corrupt gzip member): what was decoded counts, and the
   * unfinished line or value is reported as truncated. Returns what the bytes still held gave; the
   * decoder is spent afterwards.
   */
  breakOff(reason: string): Decoded {
    if (this.headLeft > 0) this.split(this.flushHead());
    const cut = this.splitter.abort();
    const open = this.values ? this.values.end() : [];
    const what = `truncated input: ${reason}`;
    if (open.length > 0) {
      for (const v of open) this.acct.malformed(this.file, v.line, 'truncated', what, v.lines + 1);
    } else {
      this.acct.malformed(this.file, cut.line, 'truncated', what);
    }
    return this.take();
  }

  private flushHead(): Buffer {
    const all = this.head.length === 1 ? this.head[0]! : Buffer.concat(this.head, this.headLen);
    this.head = [];
    this.headLen = 0;
    this.headLeft = 0;
    return all;
  }

  private split(chunk: Buffer): void {
    for (const item of this.splitter.push(chunk)) {
      if (item.type === 'too-long') this.longLine(item.long);
      else this.batch(item.batch);
    }
  }

  private take(): Decoded {
    const d = this.out;
    if (d.events > 0 || d.records.length > 0) this.out = { events: 0, matches: [], records: [] };
    return d;
  }

  private longLine(long: LongLine): void {
    if (this.modeNow === 'undecided') this.modeNow = 'lines';
    if (this.values) {
      for (const v of this.values.feedLongLine(long.line, long.bytes)) this.value(v);
      return;
    }
    this.acct.malformed(long.file, long.line, 'too-long', `line too long (${long.bytes} bytes > ${this.maxBytes})`);
  }

  private batch(batch: LineBatch): void {
    if (this.modeNow === 'undecided') {
      this.modeNow = decideMode(batch);
      if (this.modeNow === 'values') this.values = new ValueAssembler(this.maxBytes);
    }
    if (this.values) {
      for (let i = 0; i < batch.count; i++) {
        for (const v of this.values.feedLine(batch.buf, batch.starts[i]!, batch.ends[i]!, batch.firstLine + i)) this.value(v);
      }
      return;
    }
    // An undecided batch is all blank: no prefilter is needed to count it, nor asked to calibrate on it.
    let mask: Uint8Array | undefined;
    if (this.modeNow === 'lines') {
      this.linesSeen = true;
      mask = this.job.prefilter?.(batch);
    }
    if (this.records) {
      decodeLines(batch, mask, this.decodeOpts, this.acct, (evs, i) => {
        if (this.keep(evs)) {
          const s = batch.starts[i]!;
          const e = batch.ends[i]!;
          // Keep a CR that the splitter trimmed, so CRLF input comes out unchanged.
          this.out.records.push({ kind: 'line', bytes: batch.buf.subarray(s, batch.buf[e] === CR ? e + 1 : e) });
        }
      });
    } else {
      decodeLines(batch, mask, this.decodeOpts, this.acct, (evs) => {
        this.keep(evs);
      });
    }
  }

  private value(item: ValueItem): void {
    const file = this.file;
    switch (item.type) {
      case 'blank':
        this.acct.lines(file, 'blank');
        return;
      case 'too-long':
        this.acct.malformed(file, item.line, 'too-long', `value too long (${item.bytes} bytes > ${this.maxBytes})`, item.lines);
        return;
      case 'truncated':
        this.acct.malformed(file, item.line, 'truncated', 'truncated: input ends inside a JSON value', item.lines);
        return;
      case 'value': {
        const evs = decodeRecord(item.buf, item.start, item.end, { file, line: item.line, lines: item.lines }, this.decodeOpts, this.acct);
        if (this.keep(evs) && this.records) this.out.records.push({ kind: 'value', bytes: item.buf.subarray(item.start, item.end) });
      }
    }
  }

  /** Counts a record's events and keeps those the predicate accepts; true when any was kept. */
  private keep(evs: SourceEvent[]): boolean {
    const out = this.out;
    out.events += evs.length;
    const pred = this.predicate;
    let kept = false;
    for (const ev of evs) {
      if (pred === undefined || pred(ev.source)) {
        out.matches.push(ev);
        kept = true;
      }
    }
    return kept;
  }
}
