/** Test support: temp directories and collecting everything `readEvents` yields. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { Accounting } from '../../src/io/accounting.js';
import { readEvents, type ReadEventsOptions } from '../../src/io/read-events.js';
import type { SourceEvent } from '../../src/io/types.js';

const dirs: string[] = [];

/** A fresh temp directory, removed after the test. */
export function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'kmod-io-'));
  dirs.push(d);
  return d;
}

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

export async function readAll(
  inputs: string[],
  opts: ReadEventsOptions = {},
  acct: Accounting = new Accounting(),
): Promise<{ events: SourceEvent[]; acct: Accounting }> {
  const events: SourceEvent[] = [];
  for await (const batch of readEvents(inputs, opts, acct)) for (const e of batch) events.push(e);
  return { events, acct };
}

export const FIXTURES = new URL('../../fixtures/', import.meta.url).pathname;
