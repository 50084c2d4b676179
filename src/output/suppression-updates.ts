/**
 * Alerts already written (by an earlier `--state` invocation, or an earlier step of `--follow`) that
 * alert suppression updated: a stream cannot take back a document it printed, so each update is said
 * on stderr, one line per alert, with the fields Kibana's bulk update rewrites (the library returns
 * the same partial documents: ScanResult.updates).
 */
import type { AlertUpdate } from '../engine/suppression-run.js';
import { alertsIndex } from './bulk.js';

export function suppressionUpdateLine(u: AlertUpdate): string {
  return (
    `kmod-enum-detect: alert ${u['kibana.alert.uuid']} (written earlier) updated by alert suppression: ` +
    `kibana.alert.suppression.docs_count ${u['kibana.alert.suppression.docs_count']}, ` +
    `kibana.alert.suppression.end ${u['kibana.alert.suppression.end']}, ` +
    `kibana.alert.last_detected ${u['kibana.alert.last_detected']}\n`
  );
}

/**
 * `--format bulk`: the update as Kibana's own bulk body writes it (alertWithSuppression: an `update`
 * action on the alert's id with the partial document), so the output replays onto a cluster: the
 * alerts created, then the updates to alerts created by an earlier invocation.
 */
export function bulkUpdatePair(u: AlertUpdate, space?: string): string {
  const { 'kibana.alert.uuid': id, ...doc } = u;
  return `${JSON.stringify({ update: { _index: alertsIndex(space), _id: id, require_alias: false } })}\n${JSON.stringify({ doc })}\n`;
}

export function writeSuppressionUpdates(updates: readonly AlertUpdate[], stream: NodeJS.WritableStream = process.stderr): void {
  for (const u of updates) stream.write(suppressionUpdateLine(u));
}
