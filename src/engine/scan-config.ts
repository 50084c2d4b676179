/**
 * A scan's configuration, settled before the first event: the rule with the caller's overrides, each
 * schedule parameter parsed and validated as Kibana validates it (interval, from/to, max_signals,
 * history_window_start), the state file checked against the rule it was written for, and the fixed
 * window offsets the event clusters are merged by.
 */
import type { FieldTypes } from '../ecs/field-types.js';
import { newTermsCodecs } from './new-terms-codecs.js';
import type { TermCodecs } from './new-terms.js';
import { formatTime, timestampFieldsOf, type TimestampFields } from '../ecs/time.js';
import type { Rule } from '../rule/schema.js';
import { buildAlertDocument, type AlertContext, type AlertDocument, type AlertInput, type AlertMode } from './alert.js';
import {
  DateMathError,
  fixedOffset,
  parseInterval,
  parseNamedDateMath,
  parseRuleRange,
  validateHistoryWindowStart,
  type DateMath,
} from './datemath.js';
import { ScheduleError, ruleRangeTuples } from './schedule.js';
import type { ScanObserver } from './scan-observer.js';
import { suppressionConfigOf, type SuppressionConfig } from './suppression-run.js';
import { identityMismatch, StateFileError, type LoadedState, type StateIdentity } from './state.js';

export const DEFAULT_SPACE = 'default';
export const DEFAULT_KIBANA_VERSION = '8.16.0';

/** The engine's options: the mode, the rule's identity in Kibana, schedule overrides, a state to continue. */
export interface ScanOptions {
  mode: AlertMode;
  /** The rule's saved-object id (`kibana.alert.rule.uuid`); default: the rule's `rule_id`. */
  ruleUuid?: string;
  /** Kibana space; default `default`. */
  space?: string;
  /** First run time (when the rule was enabled); default from the data or the state file. */
  start?: Date;
  /** The last run is the first scheduled run at or after this; default from the data. */
  end?: Date;
  /** Explicit run start times (late or missed runs); replaces start/end. */
  runs?: readonly Date[];
  /** Overrides of the rule's schedule parameters (validated as Kibana validates them). */
  interval?: string;
  from?: string;
  historyWindowStart?: string;
  maxSignals?: number;
  /** A state loaded with loadState, to continue from. */
  state?: LoadedState;
  kibanaVersion?: string;
  /** The wall-clock time Kibana validates the history window against; default now. */
  now?: Date;
  /**
   * Field types (ecs/field-types.ts): new_terms values are read, keyed, ordered and written by their
   * field's type. Default: every field a keyword (ignore_above 1024).
   */
  fieldTypes?: FieldTypes;
  /** Sees every tuple's decision and the schedule (the per-event fate module listens here: fate.ts). */
  observer?: ScanObserver;
  /**
   * Builds each created alert; default the full Kibana document (buildAlertDocument). `compare`
   * passes a builder of the identity fields only, since it reports events, not documents.
   */
  alertDocument?: AlertBuilder;
  /** How many events without a usable time (or nested too deep) are kept as samples (all are counted); default 10. */
  maxTimeIssues?: number;
}

export type AlertBuilder = (ctx: AlertContext, input: AlertInput) => AlertDocument;

/** Configuration problems: bad date math, interval, max_signals, runs or state for another rule. */
export class ScanConfigError extends Error {
  override readonly name = 'ScanConfigError';
}

/** Runs `fn`, turning date-math and schedule errors into ScanConfigErrors. */
export function wrapConfig<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof DateMathError || e instanceof ScheduleError) throw new ScanConfigError(e.message);
    throw e;
  }
}

export interface ScanConfig {
  mode: AlertMode;
  space: string;
  ruleUuid: string;
  /** The rule with the overrides applied. */
  rule: Rule;
  /** Run interval, ms. */
  interval: number;
  range: { from: DateMath; to: DateMath };
  /** new_terms: history_window_start. */
  history: DateMath | undefined;
  newTermsFields: readonly string[];
  /** How each new-terms field's values are read, ordered and written (undefined: all keywords). */
  termCodecs: TermCodecs | undefined;
  /** What a state file must have been written for. */
  identity: StateIdentity;
  loaded: LoadedState | undefined;
  /** The last run recorded in the state file (epoch ms), or null. */
  prevRun: number | null;
  /** Fixed offsets of `to` and of the history start from a run's time, when they are fixed. */
  toOffset: number | undefined;
  historyOffset: number | undefined;
  /** Length of a run's window (from → to), ms; 0 when not fixed. */
  windowLength: number;
  /** Events of one combination closer than this fall in one cluster (see new-terms.ts). */
  mergeGap: number;
  /**
   * With a state's last run: the start of the first window the first run after it searches. Matching
   * events at or before the last run and before this are late (run-stats.ts LateEvents).
   */
  lateBefore: number | null;
  timestampFields: TimestampFields;
  /** Builds each created alert (ScanOptions.alertDocument, default buildAlertDocument). */
  buildAlert: AlertBuilder;
  /** The rule's alert_suppression, resolved (undefined: none). */
  suppression: SuppressionConfig | undefined;
}

function withOverrides(base: Rule, opts: ScanOptions): Rule {
  const rule: Rule = {
    ...base,
    interval: opts.interval ?? base.interval,
    from: opts.from ?? base.from,
    max_signals: opts.maxSignals ?? base.max_signals,
    history_window_start: opts.historyWindowStart ?? base.history_window_start,
  };
  if (!Number.isInteger(rule.max_signals) || rule.max_signals < 1) {
    throw new ScanConfigError(`max_signals must be a positive integer (got ${rule.max_signals})`);
  }
  return rule;
}

/** new_terms mode's own parameters: the fields and a history window Kibana would accept. */
function newTermsHistory(rule: Rule, mode: AlertMode, now: Date): DateMath | undefined {
  if (mode !== 'new_terms') return undefined;
  if ((rule.new_terms_fields ?? []).length === 0) throw new ScanConfigError('new_terms mode needs the rule to have new_terms_fields');
  const hws = rule.history_window_start;
  if (hws === undefined) throw new ScanConfigError('new_terms mode needs the rule to have history_window_start');
  const history = wrapConfig(() => parseNamedDateMath(hws, 'historyWindowStart'));
  wrapConfig(() => validateHistoryWindowStart(hws, rule.from, now.getTime()));
  return history;
}

function identityOf(rule: Rule, mode: AlertMode, ruleUuid: string, space: string): StateIdentity {
  return {
    rule_id: rule.rule_id,
    rule_version: rule.version,
    rule_uuid: ruleUuid,
    space,
    mode,
    interval: rule.interval,
    from: rule.from,
    to: rule.to,
    history_window_start: mode === 'new_terms' ? (rule.history_window_start ?? null) : null,
    max_signals: rule.max_signals,
    new_terms_fields: mode === 'new_terms' ? [...(rule.new_terms_fields ?? [])] : [],
    timestamp_override: rule.timestamp_override ?? null,
    // Only with suppression, so state files of rules without it keep their identity.
    ...(rule.alert_suppression && { alert_suppression: rule.alert_suppression }),
  };
}

/** The last run of the state the scan continues from, checked against the rule and --start. */
function previousRun(loaded: LoadedState | undefined, identity: StateIdentity, start: Date | undefined): number | null {
  if (!loaded) return null;
  const diff = identityMismatch(loaded.state.identity, identity);
  if (diff) throw new StateFileError(loaded.file, 'mismatch', `belongs to another rule or schedule (${diff})`);
  const prevRun = loaded.state.lastRunTime ? Date.parse(loaded.state.lastRunTime) : null;
  if (prevRun !== null && start && start.getTime() <= prevRun) {
    throw new ScanConfigError(`--start ${formatTime(start.getTime())} is not after the last run recorded in ${loaded.file} (${formatTime(prevRun)})`);
  }
  return prevRun;
}

export function resolveScanConfig(baseRule: Rule, opts: ScanOptions): ScanConfig {
  const mode = opts.mode;
  const space = opts.space ?? DEFAULT_SPACE;
  const ruleUuid = opts.ruleUuid ?? baseRule.rule_id;
  const rule = withOverrides(baseRule, opts);
  const interval = wrapConfig(() => parseInterval(rule.interval));
  const range = wrapConfig(() => parseRuleRange(rule.from, rule.to));
  const history = newTermsHistory(rule, mode, opts.now ?? new Date());
  const identity = identityOf(rule, mode, ruleUuid, space);
  const prevRun = previousRun(opts.state, identity, opts.start);

  const fromOffset = fixedOffset(range.from);
  const toOffset = fixedOffset(range.to);
  const historyOffset = history ? fixedOffset(history) : undefined;
  const fixed = fromOffset !== undefined && toOffset !== undefined;
  return {
    mode,
    space,
    ruleUuid,
    rule,
    interval,
    range,
    history,
    newTermsFields: rule.new_terms_fields ?? [],
    termCodecs: newTermsCodecs(rule.new_terms_fields ?? [], opts.fieldTypes),
    identity,
    loaded: opts.state,
    prevRun,
    toOffset,
    historyOffset,
    windowLength: fixed ? toOffset - fromOffset : 0,
    mergeGap: fixed && historyOffset !== undefined ? Math.max(0, fromOffset - toOffset - historyOffset) : 0,
    timestampFields: timestampFieldsOf(rule),
    buildAlert: opts.alertDocument ?? buildAlertDocument,
    suppression: suppressionConfigOf(rule, opts.fieldTypes),
    lateBefore:
      prevRun === null
        ? null
        : Math.min(
            ...wrapConfig(() => ruleRangeTuples(opts.runs?.[0]?.getTime() ?? opts.start?.getTime() ?? prevRun + interval, prevRun, range, interval).windows.map((w) => w.from)),
          ),
  };
}
