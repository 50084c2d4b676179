/**
 * `alert_suppression`: a rule parameter of query and new_terms rules (and others this tool refuses)
 * that groups the alerts of a rule by the values of 1 to 3 fields and writes one alert per group,
 * counting the rest into `kibana.alert.suppression.docs_count`.
 *
 * Schema as Kibana's (security_solution common/api/detection_engine/model/rule_schema/
 * common_attributes.gen.ts: AlertSuppression, AlertSuppressionGroupBy, AlertSuppressionDuration,
 * AlertSuppressionMissingFieldsStrategy). Without `duration` the suppression holds per rule execution;
 * with it, over `now-<value><unit>` from the run's start. `missing_fields_strategy` defaults to
 * `suppress` (DEFAULT_SUPPRESSION_MISSING_FIELDS_STRATEGY, common/detection_engine/constants.ts).
 *
 * History (Kibana): custom query rules got suppression per execution and over a time window in 8.7
 * (kibana#148868), generally available in 8.14 (kibana#181279); new_terms rules got it in 8.14
 * (technical preview), generally available in 8.16 (kibana#195425). Kibana applies it only with a
 * Platinum or higher license (query.ts: `hasPlatinumLicense`); this tool simulates such a license.
 */
import { z } from 'zod';

export const SUPPRESSION_DURATION_UNITS = { s: 1_000, m: 60_000, h: 3_600_000 } as const;

export const alertSuppressionSchema = z.object({
  group_by: z.array(z.string().min(1)).min(1).max(3),
  duration: z
    .object({
      value: z.number().int().min(1),
      unit: z.enum(['s', 'm', 'h']),
    })
    .optional(),
  missing_fields_strategy: z.enum(['doNotSuppress', 'suppress']).optional(),
});

/** The rule-schema entry (rule/schema.ts spreads it into ruleSchema). */
export const alertSuppressionShape = { alert_suppression: alertSuppressionSchema.optional() };

export type AlertSuppression = z.infer<typeof alertSuppressionSchema>;
export type MissingFieldsStrategy = NonNullable<AlertSuppression['missing_fields_strategy']>;

export const DEFAULT_MISSING_FIELDS_STRATEGY: MissingFieldsStrategy = 'suppress';

/** The suppression window's length in ms (`now-<value><unit>`), or undefined: per rule execution. */
export function suppressionDurationMs(s: AlertSuppression): number | undefined {
  return s.duration === undefined ? undefined : s.duration.value * SUPPRESSION_DURATION_UNITS[s.duration.unit];
}

/** Whether events missing a group_by field are grouped together (`suppress`, the default) or alerted one by one. */
export function suppressesMissingFields(s: AlertSuppression): boolean {
  return (s.missing_fields_strategy ?? DEFAULT_MISSING_FIELDS_STRATEGY) === 'suppress';
}
