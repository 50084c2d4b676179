/**
 * Matching events into the engine's memory, in input order: each event's time (by the rule's
 * timestamp fields), the counts the summary reports, the spans of time with matches, and per mode
 * what the tuples are later decided on. new_terms keeps per combination a few clusters (see
 * new-terms.ts) plus the times of matching events merged into window-long clusters; query mode keeps
 * every matching event with the keys Elasticsearch sorts hits by (it alerts on each).
 */
import { isTooDeep, MAX_NESTING_DEPTH } from '../ecs/depth.js';
import { fieldVisitor } from '../ecs/fields.js';
import { eventTimeOf, parseEventTime } from '../ecs/time.js';
import type { SourceEvent } from '../io/types.js';
import { insertPoint, type Cluster } from './clusters.js';
import { NewTermsTracker } from './new-terms.js';
import type { ScanConfig } from './scan-config.js';
import type { StoredEvent } from './state.js';

const MAX_TIME_ISSUE_SAMPLES = 10;

/** A matching event the engine could not use (no usable time, nested too deep), by where it was read. */
export interface TimeIssue {
  file: string;
  line: number;
  message: string;
}

/** A query-mode match, with the sort keys of its hit. */
export interface QueryCandidate {
  event: StoredEvent;
  time: number;
  primary: number | undefined;
  secondary: number | undefined;
  /** Input order, the last tie-breaker. */
  seq: number;
}

function firstTime(doc: unknown, path: string | undefined): number | undefined {
  if (path === undefined) return undefined;
  let v: unknown;
  fieldVisitor(path)(doc, (x) => {
    v = x;
    return true;
  });
  return v === undefined || v === null || v === '' ? undefined : parseEventTime(v);
}

function storedEvent(ev: SourceEvent): StoredEvent {
  const out: StoredEvent = { source: ev.source, origin: { file: ev.origin.file, line: ev.origin.line } };
  if (ev.index !== undefined) out.index = ev.index;
  if (ev.id !== undefined) out.id = ev.id;
  return out;
}

export class ScanIntake {
  readonly tracker: NewTermsTracker<StoredEvent>;
  /** Times of matching events, merged into clusters no wider apart than a window (for "runs with matches"). */
  readonly matchSpans: Cluster<null>[] = [];
  readonly queryEvents: QueryCandidate[] = [];
  /** Samples of matching events without a usable time (all are counted). */
  readonly timeIssues: TimeIssue[] = [];
  /** Samples of matching events nested deeper than Elasticsearch accepts (ecs/depth.ts). */
  readonly depthIssues: TimeIssue[] = [];
  eventsTooDeep = 0;
  /** Matching events older than the state's last run that no run searches (ScanSummary.late). */
  readonly late = { events: 0, first: Number.POSITIVE_INFINITY, last: Number.NEGATIVE_INFINITY };
  eventsAdded = 0;
  eventsWithoutTime = 0;
  eventsWithoutCombination = 0;
  minTime: number | undefined;
  maxTime: number | undefined;

  constructor(
    private readonly cfg: ScanConfig,
    /** How many events without a usable time (or nested too deep) are kept as samples. */
    private readonly maxTimeIssues = MAX_TIME_ISSUE_SAMPLES,
  ) {
    this.tracker = new NewTermsTracker<StoredEvent>(cfg.newTermsFields, cfg.mergeGap, cfg.termCodecs);
    const loaded = cfg.loaded;
    if (!loaded) return;
    for (const c of loaded.state.combos) {
      this.tracker.restore(
        c.values,
        c.clusters.map((k) => ({ first: k.first, last: k.last, payload: k.event })),
      );
    }
    // Spans are taken as they are (sorted, disjoint): re-inserting the two ends of one wider than the
    // window would split it, and later runs would count it differently from one scan over all data.
    for (const [a, b] of loaded.state.matchSpans) this.matchSpans.push({ first: a, last: b, payload: null });
    this.matchSpans.sort((x, y) => x.first - y.first);
  }

  add(ev: SourceEvent): void {
    this.eventsAdded++;
    if (isTooDeep(ev.source)) {
      this.eventsTooDeep++;
      if (this.depthIssues.length < this.maxTimeIssues) {
        const message = `nested deeper than ${MAX_NESTING_DEPTH} levels: Elasticsearch would refuse to index it, so it is not evaluated`;
        this.depthIssues.push({ file: ev.origin.file, line: ev.origin.line, message });
      }
      return;
    }
    const ts = this.cfg.timestampFields;
    const t = eventTimeOf(ev.source, ts);
    if (!t.ok) {
      this.eventsWithoutTime++;
      if (this.timeIssues.length < this.maxTimeIssues) {
        const what = t.reason === 'missing' ? `no ${t.field}` : `${t.field} ${JSON.stringify(t.value)} is not a valid date`;
        this.timeIssues.push({ file: ev.origin.file, line: ev.origin.line, message: what });
      }
      return;
    }
    const ms = t.ms;
    const lateBefore = this.cfg.lateBefore;
    if (lateBefore !== null && ms <= this.cfg.prevRun! && ms < lateBefore) {
      this.late.events++;
      if (ms < this.late.first) this.late.first = ms;
      if (ms > this.late.last) this.late.last = ms;
    }
    this.minTime = this.minTime === undefined || ms < this.minTime ? ms : this.minTime;
    this.maxTime = this.maxTime === undefined || ms > this.maxTime ? ms : this.maxTime;
    insertPoint(this.matchSpans, ms, null, this.cfg.windowLength);
    const stored = storedEvent(ev);
    if (this.cfg.mode === 'new_terms') {
      if (this.tracker.add(ev.source, ms, stored) === 0) this.eventsWithoutCombination++;
    } else {
      this.queryEvents.push({
        event: stored,
        time: ms,
        primary: firstTime(ev.source, ts.primary),
        secondary: firstTime(ev.source, ts.secondary),
        seq: this.queryEvents.length,
      });
    }
  }
}
