/**
 * Reads a file of concatenated, pretty-printed JSON values (Kibana es_archiver `data.json`: one
 * `{"type":"doc",…}` object over many lines, values separated by blank lines; also a saved search
 * response). Lines come from the ordinary splitter; this tracks bracket depth outside strings to
 * find where each value ends, so memory is one value (at most `maxBytes`), not the file.
 *
 * Each physical line is attributed to exactly one record (the value open at its start, or else the
 * first value starting on it), so accounting still adds up to the file's line count.
 */

export type ValueItem =
  | { type: 'value'; buf: Buffer; start: number; end: number; line: number; lines: number }
  | { type: 'blank'; line: number }
  | { type: 'too-long'; line: number; lines: number; bytes: number }
  | { type: 'truncated'; line: number; lines: number; bytes: number };

const LF = Buffer.from('\n');

export class ValueAssembler {
  private inValue = false;
  private depth = 0;
  private inString = false;
  private escape = false;
  /** A value that does not open with `{` or `[` runs to the end of its line (and is then parsed). */
  private scalar = false;
  private startLine = 0;
  private pendingLines = 0;
  private pieces: Buffer[] = [];
  private size = 0;
  private oversized = false;

  constructor(readonly maxBytes: number) {}

  /** Feeds one physical line (without its line break). */
  feedLine(buf: Buffer, start: number, end: number, line: number): ValueItem[] {
    const out: ValueItem[] = [];
    let attributed = false;
    if (this.inValue) {
      this.pendingLines++;
      attributed = true;
    }
    let i = start;
    let pieceStart = start;
    while (i < end) {
      if (!this.inValue) {
        while (i < end && isSpace(buf[i]!)) i++;
        if (i >= end) break;
        this.begin(line, attributed);
        attributed = true;
        pieceStart = i;
        const b = buf[i]!;
        if (b === 0x7b || b === 0x5b) {
          this.depth = 1;
          i++;
        } else {
          this.scalar = true;
          i = end;
          break;
        }
      }
      const closedAt = this.scan(buf, i, end);
      if (closedAt < 0) {
        i = end;
        break;
      }
      this.append(buf, pieceStart, closedAt);
      out.push(this.finish());
      i = closedAt;
    }
    if (this.inValue) {
      this.append(buf, pieceStart, end);
      if (this.scalar) out.push(this.finish());
      else this.append(LF, 0, 1);
    } else if (!attributed) {
      out.push({ type: 'blank', line });
    }
    return out;
  }

  /** A physical line too long to hold: it spoils the value it belongs to. */
  feedLongLine(line: number, bytes: number): ValueItem[] {
    if (this.inValue) {
      this.pendingLines++;
      this.size += bytes;
      this.oversized = true;
      const item: ValueItem = { type: 'too-long', line: this.startLine, lines: this.pendingLines, bytes: this.size };
      this.reset();
      return [item];
    }
    return [{ type: 'too-long', line, lines: 1, bytes }];
  }

  /** End of input: an unfinished value is truncated. */
  end(): Array<Extract<ValueItem, { type: 'truncated' }>> {
    if (!this.inValue) return [];
    const item: Extract<ValueItem, { type: 'truncated' }> = { type: 'truncated', line: this.startLine, lines: this.pendingLines, bytes: this.size };
    this.reset();
    return [item];
  }

  private begin(line: number, lineAlreadyAttributed: boolean): void {
    this.inValue = true;
    this.startLine = line;
    this.pendingLines = lineAlreadyAttributed ? 0 : 1;
    this.depth = 0;
    this.inString = false;
    this.escape = false;
    this.scalar = false;
    this.pieces = [];
    this.size = 0;
    this.oversized = false;
  }

  private reset(): void {
    this.inValue = false;
    this.pieces = [];
    this.size = 0;
    this.oversized = false;
    this.scalar = false;
  }

  /** Scans from `i`; returns the offset just past the byte that closes the value, or -1. */
  private scan(buf: Buffer, i: number, end: number): number {
    for (; i < end; i++) {
      const b = buf[i]!;
      if (this.inString) {
        if (this.escape) this.escape = false;
        else if (b === 0x5c) this.escape = true;
        else if (b === 0x22) this.inString = false;
      } else if (b === 0x22) {
        this.inString = true;
      } else if (b === 0x7b || b === 0x5b) {
        this.depth++;
      } else if (b === 0x7d || b === 0x5d) {
        if (--this.depth === 0) return i + 1;
      }
    }
    return -1;
  }

  private append(buf: Buffer, s: number, e: number): void {
    if (e <= s) return;
    this.size += e - s;
    if (this.oversized) return;
    if (this.size > this.maxBytes) {
      this.oversized = true;
      this.pieces = [];
      return;
    }
    this.pieces.push(buf.subarray(s, e));
  }

  private finish(): ValueItem {
    let item: ValueItem;
    if (this.oversized) {
      item = { type: 'too-long', line: this.startLine, lines: this.pendingLines, bytes: this.size };
    } else {
      const buf = this.pieces.length === 1 ? this.pieces[0]! : Buffer.concat(this.pieces, this.size);
      item = { type: 'value', buf, start: 0, end: buf.length, line: this.startLine, lines: this.pendingLines };
    }
    this.reset();
    return item;
  }
}

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0d;
}
