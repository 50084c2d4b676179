/**
 * What `now` means in a query's date math when the caller names no instant: one instant per process
 * (when this module loads), so every clause compiled or explained in a run reads the same `now`
 * (a scan hands the same value to its worker threads through ReadJobSpec.now). Kibana's
 * Elasticsearch reads `now` when each search executes; see the README (Field types) for why the
 * tool keeps one instant per invocation.
 */
const PROCESS_NOW = Date.now();

export function defaultQueryNow(): number {
  return PROCESS_NOW;
}
