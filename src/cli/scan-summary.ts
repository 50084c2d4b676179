/**
 * The scan summary as output sections: input accounting (every line read is accounted for) and the
 * detection simulation. Pure: the numbers come from the reader's Accounting and the engine's summary.
 */
import type { Counts } from '../io/accounting.js';
import { MALFORMED_KINDS } from '../io/accounting.js';
import type { ScanSummary } from '../engine/scan.js';
import type { TimestampFields } from '../ecs/time.js';
import type { SummarySection } from '../output/types.js';

export function inputSection(
  total: Counts,
  files: number,
  matched: number,
  prefilter: string,
  walk: { skipped: readonly unknown[]; excluded: number } = { skipped: [], excluded: 0 },
): SummarySection {
  const malformed: Record<string, number> = {};
  for (const k of MALFORMED_KINDS) if (total.malformedByKind[k] > 0) malformed[k] = total.malformedByKind[k];
  return {
    title: 'Input',
    key: 'input',
    rows: [
      { key: 'files', label: 'files', value: files },
      ...(walk.skipped.length > 0 ? [{ key: 'files_skipped', label: 'files skipped (no events)', value: walk.skipped.length, short: { label: 'files skipped', note: '(see warnings)' } }] : []),
      ...(walk.excluded > 0 ? [{ key: 'files_excluded', label: 'files left out by --glob/--exclude', value: walk.excluded }] : []),
      { key: 'lines_read', label: 'lines read', value: total.read, short: { label: 'lines', when: 'always' } },
      { key: 'lines_evaluated', label: 'lines evaluated', value: total.evaluated },
      { key: 'prefilter', label: 'prefilter literals', value: prefilter },
      { key: 'lines_prefiltered', label: 'lines passed over by the prefilter', value: total.prefiltered },
      { key: 'lines_skipped_by_index', label: 'lines skipped by index pattern', value: total.skippedByIndex },
      { key: 'lines_blank', label: 'blank lines', value: total.blank },
      { key: 'lines_malformed', label: 'malformed lines', value: total.malformed, short: { label: 'malformed', note: '(see warnings)' } },
      { key: 'malformed_by_kind', label: 'malformed by kind', value: malformed },
      { key: 'events', label: 'events decoded', value: total.events },
      { key: 'events_matched', label: 'events matching the query', value: matched, short: { label: matched === 1 ? 'match' : 'matches', when: 'always' } },
    ],
  };
}

/** `event.ingested, else @timestamp`: the field the rule reads event times from. */
export function timeFieldText(fields: TimestampFields): string {
  return fields.secondary === undefined ? fields.primary : `${fields.primary}, else ${fields.secondary}`;
}

export function detectionSection(s: ScanSummary, timeFields: TimestampFields = { primary: '@timestamp' }): SummarySection {
  const rows: SummarySection['rows'] = [
    { key: 'mode', label: 'mode', value: s.mode },
    { key: 'rule_uuid', label: 'rule uuid', value: s.ruleUuid },
    { key: 'space', label: 'space', value: s.space },
    { key: 'runs_simulated', label: 'runs simulated', value: s.runsSimulated },
    { key: 'runs_with_matches', label: 'runs with matches', value: s.runsWithMatches },
    { key: 'catchup_windows', label: 'catch-up windows', value: s.catchupTuples },
    { key: 'alerts', label: 'alerts', value: s.alerts, short: { label: s.alerts === 1 ? 'alert' : 'alerts', when: 'always' } },
    { key: 'truncated_runs', label: 'runs truncated at max_signals', value: s.truncatedRuns, short: { label: 'runs hit max_signals' } },
  ];
  if (s.suppressed !== undefined) {
    rows.push({ key: 'suppressed', label: 'matches suppressed into alerts (docs_count)', value: s.suppressed, short: { label: 'suppressed' } });
  }
  if (s.mode === 'new_terms') {
    rows.push(
      { key: 'distinct_combinations', label: 'distinct term combinations', value: s.distinctCombinations },
      { key: 'events_without_combination', label: 'matches lacking a new-terms field', value: s.eventsWithoutCombination },
      {
        key: 'lost_detections',
        label: 'combinations lost to truncation',
        value: s.lostDetections.map((l) => ({ new_terms: l.newTerms, first_seen: l.firstSeen, truncated_in: l.truncatedIn })),
        display: s.lostDetections.map((l) => `${l.newTerms.join(' | ')} (first seen ${l.firstSeen})`),
        short: { label: 'new terms never alerted (max_signals; -v lists them)' },
      },
    );
  }
  rows.push(
    { key: 'events_without_time', label: 'matches without a usable time', value: s.eventsWithoutTime, short: { label: 'matches without a time (see warnings)' } },
    ...(s.eventsTooDeep > 0 ? [{ key: 'events_too_deep', label: 'matches nested too deep (never indexed)', value: s.eventsTooDeep, short: { label: 'matches nested too deep', note: '(see warnings)' } }] : []),
    { key: 'first_run', label: 'first run', value: s.timeRange.firstRun ?? '-' },
    { key: 'last_run', label: 'last run', value: s.timeRange.lastRun ?? '-' },
    // Event times are the rule's (timestamp_override with its fallback), which the label says: the
    // table's time column is the source's @timestamp, and the two differ by the ingest delay.
    { key: 'event_time_field', label: 'event time', value: timeFieldText(timeFields) },
    { key: 'first_event', label: 'earliest matching event', value: s.timeRange.firstEvent ?? '-' },
    { key: 'last_event', label: 'latest matching event', value: s.timeRange.lastEvent ?? '-' },
  );
  if (s.late) rows.push({ key: 'state_last_run', label: 'previous last run (state)', value: s.late.lastRun });
  if (s.late && s.late.events > 0) {
    rows.push({ key: 'late_events', label: 'late matches (history only)', value: s.late.events, short: { label: 'late matches', note: '(history only; see warnings)' } });
  }
  if (s.cumulative.runs !== s.runsSimulated) {
    rows.push({ key: 'cumulative_runs', label: 'runs, all invocations (state)', value: s.cumulative.runs });
    rows.push({ key: 'cumulative_alerts', label: 'alerts, all invocations (state)', value: s.cumulative.alerts });
  }
  return { title: 'Detection', key: 'detection', rows };
}

/** `--since`/`--until`: matching events left out by their time. */
export function timeFilterRow(outside: number): SummarySection['rows'][number] {
  return { key: 'events_outside_since_until', label: 'matches outside --since/--until', value: outside, short: { label: 'matches outside --since/--until' } };
}
