import type { OutputSink } from './sink.js';
import { renderFooter, type SummaryStyle } from './summary.js';
import type { AlertDocument, Formatter, TextWriter } from './types.js';
import type { ChalkInstance } from 'chalk';
import { plainChalk } from './color.js';

/** One alert as one NDJSON line. JSON.stringify escapes newlines, so a line is always one document. */
export function ndjsonLine(doc: AlertDocument): string {
  return JSON.stringify(doc) + '\n';
}

export interface StreamFormatterOptions {
  sink: OutputSink;
  /** Where the summary and diagnostics go (stderr), keeping the sink for alerts only. */
  diagnostics: TextWriter;
  diagnosticsChalk?: ChalkInstance;
  summary?: SummaryStyle;
}

/** Builds a formatter that streams each alert as `encode(doc)` and puts the footer on stderr. */
export function createLineFormatter(encode: (doc: AlertDocument) => string, opts: StreamFormatterOptions): Formatter {
  return {
    alert: (doc) => opts.sink.write(encode(doc)),
    async end(tail) {
      opts.diagnostics.write(renderFooter(tail, opts.summary ?? 'full', opts.diagnosticsChalk ?? plainChalk));
    },
  };
}

/** `--format ndjson`: one alert document per line on the sink, summary on stderr. */
export function createNdjsonFormatter(opts: StreamFormatterOptions): Formatter {
  return createLineFormatter(ndjsonLine, opts);
}
