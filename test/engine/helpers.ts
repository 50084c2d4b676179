/** Builders shared by the engine tests: events with just the fields the engine reads. */
import type { SourceEvent } from '../../src/io/types.js';
import { BUILTIN_RULE } from '../../src/rule/builtin.js';
import { createScanner, type ScanOptions, type ScanResult } from '../../src/engine/scan.js';

export const RULE = BUILTIN_RULE;
export const RULE_UUID = '9a1b2c3d-0000-4000-8000-000000000001';
export const DAY = 86_400_000;
export const MIN = 60_000;

export interface EvSpec {
  /** @timestamp */
  ts?: string | number;
  ingested?: string | number | unknown[];
  exe?: unknown;
  parent?: unknown;
  id?: string;
  index?: string;
  extra?: Record<string, unknown>;
}

let line = 0;
export function ev(spec: EvSpec): SourceEvent {
  const source: Record<string, unknown> = { ...spec.extra };
  if (spec.ts !== undefined) source['@timestamp'] = typeof spec.ts === 'number' ? new Date(spec.ts).toISOString() : spec.ts;
  const event: Record<string, unknown> = { kind: 'event', category: ['process'] };
  if (spec.ingested !== undefined) {
    event.ingested = typeof spec.ingested === 'number' ? new Date(spec.ingested).toISOString() : spec.ingested;
  }
  source.event = event;
  const process: Record<string, unknown> = { name: 'lsmod' };
  if (spec.exe !== undefined) process.executable = spec.exe;
  if (spec.parent !== undefined) process.parent = { executable: spec.parent, name: 'bash' };
  source.process = process;
  const out: SourceEvent = { source, origin: { file: 'test.ndjson', line: ++line } };
  if (spec.index !== undefined) out.index = spec.index;
  if (spec.id !== undefined) out.id = spec.id;
  return out;
}

export function scan(events: SourceEvent[], opts: Partial<ScanOptions> = {}): ScanResult {
  const s = createScanner(RULE, { mode: 'new_terms', ruleUuid: RULE_UUID, now: new Date('2024-06-01T00:00:00Z'), ...opts });
  for (const e of events) s.add(e);
  return s.finish();
}

export const at = (s: string) => Date.parse(s);

/** The fields of an alert that identify it: run time, id, terms, source line. */
export function brief(r: ScanResult): Array<[string, string, unknown]> {
  return r.alerts.map((a) => [a['@timestamp'], a['kibana.alert.uuid'], a['kibana.alert.new_terms']]);
}
