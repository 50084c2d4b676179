/**
 * What the output room receives. Kept generic on purpose: the engine and the reader are built
 * elsewhere, and the formatters only need an alert as a JSON object plus labelled counts.
 */

import type { HostTimeline } from './histogram.js';

/** One Kibana alert document: the source ECS event plus flat dotted `kibana.alert.*` keys. */
export type AlertDocument = Record<string, unknown>;

export interface SummaryRow {
  /** Stable machine name, used as the key in JSON output. */
  key: string;
  /** Human text for terminal output. */
  label: string;
  value: number | string | string[];
}

export interface SummarySection {
  title: string;
  /** Machine name for JSON output; derived from the title (snake_case) when absent. */
  key?: string;
  rows: SummaryRow[];
}

export interface ScanReport {
  alerts: AlertDocument[];
  summary: SummarySection[];
  warnings: string[];
  errors: string[];
  /** Matches and alerts per host over time, for the pretty format's closing histogram (histogram.ts). */
  timeline?: HostTimeline;
}

/**
 * The end of a scan as a formatter needs it. Alerts are not part of it: formatters receive them one
 * by one through `alert()` as they are found, so a full `ScanReport` can be passed to `end()` too.
 */
export type ScanTail = Omit<ScanReport, 'alerts'>;

export type OutputFormat = 'pretty' | 'ndjson' | 'json' | 'bulk';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['pretty', 'ndjson', 'json', 'bulk'];

/** Anything text can be written to without waiting (process.stderr, a test buffer). */
export interface TextWriter {
  write(text: string): unknown;
}

/** Streams alerts to a sink as they come; `end` writes what only the end of a scan knows. */
export interface Formatter {
  begin?(): Promise<void>;
  alert(doc: AlertDocument): Promise<void>;
  end(tail: ScanTail): Promise<void>;
}
