/**
 * Several versions of a rule evaluated over one reading of the input: each event the reader yields is
 * tested against every version's index patterns and query, and fed to that version's own scanner
 * (createScanner), so each version keeps its own new-terms fields, history window, time field and
 * schedule. A version's alerts are therefore exactly what `scan --rule-version N` gives on the same
 * events; the reader only has to yield a superset of every version's matches, in input order (see
 * `unionQuery`).
 *
 *   const cmp = createComparer(versions, { space: 'default' });
 *   for (const ev of events) cmp.add(ev);
 *   const { perVersion, pairs } = cmp.finish();
 *
 * Alerts are attributed to the events they came from through `kibana.alert.ancestors` (the source's
 * _index/_id, derived for bare documents as the scanner derives them), so the versions can be compared
 * event by event: an alert is *gained* by the later version of a pair when it alerts on an event the
 * earlier one did not, *lost* when the reverse. Each difference gets a reason (compare-reasons.ts).
 */
import type { SourceEvent } from '../io/types.js';
import type { KueryNode } from '../kql/ast.js';
import { compileKql, type EventPredicate } from '../kql/compile.js';
import { queryFields } from '../kql/query-fields.js';
import { fieldTypeTable } from '../ecs/field-types.js';
import { compileIndexFilter, type IndexFilter } from '../rule/index-patterns.js';
import type { Rule } from '../rule/schema.js';
import { eventIdentity } from './alert-id.js';
import type { AlertContext, AlertDocument, AlertInput } from './alert.js';
import { formatTime } from '../ecs/time.js';
import { explainDifference, type DifferenceReason } from './compare-reasons.js';
import { createScanner, type ScanOptions, type ScanResult, type Scanner } from './scan.js';
import { defaultQueryNow } from '../ecs/query-clock.js';

export interface VersionUnderTest {
  version: number;
  rule: Rule;
  ast: KueryNode;
}

/** What every version shares: the schedule overrides a user gives, the space, the clock. */
export type CompareOptions = Omit<ScanOptions, 'mode' | 'state' | 'interval' | 'from' | 'historyWindowStart' | 'maxSignals'>;

/**
 * The fields of an alert that say which alert it is (run, id, source event, new terms), for a
 * comparer that reports events rather than documents: `compare --all` creates thousands of alerts,
 * and the full document (the whole source plus some 60 rule fields) was most of their cost.
 */
export function identityAlert(ctx: AlertContext, input: AlertInput): AlertDocument {
  const doc: AlertDocument = {
    '@timestamp': formatTime(input.runTime),
    'kibana.alert.uuid': input.alertUuid,
    'kibana.alert.rule.uuid': ctx.ruleUuid,
    'kibana.alert.ancestors': [{ id: input.identity.id, type: 'event', index: input.identity.index, depth: 0 }],
  };
  if (ctx.mode === 'new_terms' && input.newTerms) doc['kibana.alert.new_terms'] = [...input.newTerms];
  return doc;
}

/** One event the versions disagree on, kept by the comparer (the event's source is the reader's object). */
export interface EventRecord {
  event: SourceEvent;
  /** Input order among the kept events. */
  seq: number;
  /** Per version (by position): in its index scope, matched by its query, alerted on. */
  inIndex: boolean[];
  matched: boolean[];
  alerted: boolean[];
}

export interface VersionOutcome {
  version: number;
  rule: Rule;
  /** Events in the version's index scope among those the reader yielded (all of them matched some version). */
  matches: number;
  alerts: number;
  result: ScanResult;
}

export interface AlertDifference {
  from: number;
  to: number;
  change: 'gained' | 'lost';
  record: EventRecord;
  reason: DifferenceReason;
}

export interface PairOutcome {
  from: number;
  to: number;
  gained: AlertDifference[];
  lost: AlertDifference[];
}

export interface CompareResult {
  versions: VersionOutcome[];
  pairs: PairOutcome[];
  /** Whether every pair alerts on the same events. */
  agree: boolean;
}

export interface Comparer {
  add(event: SourceEvent): void;
  finish(): CompareResult;
}

/**
 * The query the reader runs for all versions at once: an event some version matches matches this,
 * so its literal prefilter is the union of the versions' (an `or` demands one of its children's
 * literals), and each candidate line is decoded and parsed once.
 */
export function unionQuery(versions: readonly VersionUnderTest[]): KueryNode {
  if (versions.length === 1) return versions[0]!.ast;
  return { type: 'function', function: 'or', arguments: versions.map((v) => v.ast) };
}

/**
 * Index patterns covering every version's scope, for the reader's index filter. Exclusions
 * (`-pattern`) only remove from the expressions before them, so concatenating lists that hold one
 * could remove what another version includes: then every index is read and each version filters.
 */
export function unionIndexPatterns(versions: readonly VersionUnderTest[]): string[] {
  const all = versions.flatMap((v) => v.rule.index);
  if (all.some((p) => p.split(',').some((x) => x.trim().startsWith('-')))) return [];
  return [...new Set(all)];
}

interface Lane {
  v: VersionUnderTest;
  inIndex: IndexFilter;
  matches: EventPredicate;
  scanner: Scanner;
  matched: number;
}

const identityKey = (index: string, id: string): string => `${index}\u0000${id}`;

export function createComparer(versions: readonly VersionUnderTest[], opts: CompareOptions): Comparer {
  if (versions.length === 0) throw new Error('createComparer: no versions');
  // Field types (opts.fieldTypes): each version's query evaluated by type, as `scan` does; `now` of
  // date clauses is the comparer's clock, one instant for every version.
  const now = opts.now?.getTime() ?? defaultQueryNow();
  // The reasons for differences read the clauses the same way (compare-reasons.ts).
  const typing = { fieldTypes: opts.fieldTypes, now };
  const lanes: Lane[] = versions.map((v) => ({
    v,
    inIndex: compileIndexFilter(v.rule.index),
    matches: compileKql(v.ast, opts.fieldTypes === undefined ? {} : { fieldTypes: fieldTypeTable(opts.fieldTypes, queryFields(v.ast)), now }),
    // Each version alerts the way its rule type does, as `scan --rule-version N` would by default.
    scanner: createScanner(v.rule, { ...opts, mode: v.rule.type }),
    matched: 0,
  }));
  const records: EventRecord[] = [];

  const add = (ev: SourceEvent): void => {
    let any = false;
    const inIndex: boolean[] = [];
    const matched: boolean[] = [];
    for (const lane of lanes) {
      const i = lane.inIndex(ev.index);
      const m = lane.matches(ev.source);
      inIndex.push(i);
      matched.push(m);
      if (m) any = true;
      if (i && m) {
        lane.matched++;
        lane.scanner.add(ev);
      }
    }
    if (any) records.push({ event: ev, seq: records.length, inIndex, matched, alerted: lanes.map(() => false) });
  };

  const finish = (): CompareResult => {
    const results = lanes.map((l) => l.scanner.finish());
    attributeAlerts(records, results.map((r) => r.alerts));
    const outcomes: VersionOutcome[] = lanes.map((l, k) => ({
      version: l.v.version,
      rule: l.v.rule,
      matches: l.matched,
      alerts: results[k]!.alerts.length,
      result: results[k]!,
    }));
    const context = { versions, records, typing };
    const pairs: PairOutcome[] = [];
    for (let k = 1; k < lanes.length; k++) {
      const a = k - 1;
      const gained: AlertDifference[] = [];
      const lost: AlertDifference[] = [];
      for (const r of records) {
        if (r.alerted[a] === r.alerted[k]) continue;
        const change = r.alerted[k] ? 'gained' : 'lost';
        const diff: AlertDifference = {
          from: versions[a]!.version,
          to: versions[k]!.version,
          change,
          record: r,
          reason: explainDifference(context, r, a, k, change),
        };
        (change === 'gained' ? gained : lost).push(diff);
      }
      pairs.push({ from: versions[a]!.version, to: versions[k]!.version, gained, lost });
    }
    return { versions: outcomes, pairs, agree: pairs.every((p) => p.gained.length === 0 && p.lost.length === 0) };
  };

  return { add, finish };
}

/**
 * Marks, per version, the kept events its alerts came from. An alert names its source through
 * `kibana.alert.ancestors[0]` (_index/_id, derived for bare documents exactly as the scanner derives
 * them); identical bare documents share an identity, as they would share an _id in Elasticsearch.
 */
function attributeAlerts(records: readonly EventRecord[], alertsPerVersion: readonly (readonly AlertDocument[])[]): void {
  const byIdentity = new Map<string, EventRecord[]>();
  for (const r of records) {
    const id = eventIdentity(r.event);
    const key = identityKey(id.index, id.id);
    const list = byIdentity.get(key);
    if (list) list.push(r);
    else byIdentity.set(key, [r]);
  }
  alertsPerVersion.forEach((alerts, k) => {
    for (const alert of alerts) {
      const ancestors = alert['kibana.alert.ancestors'] as Array<{ id: string; index: string }> | undefined;
      const a = ancestors?.[0];
      if (a === undefined) continue;
      for (const r of byIdentity.get(identityKey(a.index, a.id)) ?? []) {
        if (r.inIndex[k] && r.matched[k]) r.alerted[k] = true;
      }
    }
  });
}
