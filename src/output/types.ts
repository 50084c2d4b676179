/**
 * What the output room receives. Kept generic on purpose: the engine and the reader are built
 * elsewhere, and the formatters only need an alert as a JSON object plus labelled counts.
 */

import type { JsonObject } from '../ecs/fields.js';
import type { HostTimeline } from './histogram.js';

/** One Kibana alert document: the source ECS event plus flat dotted `kibana.alert.*` keys. */
export type AlertDocument = Record<string, unknown>;

/** A summary value: a count, a text, a list, counts by name, or records (JSON lists them whole). */
export type SummaryValue = number | string | string[] | Record<string, number> | JsonObject[];

/** How a row appears in the default one-line summary (`284 lines · 22 matches · 7 alerts`). */
export interface ShortForm {
  /** Word after the number: `lines`, `matches`, `malformed`. */
  label: string;
  /** `always`, or only when the value is not 0 (default). */
  when?: 'always' | 'nonzero';
  /** Said after it, e.g. `(see warnings)`. */
  note?: string;
}

export interface SummaryRow {
  /** Stable machine name, used as the key in JSON output. */
  key: string;
  /** Human text for terminal output. */
  label: string;
  value: SummaryValue;
  /** Human form of the value when it differs from the machine one (records shown as one line each). */
  display?: string | string[];
  /** Shown in the short summary too; numbers only. */
  short?: ShortForm;
}

/**
 * A warning or error: what kind, a human message, and where (input file, line, column; or the
 * simulated run). JSON output writes them as these objects.
 */
export interface Diagnostic {
  /** `invalid-json`, `truncated`, `kql`, `event-time`, `max-signals`, `gap`, … */
  kind: string;
  message: string;
  file?: string;
  line?: number;
  column?: number;
  /** The simulated run (ISO time) it is about. */
  run?: string;
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
  warnings: Diagnostic[];
  errors: Diagnostic[];
  /**
   * How many warnings of each kind there were in all, where more happened than `warnings` holds
   * (bad lines beyond the kept ones): human output says "… and N more".
   */
  warningTotals?: Record<string, number>;
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
