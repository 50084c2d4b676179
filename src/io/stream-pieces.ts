/**
 * A byte stream (stdin, an inflated gzip) cut at newlines into pieces for worker threads, the way a
 * plain file is cut into byte ranges: each piece starts at a line's first byte and ends just after a
 * "\n", so the workers decode exactly the lines one thread would, and parallel.ts puts their results
 * back in input order. A pipe's chunks are not copied: each owns its buffer, which is transferred to
 * the worker with the piece (only the part of a chunk after a piece's last newline is copied).
 *
 * Memory: one piece being filled plus the pieces in flight (scanPieces keeps 2 per thread), since
 * the next read is only asked for when a piece is wanted; a stalled consumer stalls the pipe.
 */
import type { ScanPiece } from './range-scan.js';

/** 8 MiB: a few milliseconds of scanning per message, and 2 × threads pieces in flight stay small. */
export const STREAM_PIECE_BYTES = 8 << 20;

const LF = 0x0a;

/** A copy in a buffer of its own (Buffer.from would put a small one in the shared pool). */
function ownCopy(b: Buffer): Buffer {
  const out = Buffer.allocUnsafeSlow(b.length);
  b.copy(out);
  return out;
}

/** Set when the stream broke off (a truncated gzip); its unfinished last line is not in any piece. */
export interface StreamEnd {
  brokeOff?: string;
}

/**
 * Pieces of `first` followed by the rest of `rest`, in order. A read error ends the pieces: the
 * complete lines before it are the last piece and the reason is left in `end`.
 */
export async function* streamPieces(
  file: string,
  first: Buffer,
  rest: AsyncIterator<Buffer>,
  end: StreamEnd,
  pieceBytes: number = STREAM_PIECE_BYTES,
): AsyncGenerator<ScanPiece> {
  let parts: Buffer[] = [];
  let len = 0;
  /** Whether every part owns its whole buffer, which can then be transferred as it is. */
  let owned = true;
  const add = (b: Buffer): void => {
    if (b.length === 0) return;
    parts.push(b);
    len += b.length;
    owned &&= b.byteOffset === 0 && b.buffer.byteLength === b.length;
  };
  /**
   * The complete lines gathered so far as a piece (all of it at the end of the stream); what follows
   * the last "\n" stays for the next piece.
   */
  const cut = (all: boolean): ScanPiece | undefined => {
    if (len === 0) return undefined;
    // Chunks that share their buffer with the producer (zlib writes its output into one buffer
    // after another) are gathered into one buffer of their own; a pipe's chunks are sent as they are.
    if (!owned) {
      parts = [Buffer.concat(parts, len)];
      owned = true;
    }
    let i = parts.length - 1;
    let nl = all ? parts[i]!.length - 1 : parts[i]!.lastIndexOf(LF);
    while (nl < 0 && i > 0) nl = parts[--i]!.lastIndexOf(LF);
    if (nl < 0) return undefined; // one line longer than a piece: keep gathering (the decoder bounds it)
    const last = parts[i]!;
    // The rest of the line-ending chunk, and the chunks after it, start the next piece (copied out:
    // the chunk's whole buffer goes to the worker).
    const carry = [ownCopy(last.subarray(nl + 1)), ...parts.slice(i + 1)];
    const bytes = [...parts.slice(0, i), last.subarray(0, nl + 1)];
    parts = [];
    len = 0;
    owned = true;
    for (const b of carry) add(b);
    return { kind: 'bytes', file, bytes };
  };
  add(first);
  for (;;) {
    let r: IteratorResult<Buffer>;
    try {
      r = await rest.next();
    } catch (e) {
      end.brokeOff = e instanceof Error ? e.message : String(e);
      const piece = cut(false);
      if (piece) yield piece;
      return;
    }
    if (r.done === true) break;
    add(r.value);
    if (len >= pieceBytes) {
      const piece = cut(false);
      if (piece) yield piece;
    }
  }
  // The end of the stream ends the last line, with or without its "\n".
  const last = cut(true);
  if (last) yield last;
}
