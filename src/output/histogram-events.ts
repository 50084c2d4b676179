/** The histogram's collector for a rule: event times read as the rule reads them (its timestamp override). */
import { eventTimeOf, timestampFieldsOf } from '../ecs/time.js';
import type { Rule } from '../rule/schema.js';
import { HostTimelineCollector } from './histogram.js';

export function timelineCollector(rule: Rule): HostTimelineCollector {
  const fields = timestampFieldsOf(rule);
  return new HostTimelineCollector((doc) => {
    const t = eventTimeOf(doc, fields);
    return t.ok ? t.ms : undefined;
  });
}
