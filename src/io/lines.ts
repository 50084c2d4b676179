/**
 * Line splitting on raw Buffers. Lines are never decoded here: a batch is the chunk Buffer plus
 * offsets, so a byte-level prefilter can pass over most lines before any string or JSON work
 * (measured: decoding every line already costs more than the whole prefiltered run; README, Performance).
 *
 * Memory is bounded by the read size plus `maxLineBytes`: a line longer than the limit is counted
 * while it streams past and is never held whole.
 */

/** One read's worth of complete lines, as offsets into `buf`. */
export interface LineBatch {
  /** Source name as given (`-` for stdin). */
  file: string;
  buf: Buffer;
  /** Offset of each line's first byte (after a BOM on line 1). */
  starts: Int32Array | number[];
  /** Offset just past each line's last byte; excludes "\n" and a trailing "\r". */
  ends: number[];
  /** 1-based line number of `starts[0]`; line `i` of the batch is `firstLine + i`. */
  firstLine: number;
  count: number;
}

/** A line over the size limit: reported, never buffered. */
export interface LongLine {
  file: string;
  line: number;
  /** Bytes in the line, "\n" excluded. */
  bytes: number;
}

export type SplitItem = { type: 'lines'; batch: LineBatch } | { type: 'too-long'; long: LongLine };

export const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;

const LF = 0x0a;
const CR = 0x0d;

function hasBom(buf: Buffer, at: number, end: number): boolean {
  return end - at >= 3 && buf[at] === 0xef && buf[at + 1] === 0xbb && buf[at + 2] === 0xbf;
}

/**
 * Push-style splitter for one file. Feeding the same bytes in any chunking gives the same lines;
 * batches reference the pushed chunks without copying, except for a line that straddles two
 * chunks, which is joined into a one-line batch of its own.
 */
export class LineSplitter {
  private lineNo = 1;
  private carry: Buffer[] = [];
  private carryLen = 0;
  private skipping = false;
  private skipBytes = 0;

  /**
   * `bom: false` for a splitter that starts mid-file (a worker's byte range): its line 1 is not the
   * file's, so a BOM there is data, exactly as it is for the splitter that reads the whole file.
   */
  private readonly bom: boolean;

  constructor(
    readonly file: string,
    readonly maxLineBytes: number = DEFAULT_MAX_LINE_BYTES,
    opts: { bom?: boolean } = {},
  ) {
    this.bom = opts.bom ?? true;
  }

  /** The number the next line will get. */
  get nextLine(): number {
    return this.lineNo;
  }

  /** Whether bytes of an unfinished line are held (or being skipped): the next byte is not a line's first. */
  get midLine(): boolean {
    return this.carryLen > 0 || this.skipping;
  }

  push(chunk: Buffer): SplitItem[] {
    const items: SplitItem[] = [];
    let pos = 0;
    if (this.skipping) {
      const nl = chunk.indexOf(LF);
      if (nl < 0) {
        this.skipBytes += chunk.length;
        return items;
      }
      this.skipBytes += nl;
      items.push(this.tooLong(this.skipBytes));
      this.skipping = false;
      this.skipBytes = 0;
      pos = nl + 1;
    } else if (this.carryLen > 0) {
      const nl = chunk.indexOf(LF);
      if (nl < 0) {
        this.extendCarry(chunk);
        return items;
      }
      const total = this.carryLen + nl;
      if (total > this.maxLineBytes) {
        items.push(this.tooLong(total));
      } else {
        this.carry.push(chunk.subarray(0, nl));
        items.push({ type: 'lines', batch: this.single(Buffer.concat(this.carry, total)) });
      }
      this.carry = [];
      this.carryLen = 0;
      pos = nl + 1;
    }
    this.scan(chunk, pos, items);
    return items;
  }

  /** Flushes a last line that has no "\n". */
  end(): SplitItem[] {
    const items: SplitItem[] = [];
    if (this.skipping) {
      items.push(this.tooLong(this.skipBytes));
      this.skipping = false;
    } else if (this.carryLen > 0) {
      items.push({ type: 'lines', batch: this.single(Buffer.concat(this.carry, this.carryLen)) });
    }
    this.carry = [];
    this.carryLen = 0;
    return items;
  }

  /**
   * The stream broke off (a truncated gzip member): drops the unfinished line and returns its number
   * and the bytes seen of it, so the reader can report it as truncated.
   */
  abort(): { line: number; bytes: number } {
    const r = { line: this.lineNo, bytes: this.skipping ? this.skipBytes : this.carryLen };
    this.carry = [];
    this.carryLen = 0;
    this.skipping = false;
    this.skipBytes = 0;
    this.lineNo++;
    return r;
  }

  private tooLong(bytes: number): SplitItem {
    const item: SplitItem = { type: 'too-long', long: { file: this.file, line: this.lineNo, bytes } };
    this.lineNo++;
    return item;
  }

  private extendCarry(piece: Buffer): void {
    if (this.carryLen + piece.length > this.maxLineBytes) {
      this.skipping = true;
      this.skipBytes = this.carryLen + piece.length;
      this.carry = [];
      this.carryLen = 0;
      return;
    }
    this.carry.push(piece);
    this.carryLen += piece.length;
  }

  private single(buf: Buffer): LineBatch {
    let s = 0;
    let e = buf.length;
    if (this.lineNo === 1 && this.bom && hasBom(buf, 0, e)) s = 3;
    if (e > s && buf[e - 1] === CR) e--;
    const batch: LineBatch = { file: this.file, buf, starts: [s], ends: [e], firstLine: this.lineNo, count: 1 };
    this.lineNo++;
    return batch;
  }

  private scan(chunk: Buffer, from: number, items: SplitItem[]): void {
    let pos = from;
    let starts: number[] = [];
    let ends: number[] = [];
    let firstLine = this.lineNo;
    const flush = (): void => {
      if (starts.length > 0) {
        items.push({ type: 'lines', batch: { file: this.file, buf: chunk, starts, ends, firstLine, count: starts.length } });
        starts = [];
        ends = [];
      }
    };
    const max = this.maxLineBytes;
    for (;;) {
      const nl = chunk.indexOf(LF, pos);
      if (nl < 0) break;
      if (nl - pos > max) {
        // Line numbers in a batch must be consecutive, so a long line closes the batch.
        flush();
        items.push(this.tooLong(nl - pos));
        firstLine = this.lineNo;
      } else {
        let s = pos;
        let e = nl;
        if (this.lineNo === 1 && this.bom && hasBom(chunk, s, e)) s += 3;
        if (e > s && chunk[e - 1] === CR) e--;
        starts.push(s);
        ends.push(e);
        this.lineNo++;
      }
      pos = nl + 1;
    }
    flush();
    if (pos < chunk.length) this.extendCarry(chunk.subarray(pos));
  }
}
