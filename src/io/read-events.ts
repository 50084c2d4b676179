/**
 * The reader's front door: inputs → sources → line batches → (prefilter) → events, in input order,
 * with every line accounted for. Yields one array of events per batch, so a consumer pays one await
 * per ~1 MiB rather than one per event.
 */
import { Accounting } from './accounting.js';
import { accountLongLine, decodeBatch, decodeRecord, type DecodeOptions } from './decode.js';
import { InputError } from './errors.js';
import { ValueAssembler, type ValueItem } from './json-values.js';
import { DEFAULT_MAX_LINE_BYTES, LineSplitter, type LineBatch, type SplitItem } from './lines.js';
import { openSource, resolveInputs, type InputSource } from './sources.js';
import { isBlank } from './structural.js';
import type { SourceEvent } from './types.js';

export interface ReadProgress {
  /** Raw bytes consumed (compressed bytes for gzip input). */
  bytesDone: number;
  /** Sum of the input sizes, when every input has a known size. */
  bytesTotal?: number;
}

export interface ReadEventsOptions {
  /** Stop at the first bad line with an `InputError` (file and line). */
  strict?: boolean;
  /** Longest line (or pretty-printed value) decoded; longer ones are malformed "too long". */
  maxLineBytes?: number;
  /** Index scope; see rule/index-patterns.ts. Events without an index get `undefined`. */
  indexFilter?: (index?: string) => boolean;
  /**
   * Called once per batch before any decoding; a returned mask with 0 at line `i` means the line
   * cannot matter (it then only gets a structural check). Not called for pretty-printed files.
   */
  prefilter?: (batch: LineBatch) => Uint8Array | undefined;
  onProgress?: (p: ReadProgress) => void;
}

export type FileMode = 'undecided' | 'lines' | 'values';

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

/** Reads one source; shared by `readEvents` and usable on its own (e.g. per-file workers). */
export async function* readSource(
  src: InputSource,
  opts: ReadEventsOptions,
  acct: Accounting,
  progress?: (rawBytes: number) => void,
): AsyncGenerator<SourceEvent[]> {
  const name = src.name;
  const maxBytes = opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const decodeOpts: DecodeOptions = opts.indexFilter ? { indexFilter: opts.indexFilter } : {};
  acct.file(name);
  const splitter = new LineSplitter(name, maxBytes);
  let mode: FileMode = 'undecided';
  let values: ValueAssembler | undefined;

  const handleValue = (item: ValueItem): SourceEvent[] => {
    switch (item.type) {
      case 'blank':
        acct.lines(name, 'blank');
        return [];
      case 'too-long':
        acct.malformed(name, item.line, 'too-long', `value too long (${item.bytes} bytes > ${maxBytes})`, item.lines);
        return [];
      case 'truncated':
        acct.malformed(name, item.line, 'truncated', 'truncated: input ends inside a JSON value', item.lines);
        return [];
      case 'value':
        return decodeRecord(item.buf, item.start, item.end, { file: name, line: item.line, lines: item.lines }, decodeOpts, acct);
    }
  };

  const handle = (item: SplitItem): SourceEvent[] => {
    if (item.type === 'too-long') {
      if (mode === 'undecided') mode = 'lines';
      if (mode === 'values') return values!.feedLongLine(item.long.line, item.long.bytes).flatMap(handleValue);
      accountLongLine(acct, item.long, maxBytes);
      return [];
    }
    const batch = item.batch;
    if (mode === 'undecided') {
      mode = decideMode(batch);
      if (mode === 'values') values = new ValueAssembler(maxBytes);
    }
    if (mode === 'values') {
      const out: SourceEvent[] = [];
      for (let i = 0; i < batch.count; i++) {
        for (const v of values!.feedLine(batch.buf, batch.starts[i]!, batch.ends[i]!, batch.firstLine + i)) {
          for (const ev of handleValue(v)) out.push(ev);
        }
      }
      return out;
    }
    // Undecided batches are all blank: no prefilter needed to count them.
    const mask = mode === 'lines' && opts.prefilter ? opts.prefilter(batch) : undefined;
    return decodeBatch(batch, mask, decodeOpts, acct);
  };

  const opened = openSource(src);
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
        const msg = e instanceof Error ? e.message : String(e);
        const cut = splitter.abort();
        const open = (mode as FileMode) === 'values' && values ? values.end() : [];
        if (open.length > 0) {
          for (const v of open) acct.malformed(name, v.line, 'truncated', `truncated input: ${msg}`, v.lines + 1);
        } else {
          acct.malformed(name, cut.line, 'truncated', `truncated input: ${msg}`);
        }
        progress?.(opened.rawBytesRead());
        return;
      }
      if (r.done) break;
      let out: SourceEvent[] = [];
      for (const item of splitter.push(r.value)) {
        const evs = handle(item);
        if (evs.length > 0) out = out.length === 0 ? evs : out.concat(evs);
      }
      progress?.(opened.rawBytesRead());
      if (out.length > 0) yield out;
    }
    let out: SourceEvent[] = [];
    for (const item of splitter.end()) out = out.concat(handle(item));
    if (values) for (const v of values.end()) out = out.concat(handleValue(v));
    if (out.length > 0) yield out;
  } finally {
    // Closes the file when the consumer stops early or strict mode throws.
    await it.return?.();
  }
}

/**
 * Reads every input in order and yields its events batch by batch. Missing or unreadable inputs
 * throw an `InputError` naming the path; bad lines are counted in `acct` (or thrown under `strict`).
 */
export async function* readEvents(
  inputs: readonly string[],
  opts: ReadEventsOptions,
  acct: Accounting,
): AsyncGenerator<SourceEvent[]> {
  if (opts.strict) acct.strict = true;
  const sources = await resolveInputs(inputs);
  const bytesTotal = sources.every((s) => s.size !== undefined)
    ? sources.reduce((a, s) => a + (s.size ?? 0), 0)
    : undefined;
  let before = 0;
  for (const src of sources) {
    const report = opts.onProgress
      ? (raw: number): void => opts.onProgress!(bytesTotal === undefined ? { bytesDone: before + raw } : { bytesDone: before + raw, bytesTotal })
      : undefined;
    let last = 0;
    yield* readSource(src, opts, acct, (raw) => {
      last = raw;
      report?.(raw);
    });
    before += last;
  }
}
