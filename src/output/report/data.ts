/**
 * The shape of the report's data (what the page receives as JSON). Types only, plus the mark classes:
 * the page's script (viewer/, type-checked for the browser) imports nothing else from the tool.
 */
import type { SummarySection } from '../types.js';

/** Mark classes on the timeline, in drawing order (alerts on top). */
export const MARK_KINDS = ['not-new', 'other', 'lost', 'alerted'] as const;
export type MarkKind = (typeof MARK_KINDS)[number];

export interface ReportRule {
  name: string;
  ruleId: string;
  version: number;
  mode: string;
  query: string;
  newTermsFields: string[];
  index: string[];
  interval: string;
  from: string;
  to: string;
  historyWindowStart: string | null;
  maxSignals: number;
  timestampOverride: string | null;
  source: string;
}

export interface ReportPair {
  values: string[];
  firstSeen: string;
  firstSeenAt: string;
  count: number;
  hosts: string[];
  /** alerted (runs) > lost (runs) > history (already seen) > other. */
  fate: 'alerted' | 'lost' | 'history' | 'other';
  runs: string[];
  text: string;
}

export interface ReportNearMissGroup {
  /** The exclusion that fired (a top-level `not` clause). */
  exclusion: string;
  /** The values that made it fire, e.g. `process.parent.name = "systemd"`. */
  because: string;
  total: number;
  byHost: Array<[string, number]>;
  samples: string[];
}

export interface ReportAlert {
  id: string;
  time: string;
  run: string;
  host: string;
  user: string;
  command: string;
  parent: string;
  newTerms: string[];
  where: string;
  explanation: string;
  branches: Array<{ clause: string; taken: string; evidence: string }>;
  raw: string;
}

export interface ReportData {
  tool: { name: string; version: string };
  rule: ReportRule;
  inputs: string[];
  summary: SummarySection[];
  warnings: string[];
  errors: string[];
  malformed: { count: number; shown: string[] };
  timeRange: { firstEvent: string | null; lastEvent: string | null; firstRun: string | null; lastRun: string | null };
  markKinds: readonly MarkKind[];
  hosts: string[];
  /** One entry per matching event with a time, columnar: time (ms), host index, kind index, detail index. */
  marks: { t: number[]; h: number[]; k: number[] };
  /** Per mark: [user, command line, parent, file:line, fate text]. */
  details: Array<[string, string, string, string, string]>;
  /** A host row with more marks than this is drawn as counts per time bucket. */
  aggregationThreshold: number;
  /** Rows drawn as counts: host index → buckets of [start ms, kind index, count]. */
  aggregated: Array<{ host: number; bucketMs: number; buckets: Array<[number, number, number]> }>;
  counts: { matches: number; onTimeline: number; withoutTime: number; alerts: number; byKind: Record<MarkKind, number> };
  truncatedRuns: string[];
  nearMisses: { total: number; groups: ReportNearMissGroup[]; note: string };
  pairFields: string[];
  pairs: ReportPair[];
  alerts: ReportAlert[];
}

