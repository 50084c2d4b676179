/**
 * The source event an alert was built from, rebuilt from the alert document: the document without
 * its flat `kibana.*` keys, with `event.kind` as the source had it (the alert overwrites it with
 * `signal` and keeps the original in `kibana.alert.original_event.kind`). This is what Kibana
 * evaluated the query on, so explanations of an alert are computed on it.
 */
import type { AlertDocument } from './alert.js';

export function sourceOfAlert(alert: AlertDocument): Record<string, unknown> {
  const source: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(alert)) if (!k.startsWith('kibana.')) source[k] = v;
  const event = source['event'];
  if (typeof event === 'object' && event !== null && !Array.isArray(event)) {
    const restored: Record<string, unknown> = { ...(event as Record<string, unknown>) };
    const original = alert['kibana.alert.original_event.kind'];
    if (original === undefined) delete restored['kind'];
    else restored['kind'] = original;
    source['event'] = restored;
  }
  return source;
}
