/**
 * The rule parameters that set alert fields from event values or carry into the alert (issue 17 item
 * 4), as Kibana's rule schema types them (common_attributes.gen.ts: RuleNameOverride, SeverityMapping,
 * RiskScoreMapping, BuildingBlockType, InvestigationFields, RuleMetadata, AlertsIndexNamespace,
 * TimelineTemplateId/Title). Spread into rule/schema.ts's object.
 */
import { z } from 'zod';

const severity = z.enum(['low', 'medium', 'high', 'critical']);

export const severityMappingSchema = z.array(
  z.object({ field: z.string().min(1), operator: z.literal('equals'), value: z.string(), severity }),
);

export const riskScoreMappingSchema = z.array(
  z.object({
    field: z.string().min(1),
    operator: z.literal('equals'),
    value: z.string(),
    risk_score: z.number().int().min(0).max(100).optional(),
  }),
);

/**
 * `{field_names: [...]}`; the legacy form (a bare array of names, 8.10) is migrated as Kibana's
 * migrateLegacyInvestigationFields does: a non-empty array becomes `{field_names}`, an empty one nothing.
 */
export const investigationFieldsSchema = z
  .union([z.object({ field_names: z.array(z.string().min(1)).min(1) }), z.array(z.string().min(1))])
  .transform((v) => (Array.isArray(v) ? (v.length > 0 ? { field_names: v } : undefined) : v));

export const alertFieldsShape = {
  rule_name_override: z.string().min(1).optional(),
  severity_mapping: severityMappingSchema.default([]),
  risk_score_mapping: riskScoreMappingSchema.default([]),
  building_block_type: z.string().min(1).optional(),
  investigation_fields: investigationFieldsSchema.optional(),
};

/** Parameters carried into the alert unchanged (rule/parameters.ts rows `carried`). */
export const carriedFieldsShape = {
  meta: z.record(z.string(), z.unknown()).optional(),
  namespace: z.string().optional(),
  timeline_id: z.string().optional(),
  timeline_title: z.string().optional(),
  actions: z.array(z.record(z.string(), z.unknown())).default([]),
  response_actions: z.array(z.record(z.string(), z.unknown())).optional(),
};
