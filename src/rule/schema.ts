/**
 * The rule model: the parameters of an Elastic detection rule that this tool evaluates, validated with
 * zod wherever a rule enters from outside. Field names are Kibana's snake_case rule parameters, so a
 * rule prints back the way Kibana's API and the prebuilt-rules package write it.
 */
import { z } from 'zod';
import { alertSuppressionShape } from './alert-suppression.js';
import { alertFieldsShape, carriedFieldsShape } from './schema-alert-fields.js';
import { filtersShape } from './filters.js';
import { exceptionsListShape } from './exceptions.js';

const threatEntry = z.object({
  id: z.string(),
  name: z.string(),
  reference: z.string(),
});

export const threatSchema = z.object({
  framework: z.string(),
  tactic: threatEntry,
  technique: z
    .array(threatEntry.extend({ subtechnique: z.array(threatEntry).optional() }))
    .optional(),
});

/**
 * Kibana's `rule_source` (prebuilt-rule customization): `internal` for a custom rule, `external` for
 * one installed from the prebuilt-rules package. Other keys newer Kibana versions add are kept.
 */
export const ruleSourceSchema = z.union([
  z.object({ type: z.literal('internal') }).strict(),
  z.object({ type: z.literal('external'), is_customized: z.boolean() }).passthrough(),
]);

export const ruleSchema = z.object({
  /** The rule's saved-object id in Kibana (`kibana.alert.rule.uuid`), where the source carries one (a Kibana export). */
  id: z.string().min(1).optional(),
  rule_id: z.string().min(1),
  name: z.string().min(1),
  version: z.number().int().nonnegative().default(1),
  type: z.enum(['query', 'new_terms']),
  language: z.literal('kuery'),
  query: z.string(),
  index: z.array(z.string().min(1)).min(1),
  description: z.string().default(''),
  severity: z.enum(['low', 'medium', 'high', 'critical']),
  risk_score: z.number().int().min(0).max(100),
  interval: z.string().default('5m'),
  from: z.string().default('now-6m'),
  to: z.string().default('now'),
  max_signals: z.number().int().positive().default(100),
  timestamp_override: z.string().optional(),
  timestamp_override_fallback_disabled: z.boolean().optional(),
  /** new_terms only: 1 to 3 fields (Kibana's schema). */
  new_terms_fields: z.array(z.string().min(1)).min(1).max(3).optional(),
  history_window_start: z.string().min(1).optional(),
  ...alertSuppressionShape, // rule/alert-suppression.ts
  ...filtersShape, // rule/filters.ts: Kibana filters, ANDed with the query as buildEsQuery does
  ...exceptionsListShape, // rule/exceptions.ts: references to exception lists (--exceptions FILE)
  tags: z.array(z.string()).default([]),
  threat: z.array(threatSchema).default([]),
  author: z.array(z.string()).default([]),
  license: z.string().optional(),
  false_positives: z.array(z.string()).default([]),
  references: z.array(z.string()).default([]),
  note: z.string().optional(),
  setup: z.string().optional(),
  /** True only for a rule installed from the prebuilt-rules package (rule/origin.ts). */
  immutable: z.boolean().optional(),
  rule_source: ruleSourceSchema.optional(),
  required_fields: z
    .array(z.object({ name: z.string(), type: z.string(), ecs: z.boolean().optional() }))
    .default([]),
  related_integrations: z
    .array(z.object({ package: z.string(), version: z.string(), integration: z.string().optional() }))
    .default([]),
  // Each group of parameters keeps its schema in its own module and is spread here (one line each):
  // rule/parameters.ts says what the tool does with every key.
  ...alertFieldsShape, // rule_name_override, severity_mapping, risk_score_mapping, building_block_type, investigation_fields
  ...carriedFieldsShape, // meta, namespace, timeline_id/title, actions, response_actions
});

/** A detection rule as the engine reads it (the fields of a prebuilt rule it uses, validated by ruleSchema). */
export type Rule = z.infer<typeof ruleSchema>;
export type RuleSource = z.infer<typeof ruleSourceSchema>;
