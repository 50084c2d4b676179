/**
 * A byte stream through one source's decoder: every chunk pushed as it comes, a stream that breaks
 * off (a truncated or corrupt gzip) reported as a truncated last line or value. Shared by the stream
 * reader (read-source.ts) and by a worker that inflates a whole gzip file (range-scan.ts).
 */
import type { Decoded, SourceDecoder } from './decoder.js';
import { InputError } from './errors.js';
import type { OpenedSource } from './sources.js';

/** A result worth handing on: it holds events or records. */
export function nonEmpty(d: Decoded): boolean {
  return d.events > 0 || d.records.length > 0;
}

export async function* decodeStream(
  decoder: SourceDecoder,
  opened: OpenedSource,
  progress: ((raw: number) => void) | undefined,
  worth: (d: Decoded) => boolean = nonEmpty,
): AsyncGenerator<Decoded> {
  const it = opened.chunks[Symbol.asyncIterator]();
  try {
    for (;;) {
      let r: IteratorResult<Buffer>;
      try {
        r = await it.next();
      } catch (e) {
        if (e instanceof InputError) throw e;
        // The byte stream broke off (truncated or corrupt gzip): what was read counts, the unfinished
        // line or value is reported as truncated, and the run goes on with the next input.
        const d = decoder.breakOff(e instanceof Error ? e.message : String(e));
        progress?.(opened.rawBytesRead());
        if (worth(d)) yield d;
        return;
      }
      if (r.done) break;
      const d = decoder.push(r.value);
      progress?.(opened.rawBytesRead());
      if (worth(d)) yield d;
    }
    const d = decoder.end();
    if (worth(d)) yield d;
  } finally {
    // Closes the file when the consumer stops early or strict mode throws.
    await it.return?.();
  }
}
