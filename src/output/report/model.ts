/**
 * The HTML report's data: everything the page shows, as one JSON value built from the scan (the
 * events that matched, their fates, the near misses, the alerts and the summary). Pure: no I/O, no
 * HTML. The page (viewer/) only lays this out; every number in it is computed here.
 *
 * Size: per matching event a few short strings (time, user, command line, parent, file:line, fate);
 * a host row with more than {@link AGGREGATE_ABOVE} marks is reduced to counts per time bucket and
 * fate (the page says so), so the report stays small whatever the number of matches.
 */
import { commandLineOf, fieldText, hostOf, parentOf } from '../event-fields.js';
import { combinationsOf } from '../../engine/new-terms.js';
import type { EventFate, EventFateRecord, FateKind } from '../../engine/fate.js';
import type { SourceEvent } from '../../io/types.js';
import type { BranchTaken, ExplanationSummary } from '../../kql/explain.js';
import { fateText } from '../fate-text.js';
import type { AlertDocument, SummarySection } from '../types.js';
import { MARK_KINDS, type MarkKind, type ReportAlert, type ReportData, type ReportNearMissGroup, type ReportPair, type ReportRule } from './data.js';

export { MARK_KINDS, type MarkKind, type ReportAlert, type ReportData, type ReportNearMissGroup, type ReportPair, type ReportRule };

/** Marks per host row above which the row is drawn as counts per time bucket. */
export const AGGREGATE_ABOVE = 2000;
/** Buckets across the time range for an aggregated row. */
export const AGGREGATE_BUCKETS = 600;
/** Longest text kept per display field (command lines can be huge). */
const MAX_TEXT = 400;

export function markKindOf(kind: FateKind): MarkKind {
  return kind === 'alerted' ? 'alerted' : kind === 'lost' ? 'lost' : kind === 'not-new' ? 'not-new' : 'other';
}

const clip = (s: string): string => (s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT - 1)}…` : s);
const leaf = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v));
const field = fieldText;

interface MatchRow {
  host: string;
  user: string;
  command: string;
  parent: string;
  where: string;
  pairs: string[][];
}

interface NearMissAcc {
  exclusion: string;
  because: string;
  total: number;
  byHost: Map<string, number>;
  samples: string[];
}

const evidenceText = (ev: ExplanationSummary['evidence']): string =>
  ev.map((v) => `${v.field ?? '(any field)'} = ${v.values.map((x) => JSON.stringify(x)).join(', ')}`).join('; ');

const branchText = (b: BranchTaken) => ({ clause: b.clause, taken: b.taken, evidence: evidenceText(b.evidence) });

export interface BuildInput {
  tool: { name: string; version: string };
  rule: ReportRule;
  inputs: string[];
  fates: readonly EventFateRecord[];
  alerts: ReadonlyArray<{ doc: AlertDocument; raw: Record<string, unknown>; explanation: ExplanationSummary }>;
  summary: SummarySection[];
  warnings: string[];
  errors: string[];
  malformed: { count: number; shown: string[] };
  timeRange: ReportData['timeRange'];
  truncatedRuns: string[];
  /** Whether the query has a top-level exclusion at all (else there can be no near miss). */
  hasExclusions: boolean;
}

/**
 * Collects, while the scan reads, what the report needs of each matching event (a few strings) and
 * of each near miss (counts); `build` joins that with the fates and the alerts at the end.
 */
export class ReportCollector {
  private readonly rows: MatchRow[] = [];
  private readonly near = new Map<string, NearMissAcc>();
  private nearTotal = 0;

  constructor(readonly pairFields: readonly string[]) {}

  /** A matching event, in the order it was given to the fate tracer (its seq). */
  match(ev: SourceEvent): void {
    const doc = ev.source;
    this.rows.push({
      host: hostOf(doc),
      user: clip(field(doc, 'user.name')),
      command: clip(commandLineOf(doc)),
      parent: clip(parentOf(doc)),
      where: `${ev.origin.file}:${ev.origin.line}`,
      pairs: combinationsOf(doc, this.pairFields),
    });
  }

  /** An event that passed every positive clause and was dropped by an exclusion. */
  nearMiss(ev: SourceEvent, summary: ExplanationSummary): void {
    const failure = summary.failure;
    if (!failure || failure.reason !== 'exclusion') return;
    this.nearTotal++;
    const because = evidenceText(failure.evidence);
    const key = `${failure.clause}\u0000${because}`;
    let acc = this.near.get(key);
    if (!acc) {
      acc = { exclusion: failure.clause, because, total: 0, byHost: new Map(), samples: [] };
      this.near.set(key, acc);
    }
    acc.total++;
    const host = hostOf(ev.source);
    acc.byHost.set(host, (acc.byHost.get(host) ?? 0) + 1);
    if (acc.samples.length < 5) acc.samples.push(`${ev.origin.file}:${ev.origin.line}`);
  }

  build(input: BuildInput): ReportData {
    if (input.fates.length !== this.rows.length) {
      throw new Error(`report: ${input.fates.length} fates for ${this.rows.length} matching events`);
    }
    const hosts = [...new Set(this.rows.map((r) => r.host))].sort();
    const hostIndex = new Map(hosts.map((h, i) => [h, i]));
    const byKind: Record<MarkKind, number> = { 'not-new': 0, other: 0, lost: 0, alerted: 0 };
    const perHost = hosts.map(() => [] as number[]);
    let withoutTime = 0;
    input.fates.forEach((f, seq) => {
      if (f.time === null) withoutTime++;
      else perHost[hostIndex.get(this.rows[seq]!.host)!]!.push(seq);
    });

    // Where each alert's source event was read: the event whose fate names the alert id.
    const sourceOfAlert = new Map<string, number>();
    input.fates.forEach((f, seq) => {
      for (const x of [f.fate, ...f.terms.map((t) => t.fate)]) if (x.kind === 'alerted') sourceOfAlert.set(x.alertId, seq);
    });
    const marks: ReportData['marks'] = { t: [], h: [], k: [] };
    const details: ReportData['details'] = [];
    const aggregated: ReportData['aggregated'] = [];
    const times = input.fates.map((f) => (f.time === null ? Number.NaN : Date.parse(f.time)));
    // A loop, not Math.min(...times): spreading hundreds of thousands of arguments overflows the stack.
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (const t of times) {
      if (Number.isNaN(t)) continue;
      if (t < lo) lo = t;
      if (t > hi) hi = t;
    }
    if (!Number.isFinite(lo)) lo = hi = 0;
    const bucketMs = Math.max(1000, Math.ceil((hi - lo + 1) / AGGREGATE_BUCKETS));
    perHost.forEach((seqs, h) => {
      const kindOf = (seq: number) => MARK_KINDS.indexOf(markKindOf(input.fates[seq]!.fate.kind));
      for (const seq of seqs) byKind[MARK_KINDS[kindOf(seq)]!]++;
      if (seqs.length > AGGREGATE_ABOVE) {
        const counts = new Map<string, [number, number, number]>();
        for (const seq of seqs) {
          const start = lo + Math.floor((times[seq]! - lo) / bucketMs) * bucketMs;
          const k = kindOf(seq);
          const key = `${start}:${k}`;
          const c = counts.get(key);
          if (c) c[2]++;
          else counts.set(key, [start, k, 1]);
        }
        aggregated.push({ host: h, bucketMs, buckets: [...counts.values()].sort((a, b) => a[0] - b[0] || a[1] - b[1]) });
        return;
      }
      for (const seq of seqs) {
        const r = this.rows[seq]!;
        marks.t.push(times[seq]!);
        marks.h.push(h);
        marks.k.push(kindOf(seq));
        details.push([r.user, r.command, r.parent, r.where, fateText(input.fates[seq]!.fate)]);
      }
    });

    return {
      tool: input.tool,
      rule: input.rule,
      inputs: input.inputs,
      summary: input.summary,
      warnings: input.warnings,
      errors: input.errors,
      malformed: input.malformed,
      timeRange: input.timeRange,
      markKinds: MARK_KINDS,
      hosts,
      marks,
      details,
      aggregationThreshold: AGGREGATE_ABOVE,
      aggregated,
      counts: {
        matches: this.rows.length,
        onTimeline: this.rows.length - withoutTime,
        withoutTime,
        alerts: input.alerts.length,
        byKind,
      },
      truncatedRuns: input.truncatedRuns,
      nearMisses: {
        total: this.nearTotal,
        groups: [...this.near.values()]
          .sort((a, b) => b.total - a.total || a.because.localeCompare(b.because))
          .map((g) => ({ ...g, byHost: [...g.byHost].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])) })),
        note: input.hasExclusions
          ? 'Events that passed every positive clause of the query (a detection branch included) and were dropped by an exclusion, grouped by the exclusion and the values that fired it.'
          : 'The query has no top-level exclusion, so there can be no near miss.',
      },
      pairFields: [...this.pairFields],
      pairs: this.pairs(input.fates, times),
      alerts: input.alerts.map((a) => alertRow(a, sourceOfAlert, this.rows)),
    };
  }

  private pairs(fates: readonly EventFateRecord[], times: number[]): ReportPair[] {
    interface Acc {
      values: string[];
      first: number;
      firstSeq: number;
      count: number;
      hosts: Set<string>;
      alerted: Set<string>;
      lost: Set<string>;
      notNew: number;
      witness?: string;
    }
    const accs = new Map<string, Acc>();
    this.rows.forEach((r, seq) => {
      const f = fates[seq]!;
      for (const values of r.pairs) {
        const key = JSON.stringify(values);
        let a = accs.get(key);
        if (!a) {
          a = { values, first: Number.POSITIVE_INFINITY, firstSeq: seq, count: 0, hosts: new Set(), alerted: new Set(), lost: new Set(), notNew: 0 };
          accs.set(key, a);
        }
        a.count++;
        a.hosts.add(r.host);
        const t = times[seq]!;
        if (t < a.first) {
          a.first = t;
          a.firstSeq = seq;
        }
        // The combination's own fate in new_terms mode; the event's in query mode.
        const fate: EventFate = f.terms.find((x) => x.values.length === values.length && x.values.every((v, i) => v === values[i]))?.fate ?? f.fate;
        if (fate.kind === 'alerted') a.alerted.add(fate.window.run);
        else if (fate.kind === 'lost') for (const w of fate.windows) a.lost.add(w.run);
        else if (fate.kind === 'not-new') {
          a.notNew++;
          a.witness ??= `${fate.firstSeen.time} at ${fate.firstSeen.origin.file}:${fate.firstSeen.origin.line}${fate.firstSeen.stateLast ? ' (earlier invocation)' : ''}`;
        }
      }
    });
    return [...accs.values()]
      .map((a): ReportPair => {
        const base = {
          values: a.values,
          firstSeen: Number.isFinite(a.first) ? new Date(a.first).toISOString() : '-',
          firstSeenAt: this.rows[a.firstSeq]!.where,
          count: a.count,
          hosts: [...a.hosts].sort(),
        };
        if (a.alerted.size > 0) {
          const runs = [...a.alerted].sort();
          return { ...base, fate: 'alerted', runs, text: `alerted at run ${runs.join(', ')}` };
        }
        if (a.lost.size > 0) {
          const runs = [...a.lost].sort();
          return { ...base, fate: 'lost', runs, text: `lost to max_signals in run ${runs.join(', ')}` };
        }
        if (a.notNew > 0) return { ...base, fate: 'history', runs: [], text: `in history already (first seen ${a.witness})` };
        return { ...base, fate: 'other', runs: [], text: 'never in a simulated window with a usable time' };
      })
      .sort((x, y) => (x.firstSeen < y.firstSeen ? -1 : x.firstSeen > y.firstSeen ? 1 : 0));
  }
}

function alertRow(
  a: { doc: AlertDocument; raw: Record<string, unknown>; explanation: ExplanationSummary },
  sourceOfAlert: ReadonlyMap<string, number>,
  rows: readonly MatchRow[],
): ReportAlert {
  const id = String(a.doc['kibana.alert.uuid'] ?? '');
  const seq = sourceOfAlert.get(id);
  const nt = a.doc['kibana.alert.new_terms'];
  return {
    id,
    time: String(a.doc['kibana.alert.original_time'] ?? ''),
    run: String(a.doc['@timestamp']),
    host: hostOf(a.raw),
    user: clip(field(a.raw, 'user.name')),
    command: clip(commandLineOf(a.raw)),
    parent: clip(parentOf(a.raw)),
    newTerms: Array.isArray(nt) ? nt.map(leaf) : [],
    where: seq !== undefined ? rows[seq]!.where : '(an earlier invocation, per the state file)',
    explanation: a.explanation.text,
    branches: a.explanation.branches.map(branchText),
    raw: JSON.stringify(a.raw, null, 2),
  };
}
