/**
 * The rule-parameter inventory: one row per key a rule file can hold, saying what Kibana does with it
 * and what this tool does, so that no parameter is dropped silently (issue 17).
 *
 * Sources read (not copied):
 * - elastic/kibana x-pack/solutions/security/plugins/security_solution/common/api/detection_engine/
 *   model/rule_schema/rule_schemas.gen.ts (BaseRequiredFields, BaseOptionalFields,
 *   BaseDefaultableFields, ResponseFields, QueryRule*Fields, NewTermsRule*Fields and the other
 *   types' fields) and common_attributes.gen.ts;
 * - elastic/kibana …/server/lib/detection_engine/rule_types/factories/utils/build_alert.ts
 *   (buildAlertFields: which parameters reach the alert document) and
 *   …/rule_management/logic/detection_rules_client/converters/common_params_camel_to_snake.ts
 *   (what `kibana.alert.rule.parameters` holds);
 * - elastic/detection-rules detection_rules/rule.py (RuleMeta = `[metadata]`, RuleTransform =
 *   `[transform]`, BaseRuleData, QueryRuleData, NewTermsRuleData.NewTermsMapping = `[rule.new_terms]`,
 *   `threat_mappings` popped in `_post_dict_conversion`).
 *
 * Kibana's rule API validates with zod objects that are not strict: a key outside the schema of the
 * rule's type is dropped on create and import. Those keys are warned here too (by name), never kept.
 *
 * To flip a row once its parameter is honoured, change its `treatment` (one line), e.g. in `filters`
 * `treatment: 'refused'` becomes `treatment: 'honoured'`; `tool` may then say how, else a generic
 * "applied as Kibana applies it" is shown.
 */

/**
 * - `honoured`: the tool applies it as Kibana does.
 * - `carried`: copied into the alert (`kibana.alert.rule.*` / `.parameters`) unchanged; it does not
 *   change which alerts are written.
 * - `warned`: not honoured, and it changes neither which alerts are written nor what they say: a
 *   warning names it.
 * - `refused`: not honoured, and it would change which alerts are written or what they say: the rule
 *   is refused (exit 2) unless `--allow-unsupported`, then a warning names it.
 * - `not-sent`: never an input to Kibana's detection engine (detection-rules repository bookkeeping,
 *   or a field Kibana sets itself on create/import): listed by `rule show`, not warned.
 */
export type ParameterTreatment = 'honoured' | 'carried' | 'warned' | 'refused' | 'not-sent';

/** Where a key lives: a Kibana rule parameter (any format), or only in a detection-rules TOML file. */
export type ParameterSource = 'kibana' | 'toml';

export interface ParameterRow {
  source: ParameterSource;
  treatment: ParameterTreatment;
  /** What Kibana (or, for TOML-only keys, the detection-rules package build) does with it. */
  kibana: string;
  /** What this tool does with it, where more than the treatment says. */
  tool?: string;
  /** Whether a value changes anything (default: present and not null, '', [] or {}). */
  inEffect?: (value: unknown) => boolean;
}

const OTHER_TYPE = 'a parameter of another rule type, not of query or new_terms rules: Kibana\'s rule API drops it for these types';
const SET_BY_KIBANA = 'set by Kibana itself when a rule is created, imported or run (a response field): a value in a file is not an input';
const META = 'detection-rules repository metadata (`[metadata]`): used by the package build and its checks, never sent to Kibana';
const FALSE_ONLY = (v: unknown): boolean => v === false;

/**
 * Every Kibana rule parameter a query or new_terms rule can carry (and the other types' keys a file may
 * hold), keyed by its snake_case name as Kibana's API and the prebuilt-rules package write it.
 */
export const KIBANA_PARAMETERS = {
  // -- what to search and when
  type: { source: 'kibana', treatment: 'honoured', kibana: 'the rule type: query or new_terms here (others are refused with the file named)' },
  language: { source: 'kibana', treatment: 'honoured', kibana: 'the query language (default kuery); only kuery is evaluated, others are refused' },
  query: { source: 'kibana', treatment: 'honoured', kibana: 'the KQL query' },
  index: { source: 'kibana', treatment: 'honoured', kibana: 'index patterns searched; with --mapping they pick the field types' },
  data_view_id: {
    source: 'kibana',
    treatment: 'refused',
    kibana: "Kibana searches the data view's index pattern (and its runtime fields) instead of `index`",
    tool: 'a data view is not known offline',
  },
  filters: {
    source: 'kibana',
    treatment: 'honoured',
    tool: 'evaluated as Elasticsearch answers their Query DSL, by field type (kql/query-dsl/); disabled ones dropped, negated ones excluded; shown by explain and dsl; a clause kind outside the supported set is refused by name',
    kibana: 'Kibana filters (Query DSL with meta.negate / meta.disabled), ANDed with the query by buildEsQuery',
  },
  saved_id: {
    source: 'kibana',
    treatment: 'warned',
    kibana: 'a saved query id; only saved_query rules load it, a query rule runs its own `query`',
  },
  interval: { source: 'kibana', treatment: 'honoured', kibana: 'how often the rule runs (default 5m)' },
  from: { source: 'kibana', treatment: 'honoured', kibana: 'the look-back of each run, date math (default now-6m)' },
  to: { source: 'kibana', treatment: 'honoured', kibana: 'the end of each run, date math (default now)' },
  max_signals: { source: 'kibana', treatment: 'honoured', kibana: 'alerts written per run at most (default 100)' },
  timestamp_override: { source: 'kibana', treatment: 'honoured', kibana: 'the event time field searched instead of @timestamp (falling back to it)' },
  timestamp_override_fallback_disabled: { source: 'kibana', treatment: 'honoured', kibana: 'true: events without the override field are not searched by @timestamp' },
  new_terms_fields: { source: 'kibana', treatment: 'honoured', kibana: 'new_terms: the 1-3 fields whose value combination must be new' },
  history_window_start: { source: 'kibana', treatment: 'honoured', kibana: 'new_terms: how far back a combination must not have been seen' },
  enabled: {
    source: 'kibana',
    treatment: 'warned',
    kibana: 'a disabled rule does not run at all (no alerts) until enabled',
    tool: 'the rule is run as enabled: that is what you asked for',
    inEffect: FALSE_ONLY,
  },
  // -- which alerts are written
  exceptions_list: {
    source: 'kibana',
    treatment: 'honoured',
    tool: 'with --exceptions FILE (a Kibana exception-list export): the items as Kibana\'s negated exception filter; without it, a warning names the lists',
    kibana: "the referenced exception lists' items exclude events (as a negated filter)",
  },
  alert_suppression: {
    source: 'kibana',
    treatment: 'honoured',
    tool: 'grouped by group_by per run, or over duration across runs and --state invocations (engine/suppression*.ts); an alert written earlier and updated is said on stderr',
    kibana: 'one alert per group_by values per run or duration, the others counted into kibana.alert.suppression.*',
  },
  // -- what the alert says, from event values
  name: { source: 'kibana', treatment: 'honoured', kibana: 'kibana.alert.rule.name and the reason' },
  severity: { source: 'kibana', treatment: 'honoured', kibana: 'kibana.alert.severity (unless severity_mapping matches) and the reason' },
  risk_score: { source: 'kibana', treatment: 'honoured', kibana: 'kibana.alert.risk_score (unless risk_score_mapping applies)' },
  rule_name_override: {
    source: 'kibana',
    treatment: 'honoured',
    kibana: "the alert's rule name (kibana.alert.rule.name, and the reason) from this event field when it holds a string",
  },
  severity_mapping: {
    source: 'kibana',
    treatment: 'honoured',
    kibana: "the alert's severity from the highest mapping entry whose field holds its value (kibana.alert.severity, and the reason)",
  },
  risk_score_mapping: {
    source: 'kibana',
    treatment: 'honoured',
    kibana: "the alert's risk score from the first entry's field when it holds a number 0-100 (the largest of several)",
  },
  building_block_type: {
    source: 'kibana',
    treatment: 'honoured',
    kibana: 'kibana.alert.building_block_type on every alert ("default"): a building-block alert, hidden from the default alerts view',
  },
  // -- carried into the alert unchanged
  description: { source: 'kibana', treatment: 'carried', kibana: 'kibana.alert.rule.description' },
  version: { source: 'kibana', treatment: 'carried', kibana: 'kibana.alert.rule.version' },
  tags: { source: 'kibana', treatment: 'carried', kibana: 'kibana.alert.rule.tags' },
  author: { source: 'kibana', treatment: 'carried', kibana: 'kibana.alert.rule.author' },
  license: { source: 'kibana', treatment: 'carried', kibana: 'kibana.alert.rule.license' },
  false_positives: { source: 'kibana', treatment: 'carried', kibana: 'kibana.alert.rule.false_positives' },
  references: { source: 'kibana', treatment: 'carried', kibana: 'kibana.alert.rule.references' },
  threat: { source: 'kibana', treatment: 'carried', kibana: 'kibana.alert.rule.threat (MITRE ATT&CK)' },
  note: { source: 'kibana', treatment: 'carried', kibana: 'kibana.alert.rule.note (investigation guide)' },
  setup: { source: 'kibana', treatment: 'carried', kibana: "kibana.alert.rule.parameters.setup ('' when absent)" },
  related_integrations: { source: 'kibana', treatment: 'carried', kibana: 'kibana.alert.rule.parameters.related_integrations' },
  required_fields: { source: 'kibana', treatment: 'carried', kibana: 'kibana.alert.rule.parameters.required_fields (informational)' },
  investigation_fields: {
    source: 'kibana',
    treatment: 'carried',
    kibana: "kibana.alert.rule.parameters.investigation_fields ({field_names}; the legacy array form is migrated): fields the alert flyout highlights",
  },
  meta: { source: 'kibana', treatment: 'carried', kibana: 'kibana.alert.rule.parameters.meta and kibana.alert.rule.meta.* (flattened)' },
  namespace: { source: 'kibana', treatment: 'carried', kibana: 'kibana.alert.rule.namespace and kibana.alert.rule.parameters.namespace' },
  timeline_id: { source: 'kibana', treatment: 'carried', kibana: 'kibana.alert.rule.timeline_id (the timeline template to investigate in)' },
  timeline_title: { source: 'kibana', treatment: 'carried', kibana: 'kibana.alert.rule.timeline_title' },
  throttle: {
    source: 'kibana',
    treatment: 'warned',
    kibana: "deprecated rule-level notification throttle: Kibana moves it into each action's frequency on create or import",
  },
  actions: {
    source: 'kibana',
    treatment: 'carried',
    kibana: 'kibana.alert.rule.actions; Kibana also runs these connectors (notifications) after writing alerts',
    tool: 'carried into kibana.alert.rule.actions; no notification is sent',
  },
  response_actions: {
    source: 'kibana',
    treatment: 'carried',
    kibana: 'kibana.alert.rule.parameters.response_actions; Kibana also runs them (Osquery, Elastic Defend) on the alerts',
    tool: 'carried into the parameters; nothing is run',
  },
  id: { source: 'kibana', treatment: 'honoured', kibana: "the rule's saved-object id: kibana.alert.rule.uuid, from which alert ids derive" },
  rule_id: { source: 'kibana', treatment: 'honoured', kibana: 'the rule signature id: kibana.alert.rule.rule_id' },
  immutable: { source: 'kibana', treatment: 'honoured', kibana: 'true for a prebuilt rule: kibana.alert.rule.immutable' },
  rule_source: { source: 'kibana', treatment: 'honoured', kibana: 'prebuilt (external, is_customized) or custom (internal) rule: kibana.alert.rule.parameters.rule_source' },
  output_index: {
    source: 'kibana',
    treatment: 'warned',
    kibana: 'deprecated: Kibana writes alerts to .alerts-security.alerts-<space> whatever it says, and leaves it out of the alert',
  },
  // -- set by Kibana, not inputs
  created_at: { source: 'kibana', treatment: 'not-sent', kibana: SET_BY_KIBANA, tool: 'kibana.alert.rule.created_at is the simulated enable time' },
  created_by: { source: 'kibana', treatment: 'not-sent', kibana: SET_BY_KIBANA },
  updated_at: { source: 'kibana', treatment: 'not-sent', kibana: SET_BY_KIBANA },
  updated_by: { source: 'kibana', treatment: 'not-sent', kibana: SET_BY_KIBANA },
  revision: { source: 'kibana', treatment: 'not-sent', kibana: SET_BY_KIBANA },
  execution_summary: { source: 'kibana', treatment: 'not-sent', kibana: SET_BY_KIBANA },
  outcome: { source: 'kibana', treatment: 'not-sent', kibana: 'saved-object resolve outcome: ' + SET_BY_KIBANA },
  alias_target_id: { source: 'kibana', treatment: 'not-sent', kibana: 'saved-object resolve alias: ' + SET_BY_KIBANA },
  alias_purpose: { source: 'kibana', treatment: 'not-sent', kibana: 'saved-object resolve alias: ' + SET_BY_KIBANA },
  // -- other rule types' parameters
  event_category_override: { source: 'kibana', treatment: 'warned', kibana: `EQL: ${OTHER_TYPE}` },
  tiebreaker_field: { source: 'kibana', treatment: 'warned', kibana: `EQL: ${OTHER_TYPE}` },
  timestamp_field: { source: 'kibana', treatment: 'warned', kibana: `EQL: ${OTHER_TYPE}` },
  threshold: { source: 'kibana', treatment: 'warned', kibana: `threshold: ${OTHER_TYPE}` },
  threat_query: { source: 'kibana', treatment: 'warned', kibana: `indicator match: ${OTHER_TYPE}` },
  threat_mapping: { source: 'kibana', treatment: 'warned', kibana: `indicator match: ${OTHER_TYPE}` },
  threat_index: { source: 'kibana', treatment: 'warned', kibana: `indicator match: ${OTHER_TYPE}` },
  threat_filters: { source: 'kibana', treatment: 'warned', kibana: `indicator match: ${OTHER_TYPE}` },
  threat_indicator_path: { source: 'kibana', treatment: 'warned', kibana: `indicator match: ${OTHER_TYPE}` },
  threat_language: { source: 'kibana', treatment: 'warned', kibana: `indicator match: ${OTHER_TYPE}` },
  concurrent_searches: { source: 'kibana', treatment: 'warned', kibana: `indicator match: ${OTHER_TYPE}` },
  items_per_search: { source: 'kibana', treatment: 'warned', kibana: `indicator match: ${OTHER_TYPE}` },
  anomaly_threshold: { source: 'kibana', treatment: 'warned', kibana: `machine learning: ${OTHER_TYPE}` },
  machine_learning_job_id: { source: 'kibana', treatment: 'warned', kibana: `machine learning: ${OTHER_TYPE}` },
} as const satisfies Record<string, ParameterRow>;

/**
 * Keys only a detection-rules TOML file holds, by their path in the file (`metadata.<key>`,
 * `transform`, `rule.<key>`).
 */
export const TOML_PARAMETERS = {
  'rule.new_terms': {
    source: 'toml',
    treatment: 'honoured',
    kibana: '{field = "new_terms_fields", value = [...], history_window_start = [{field, value}]}: the package build turns it into new_terms_fields and history_window_start',
  },
  transform: {
    source: 'toml',
    treatment: 'honoured',
    kibana: 'Osquery / Investigate entries the package build renders into the note ($osquery_0, $investigate_0 placeholders): kibana.alert.rule.note',
  },
  'rule.threat_mappings': {
    source: 'toml',
    treatment: 'refused',
    kibana: 'versioned ATT&CK mappings the package build emits as `threat` for the target stack (and strips): kibana.alert.rule.threat',
  },
  'rule.revision': { source: 'toml', treatment: 'not-sent', kibana: 'detection-rules bookkeeping: ' + SET_BY_KIBANA },
  'metadata.creation_date': { source: 'toml', treatment: 'not-sent', kibana: META },
  'metadata.updated_date': { source: 'toml', treatment: 'not-sent', kibana: META },
  'metadata.deprecation_date': { source: 'toml', treatment: 'not-sent', kibana: META },
  'metadata.maturity': { source: 'toml', treatment: 'not-sent', kibana: `${META} (only production rules are released)` },
  'metadata.integration': {
    source: 'toml',
    treatment: 'not-sent',
    kibana: `${META}; the build derives related_integrations from it`,
    tool: 'related_integrations are carried as the file writes them (a TOML rule usually has none)',
  },
  'metadata.min_stack_version': { source: 'toml', treatment: 'not-sent', kibana: `${META} (the oldest stack the rule is released for)` },
  'metadata.min_stack_comments': { source: 'toml', treatment: 'not-sent', kibana: META },
  'metadata.bypass_bbr_timing': { source: 'toml', treatment: 'not-sent', kibana: `${META} (skips the building-block schedule check)` },
  'metadata.comments': { source: 'toml', treatment: 'not-sent', kibana: META },
  'metadata.os_type_list': { source: 'toml', treatment: 'not-sent', kibana: META },
  'metadata.query_schema_validation': { source: 'toml', treatment: 'not-sent', kibana: META },
  'metadata.related_endpoint_rules': { source: 'toml', treatment: 'not-sent', kibana: META },
  'metadata.promotion': { source: 'toml', treatment: 'not-sent', kibana: META },
  'metadata.extended': { source: 'toml', treatment: 'not-sent', kibana: META },
  'metadata.deprecated_reason': { source: 'toml', treatment: 'not-sent', kibana: `${META} (why a rule under rules/_deprecated was retired)` },
} as const satisfies Record<string, ParameterRow>;

export type KibanaParameterName = keyof typeof KIBANA_PARAMETERS;

/** One row of the inventory with its name (for listings and the README). */
export interface NamedParameterRow extends ParameterRow {
  name: string;
}

export function parameterInventory(): NamedParameterRow[] {
  const rows: NamedParameterRow[] = [];
  for (const [name, row] of Object.entries(KIBANA_PARAMETERS)) rows.push({ name, ...(row as ParameterRow) });
  for (const [name, row] of Object.entries(TOML_PARAMETERS)) rows.push({ name, ...(row as ParameterRow) });
  return rows;
}

/** The row of a Kibana parameter name, if the inventory has one. */
export function kibanaParameter(name: string): ParameterRow | undefined {
  return Object.hasOwn(KIBANA_PARAMETERS, name) ? (KIBANA_PARAMETERS as Record<string, ParameterRow>)[name] : undefined;
}

/** The row of a TOML-only key path (`metadata.maturity`, `transform`, `rule.new_terms`), if any. */
export function tomlParameter(path: string): ParameterRow | undefined {
  return Object.hasOwn(TOML_PARAMETERS, path) ? (TOML_PARAMETERS as Record<string, ParameterRow>)[path] : undefined;
}

/** Present and not null, '', [] or {}: a value that can change something. */
export function hasEffect(row: ParameterRow | undefined, value: unknown): boolean {
  if (row?.inEffect) return row.inEffect(value);
  if (value === undefined || value === null || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

/** What the tool does with a row, in words (its `tool` text or the treatment's). */
export function toolAction(row: ParameterRow): string {
  if (row.tool !== undefined) return row.tool;
  switch (row.treatment) {
    case 'honoured':
      return 'applied as Kibana applies it';
    case 'carried':
      return 'carried into the alert unchanged';
    case 'warned':
      return 'not applied (it does not change which alerts are written or what they say)';
    case 'refused':
      return 'not applied: the rule is refused unless --allow-unsupported';
    case 'not-sent':
      return 'ignored, as Kibana never receives it';
  }
}
