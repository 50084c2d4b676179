/**
 * A fate (src/engine/fate.ts) in one line for people: what `explain` says after "why no alert?" and
 * what the HTML report shows on hover. Plain text; callers sanitise and colour.
 */
import type { EventFate, Occurrence, RunWindow } from '../engine/fate.js';

const where = (o: { file: string; line: number }): string => `${o.file}:${o.line}`;

function occurrenceText(o: Occurrence): string {
  if (o.stateLast !== undefined) {
    return `${o.time} at ${where(o.origin)} (an earlier invocation, per the state file; seen until ${o.stateLast})`;
  }
  return `${o.time} at ${where(o.origin)}`;
}

const windowText = (w: RunWindow): string => `run ${w.run} (window ${w.from} – ${w.to})`;

export function fateText(fate: EventFate): string {
  switch (fate.kind) {
    case 'alerted':
      return `alerted in ${windowText(fate.window)}`;
    case 'already-alerted':
      return fate.by
        ? `not alerted again in ${windowText(fate.window)}: the same alert id was written for the same document at ${occurrenceText(fate.by)}`
        : `not alerted again in ${windowText(fate.window)}: its alert id was written by an earlier invocation (state file)`;
    case 'suppressed':
      return `suppressed in ${windowText(fate.window)}: counted in the docs_count of alert ${fate.alertId} (the rule's alert_suppression)`;
    case 'lost':
      return `lost to max_signals in ${fate.windows.map((w) => `run ${w.run}`).join(', ')}: the run's alert limit was reached before it`;
    case 'not-new':
      return fate.firstSeen.seq !== undefined && fate.firstSeen.time === fate.window.from
        ? `not new in ${windowText(fate.window)}: first seen exactly at the window's start, and Kibana requires first_seen > from`
        : `not new in ${windowText(fate.window)}: its terms were first seen ${occurrenceText(fate.firstSeen)}, within the history window`;
    case 'outside-runs':
      return 'outside every simulated run: no window covers its time (see --start/--end/--runs)';
    case 'no-terms':
      return `no alert possible: no indexed value in ${fate.missing.length > 0 ? fate.missing.join(', ') : 'a new-terms field'} (new_terms needs a value in every new-terms field)`;
    case 'no-time':
      return `never searched: ${fate.why}`;
    case 'outside-index':
      return `never searched: index ${fate.index ?? '(none)'} is outside the rule's index patterns`;
  }
}
