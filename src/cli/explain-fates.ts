/**
 * `explain`'s answer to "why no alert?": a first pass over the inputs runs the engine as `scan` would
 * (same options, same index patterns, same --since/--until) through the fate tracer
 * (src/engine/fate.ts), keeping per matching event only its fate; the second pass, which prints the
 * explanations, looks each event's fate up by where it was read. Two passes keep memory bounded by
 * the matching events rather than by the output; stdin, which can be read once only, is first
 * copied to a temporary file.
 */
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createFateTracer, type EventFateRecord } from '../engine/fate.js';
import type { ScanOptions as EngineOptions } from '../engine/scan.js';
import { Accounting } from '../io/accounting.js';
import { readEvents } from '../io/read-events.js';
import type { SourceEvent } from '../io/types.js';
import type { Rule } from '../rule/schema.js';
import { sourceName } from '../output/explain.js';
import { createEngine } from './engine-options.js';

/** Inputs that can be read twice: stdin (`-`, or no input) copied to a file; `display` maps it back to `-`. */
export interface Rereadable {
  inputs: string[];
  /** The name an input's events carry for people (the temporary file's is `-`). */
  display(file: string): string;
  cleanup(): void;
}

export async function rereadable(inputs: readonly string[]): Promise<Rereadable> {
  const wantsStdin = inputs.length === 0 || inputs.includes('-');
  if (!wantsStdin) return { inputs: [...inputs], display: (f) => f, cleanup: () => {} };
  const dir = mkdtempSync(join(tmpdir(), 'kmod-explain-'));
  const copy = join(dir, 'stdin');
  const out = createWriteStream(copy);
  await once(out, 'open');
  await pipeline(process.stdin, out);
  return {
    inputs: inputs.length === 0 ? [copy] : inputs.map((i) => (i === '-' ? copy : i)),
    display: (f) => (f === copy ? '-' : f),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Where an event was read: file, line, and its place among the events of that line (a search response holds many). */
export type EventKey = string;

/** Numbers the events of each line in reading order, the same way in both passes. */
export function eventKeys(): (ev: SourceEvent) => EventKey {
  let lastFile = '';
  let lastLine = -1;
  let k = 0;
  return (ev) => {
    if (ev.origin.file === lastFile && ev.origin.line === lastLine) k++;
    else {
      lastFile = ev.origin.file;
      lastLine = ev.origin.line;
      k = 0;
    }
    return `${ev.origin.file}\n${ev.origin.line}\n${k}`;
  };
}

export interface FateSelection {
  /** Whether the query matches the event. */
  matches(source: Record<string, unknown>): boolean;
  /** The rule's index patterns. */
  inScope(index: string | undefined): boolean;
  /** --since/--until; undefined when not given. */
  inTime?: (source: Record<string, unknown>) => boolean;
}

export interface Fates {
  /** The fate of a matching event, or `since-until` when --since/--until left it out. */
  of(key: EventKey): EventFateRecord | 'since-until' | undefined;
}

/** Pass 1: every matching event's fate, as the scan with `engineOpts` decides it. */
export async function computeFates(rule: Rule, engineOpts: EngineOptions, src: Rereadable, select: FateSelection): Promise<Fates> {
  const tracer = createEngine(() => createFateTracer(rule, engineOpts));
  const seqs = new Map<EventKey, number | 'since-until'>();
  const keyOf = eventKeys();
  // Bad lines are reported by the second pass; this one only needs the events.
  const acct = new Accounting();
  for await (const batch of readEvents(src.inputs, { strict: false }, acct)) {
    for (const raw of batch) {
      const key = keyOf(raw);
      if (!select.matches(raw.source)) continue;
      // Fates name where their witnesses were read as people read it (stdin, not a temporary file).
      const ev: SourceEvent = { ...raw, origin: { file: sourceName(src.display(raw.origin.file)), line: raw.origin.line } };
      if (!select.inScope(ev.index)) seqs.set(key, tracer.addOutsideIndex(ev));
      else if (select.inTime && !select.inTime(ev.source)) seqs.set(key, 'since-until');
      else seqs.set(key, tracer.add(ev));
    }
  }
  const { fates } = tracer.finish();
  return {
    of(key) {
      const s = seqs.get(key);
      return s === undefined || s === 'since-until' ? s : fates[s];
    },
  };
}
