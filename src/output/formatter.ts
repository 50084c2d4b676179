import type { ChalkInstance } from 'chalk';
import { createBulkFormatter } from './bulk.js';
import { createJsonFormatter } from './json.js';
import { createNdjsonFormatter } from './ndjson.js';
import { createPrettyFormatter } from './pretty.js';
import type { ColumnSpec } from './columns.js';
import type { TimeDisplay } from './display-time.js';
import type { OutputSink } from './sink.js';
import type { SummaryStyle } from './summary.js';
import type { Formatter, OutputFormat, ScanReport, TextWriter } from './types.js';

export interface FormatterOptions {
  sink: OutputSink;
  /** stderr: summary and diagnostics of every format but json (which carries them itself). */
  diagnostics?: TextWriter;
  /** Colours for the pretty table (stdout). Default: none. */
  chalk?: ChalkInstance;
  /** Colours for the stderr footer. Default: none. */
  diagnosticsChalk?: ChalkInstance;
  /** pretty: terminal width. */
  width?: number;
  /** pretty: the columns (`--columns`); default: the table's own choice. */
  columns?: readonly ColumnSpec[];
  /** pretty: how times are shown (`--tz`, `--wide`); default compact UTC. */
  time?: TimeDisplay;
  /** bulk: Kibana space of the alerts index. */
  space?: string;
  /** How the summary is printed on stderr (not for json). */
  summary?: SummaryStyle;
  /** pretty: end with the per-host histogram (when the report carries a timeline). */
  histogram?: boolean;
}

export function createFormatter(format: OutputFormat, opts: FormatterOptions): Formatter {
  const common = {
    sink: opts.sink,
    diagnostics: opts.diagnostics ?? process.stderr,
    ...(opts.diagnosticsChalk && { diagnosticsChalk: opts.diagnosticsChalk }),
    ...(opts.summary && { summary: opts.summary }),
  };
  switch (format) {
    case 'pretty':
      return createPrettyFormatter({
        ...common,
        ...(opts.chalk && { chalk: opts.chalk }),
        ...(opts.width !== undefined && { width: opts.width }),
        ...(opts.columns !== undefined && { columns: opts.columns }),
        ...(opts.time !== undefined && { time: opts.time }),
        ...(opts.histogram !== undefined && { histogram: opts.histogram }),
      });
    case 'ndjson':
      return createNdjsonFormatter(common);
    case 'bulk':
      return createBulkFormatter({ ...common, ...(opts.space !== undefined && { space: opts.space }) });
    case 'json':
      return createJsonFormatter({ sink: opts.sink });
  }
}

/**
 * Writes a finished report in one go (library use, or when alerts were collected first). Stops
 * feeding alerts once the reader has gone away.
 */
export async function writeReport(format: OutputFormat, report: ScanReport, opts: FormatterOptions): Promise<void> {
  const formatter = createFormatter(format, opts);
  await formatter.begin?.();
  for (const doc of report.alerts) {
    if (opts.sink.closed) break;
    await formatter.alert(doc);
  }
  await formatter.end(report);
}
