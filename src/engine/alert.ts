/**
 * Alert documents in the shape Kibana's detection engine writes to `.alerts-security.alerts-<space>`:
 * the source event, `event.kind: "signal"`, and flat dotted `kibana.*` keys.
 *
 * Paraphrased from elastic/kibana security_solution `rule_types/factories/utils/build_alert.ts`
 * (buildAlertFields), `transform_hit_to_alert.ts`, `utils/reason_formatters.ts` and
 * `new_terms/wrap_new_terms_alerts.ts`. Fields that only exist in a live cluster (enrichments, alert
 * URL without a public base URL) are left out; values Kibana takes from the rule's saved object are
 * given by {@link AlertContext}.
 */
import { get } from './get.js';
import { fieldTimeOf, formatTime } from '../ecs/time.js';
import type { Rule } from '../rule/schema.js';
import type { EventIdentity } from './alert-id.js';
import { ruleOrigin } from '../rule/origin.js';
import type { TermValue } from '../ecs/typed-terms.js';
import { alertOverrides } from './alert-fields/overrides.js';
import { optionalRuleFields } from './alert-fields/rule-fields.js';
import { sortedSeverityMapping } from './alert-fields/severity-mapping.js';

/** An alert as Kibana writes it to `.alerts-security.alerts-<space>`: the source event plus flat `kibana.*` keys. */
export type AlertDocument = Record<string, unknown> & {
  '@timestamp': string;
  'kibana.alert.uuid': string;
  'kibana.alert.rule.uuid': string;
};

export type AlertMode = 'new_terms' | 'query';

/** Everything about the rule and the simulated execution that the alert records. */
export interface AlertContext {
  rule: Rule;
  mode: AlertMode;
  ruleUuid: string;
  spaceId: string;
  /** When the rule was (simulated to be) created/enabled: `kibana.alert.rule.created_at`/`updated_at`. */
  ruleCreatedAt: number;
  kibanaVersion: string;
}

const RULE_TYPE_INFO: Record<AlertMode, { ruleTypeId: string; category: string }> = {
  new_terms: { ruleTypeId: 'siem.newTermsRule', category: 'New Terms Rule' },
  query: { ruleTypeId: 'siem.queryRule', category: 'Custom Query Rule' },
};

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Flattens nested objects into dotted keys under `prefix`; arrays and scalars are leaves. */
export function flattenWithPrefix(prefix: string, value: unknown, out: Record<string, unknown> = {}): Record<string, unknown> {
  if (isPlainObject(value)) {
    for (const [k, v] of Object.entries(value)) flattenWithPrefix(`${prefix}.${k}`, v, out);
  } else if (value !== undefined) {
    out[prefix] = value;
  }
  return out;
}

/** Leaves of a top-level group (`event`, `data_stream`) whether nested or written as dotted keys. */
function groupLeaves(source: Record<string, unknown>, group: string, prefix: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(source)) {
    if (k === group) flattenWithPrefix(prefix, v, out);
    else if (k.startsWith(`${group}.`)) flattenWithPrefix(`${prefix}${k.slice(group.length)}`, v, out);
  }
  return out;
}

/** Removes `event.kind` wherever the source writes it (nested or dotted). */
function withoutEventKind(source: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(source)) {
    if (k === 'event.kind') continue;
    if (k === 'event' && isPlainObject(v)) {
      const { kind: _kind, ...rest } = v;
      out[k] = rest;
      continue;
    }
    out[k] = v;
  }
  return out;
}

const STRIPPED_TOP_LEVEL = new Set(['kibana', 'signal', 'threshold_result', 'kibana.alert.threshold_result']);

/** A value counts for the reason when non-empty and not the placeholder "-" (numbers never do). */
function reasonValue(source: unknown, path: string): string | undefined {
  const v = get(source, path);
  if (v === null || v === undefined) return undefined;
  if (Array.isArray(v)) {
    if (v.length === 0 || (v.length === 1 && v[0] === '-')) return undefined;
    return v.join(', ');
  }
  if (typeof v === 'string') return v.length === 0 || v === '-' ? undefined : v;
  // Kibana checks `.length`, which a number or boolean lacks.
  return undefined;
}

/** Kibana's one reason template for all rule types (reason_formatters.ts). */
export function buildReason(source: unknown, severity: string, ruleName: string): string {
  const category = reasonValue(source, 'event.category');
  const processName = reasonValue(source, 'process.name');
  const parentName = reasonValue(source, 'process.parent.name');
  const fileName = reasonValue(source, 'file.name');
  const sourceIp = reasonValue(source, 'source.ip');
  const sourcePort = reasonValue(source, 'source.port');
  const destIp = reasonValue(source, 'destination.ip');
  const destPort = reasonValue(source, 'destination.port');
  const userName = reasonValue(source, 'user.name');
  const hostName = reasonValue(source, 'host.name');
  let r = category ? `${category} event` : 'event';
  if ([processName, parentName, fileName, sourceIp, sourcePort, destIp, destPort].some((x) => x !== undefined)) {
    r += ' with';
  }
  if (processName) r += ` process ${processName},`;
  if (parentName) r += ` parent process ${parentName},`;
  if (fileName) r += ` file ${fileName},`;
  if (sourceIp) r += ` source ${sourceIp}`;
  if (sourcePort) r += `:${sourcePort},`;
  if (destIp) r += ` destination ${destIp}`;
  if (destPort) r += `:${destPort},`;
  if (userName) r += ` by ${userName}`;
  if (hostName) r += ` on ${hostName}`;
  return `${r} created ${severity} alert ${ruleName}.`;
}

/**
 * The rule's parameters in snake_case, as `kibana.alert.rule.parameters` holds them: buildAlertFields
 * (rule_types/factories/utils/build_alert.ts) spreads commonParamsCamelToSnake and
 * typeSpecificCamelToSnake (rule_management/logic/detection_rules_client/converters/). From those:
 * `immutable`/`rule_source` say whether the rule is prebuilt (rule/origin.ts); `setup` is
 * `params.setup ?? ''`; `filters` is `params.filters`, so a rule without filters has no key once
 * serialised (JSON drops undefined).
 */
export function ruleParameters(rule: Rule, mode: AlertMode): Record<string, unknown> {
  const p: Record<string, unknown> = {
    description: rule.description,
    risk_score: rule.risk_score,
    severity: rule.severity,
    building_block_type: rule.building_block_type,
    namespace: rule.namespace,
    timeline_id: rule.timeline_id,
    timeline_title: rule.timeline_title,
    meta: rule.meta,
    rule_name_override: rule.rule_name_override,
    investigation_fields: rule.investigation_fields,
    license: rule.license,
    author: rule.author,
    false_positives: rule.false_positives,
    from: rule.from,
    rule_id: rule.rule_id,
    max_signals: rule.max_signals,
    risk_score_mapping: rule.risk_score_mapping,
    severity_mapping: severityMappingAsAlerted(rule),
    threat: rule.threat,
    to: rule.to,
    references: rule.references,
    version: rule.version,
    exceptions_list: [],
    ...ruleOrigin(rule),
    related_integrations: rule.related_integrations,
    required_fields: rule.required_fields,
    response_actions: rule.response_actions,
    setup: rule.setup ?? '',
    note: rule.note,
    timestamp_override: rule.timestamp_override,
    timestamp_override_fallback_disabled: rule.timestamp_override_fallback_disabled,
    type: mode,
    language: rule.language,
    index: rule.index,
    query: rule.query,
    filters: rule.filters, // Kibana: filters: params.filters (absent when the rule has none)
  };
  // typeSpecificCamelToSnake writes alert_suppression for query and new_terms rules alike.
  p.alert_suppression = rule.alert_suppression;
  if (mode === 'new_terms') {
    p.new_terms_fields = rule.new_terms_fields;
    p.history_window_start = rule.history_window_start;
  }
  return dropUndefined(p);
}

/**
 * The rule's severity_mapping as its alerts show it: Kibana's buildSeverityFromMapping sorts the rule's
 * own array in place before the alert is built (alert-fields/severity-mapping.ts).
 */
function severityMappingAsAlerted(rule: Rule): Rule['severity_mapping'] {
  return sortedSeverityMapping(rule.severity_mapping);
}

function dropUndefined(o: Record<string, unknown>): Record<string, unknown> {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

/** Deterministic stand-in for the per-execution uuid Kibana draws at random. */
export function executionUuid(hashHex: string): string {
  const h = hashHex.padEnd(32, '0');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((Number.parseInt(h.charAt(16), 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export interface AlertInput {
  source: Record<string, unknown>;
  identity: EventIdentity;
  alertUuid: string;
  /** The run that created the alert (its start time), epoch ms. */
  runTime: number;
  executionUuid: string;
  /** new_terms only: the combination's values in field order, as JSON values of each field's type. */
  newTerms?: readonly TermValue[];
}

/** Builds one alert document. Pure: same input, same document. */
export function buildAlertDocument(ctx: AlertContext, input: AlertInput): AlertDocument {
  const { rule } = ctx;
  const base: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(withoutEventKind(input.source))) {
    if (!STRIPPED_TOP_LEVEL.has(k)) base[k] = v;
  }
  const timestamp = formatTime(input.runTime);
  const originalTime = fieldTimeOf(input.source, '@timestamp');
  const info = RULE_TYPE_INFO[ctx.mode];
  const createdAt = formatTime(ctx.ruleCreatedAt);
  // rule_name_override, severity_mapping, risk_score_mapping: from the event (alert-fields/).
  const overrides = alertOverrides(rule, input.source);
  const fields: Record<string, unknown> = {
    '@timestamp': timestamp,
    'kibana.space_ids': [ctx.spaceId],
    'event.kind': 'signal',
    'kibana.alert.original_time': originalTime === undefined ? undefined : formatTime(originalTime),
    'kibana.alert.rule.consumer': 'siem',
    'kibana.alert.ancestors': [{ id: input.identity.id, type: 'event', index: input.identity.index, depth: 0 }],
    'kibana.alert.status': 'active',
    'kibana.alert.workflow_status': 'open',
    'kibana.alert.depth': 1,
    'kibana.alert.reason': buildReason(input.source, overrides.severity, overrides.name),
    'kibana.alert.severity': overrides.severity,
    'kibana.alert.risk_score': overrides.riskScore,
    'kibana.alert.rule.parameters': ruleParameters(rule, ctx.mode),
    'kibana.alert.rule.actions': rule.actions,
    'kibana.alert.rule.author': rule.author,
    'kibana.alert.rule.created_at': createdAt,
    'kibana.alert.rule.created_by': '',
    'kibana.alert.rule.description': rule.description,
    'kibana.alert.rule.enabled': true,
    'kibana.alert.rule.exceptions_list': [],
    'kibana.alert.rule.false_positives': rule.false_positives,
    'kibana.alert.rule.from': rule.from,
    'kibana.alert.rule.immutable': ruleOrigin(rule).immutable,
    'kibana.alert.rule.interval': rule.interval,
    'kibana.alert.rule.indices': rule.index,
    'kibana.alert.rule.license': rule.license,
    'kibana.alert.rule.max_signals': rule.max_signals,
    'kibana.alert.rule.name': overrides.name,
    'kibana.alert.rule.note': rule.note,
    'kibana.alert.rule.references': rule.references,
    'kibana.alert.rule.risk_score_mapping': rule.risk_score_mapping,
    'kibana.alert.rule.rule_id': rule.rule_id,
    'kibana.alert.rule.severity_mapping': severityMappingAsAlerted(rule),
    'kibana.alert.rule.tags': rule.tags,
    'kibana.alert.rule.threat': rule.threat,
    'kibana.alert.rule.timestamp_override': rule.timestamp_override,
    'kibana.alert.rule.to': rule.to,
    'kibana.alert.rule.type': ctx.mode,
    'kibana.alert.rule.updated_at': createdAt,
    'kibana.alert.rule.updated_by': '',
    'kibana.alert.rule.uuid': ctx.ruleUuid,
    'kibana.alert.rule.version': rule.version,
    'kibana.alert.uuid': input.alertUuid,
    'kibana.alert.workflow_tags': [],
    'kibana.alert.workflow_assignee_ids': [],
    'kibana.alert.rule.risk_score': rule.risk_score,
    'kibana.alert.rule.severity': rule.severity,
    'kibana.alert.intended_timestamp': timestamp,
    'kibana.alert.rule.execution.type': 'scheduled',
    ...optionalRuleFields(rule),
    ...flattenWithPrefix('kibana.alert.rule.meta', rule.meta),
    ...groupLeaves(input.source, 'event', 'kibana.alert.original_event'),
    ...groupLeaves(input.source, 'data_stream', 'kibana.alert.original_data_stream'),
    // Framework fields added at persistence (rule_registry get_common_alert_fields / augmentAlerts).
    // No `kibana.alert.instance.id`: in rule_registry/server/utils/create_persistence_rule_type_wrapper.ts
    // (read at the 8.x x-pack/plugins path and the 9.x x-pack/platform path) only alertWithSuppression
    // carries one (the suppression instance hash); alertWithPersistence, the path of a rule without
    // alert suppression, adds kibana.version, start, last_detected and get_common_alert_fields only.
    'kibana.alert.rule.category': info.category,
    'kibana.alert.rule.producer': 'siem',
    'kibana.alert.rule.rule_type_id': info.ruleTypeId,
    'kibana.alert.rule.revision': 0,
    'kibana.alert.rule.execution.uuid': input.executionUuid,
    'kibana.alert.rule.execution.timestamp': timestamp,
    'kibana.alert.start': timestamp,
    'kibana.alert.last_detected': timestamp,
    'kibana.version': ctx.kibanaVersion,
  };
  if (ctx.mode === 'new_terms' && input.newTerms) fields['kibana.alert.new_terms'] = [...input.newTerms];
  return { ...base, ...dropUndefined(fields) } as AlertDocument;
}
