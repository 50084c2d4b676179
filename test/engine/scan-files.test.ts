/**
 * scanFiles, the library's one-call scan, against its parts wired by hand (readEvents, the compiled
 * query, createScanner): the same alerts, summary and warnings; the rule's own type picks the mode;
 * configuration errors come before any input is read.
 */
import { describe, expect, it } from 'vitest';
import { createFileScan, defaultMode, scanFiles } from '../../src/engine/scan-files.js';
import { createScanner, ScanConfigError } from '../../src/engine/scan.js';
import { Accounting } from '../../src/io/accounting.js';
import { InputError } from '../../src/io/errors.js';
import { readEvents } from '../../src/io/read-events.js';
import { compileKql } from '../../src/kql/compile.js';
import { BUILTIN_RULE } from '../../src/rule/builtin.js';
import { compileIndexFilter } from '../../src/rule/index-patterns.js';

const DEMO = 'fixtures/demo/events.ndjson';
const NOW = new Date('2024-05-20T00:00:00Z');

async function byHand(mode: 'new_terms' | 'query') {
  const predicate = compileKql(BUILTIN_RULE.query);
  const scanner = createScanner(BUILTIN_RULE, { mode, now: NOW });
  const acct = new Accounting();
  for await (const batch of readEvents([DEMO], { indexFilter: compileIndexFilter(BUILTIN_RULE.index) }, acct)) {
    for (const ev of batch) if (predicate(ev.source)) scanner.add(ev);
  }
  return { ...scanner.finish(), acct };
}

describe('scanFiles', () => {
  it.each(['new_terms', 'query'] as const)('gives what its parts give by hand (%s mode)', async (mode) => {
    const want = await byHand(mode);
    const got = await scanFiles([DEMO], { rule: BUILTIN_RULE, mode, now: NOW });
    expect(got.alerts.length).toBeGreaterThan(0);
    expect(got.alerts).toEqual(want.alerts);
    expect(got.summary).toEqual(want.summary);
    expect(got.warnings).toEqual(want.warnings);
    expect(got.state).toEqual(want.state);
    // The prefilter passes over lines readEvents decodes: the lines are the same, their outcome differs.
    const g = got.accounting.total;
    const w = want.acct.total;
    expect([g.read, g.blank, g.malformed]).toEqual([w.read, w.blank, w.malformed]);
    expect(g.evaluated + g.skippedByIndex + g.prefiltered).toBe(w.evaluated + w.skippedByIndex);
    expect(got.matched).toBe(want.summary.eventsAdded);
    expect(got.prefilter?.needles.length).toBeGreaterThan(0);
  });

  it('without the prefilter: the same alerts, every line parsed', async () => {
    const a = await scanFiles([DEMO], { rule: BUILTIN_RULE, now: NOW });
    const b = await scanFiles([DEMO], { rule: BUILTIN_RULE, now: NOW, prefilter: false });
    expect(b.alerts).toEqual(a.alerts);
    expect(b.prefilter).toBeNull();
    expect(b.accounting.total.prefiltered).toBe(0);
  });

  it('runs a rule in its own type unless asked otherwise', () => {
    expect(defaultMode(BUILTIN_RULE)).toBe('new_terms');
    expect(defaultMode({ ...BUILTIN_RULE, type: 'query' })).toBe('query');
    expect(createFileScan([DEMO], { rule: { ...BUILTIN_RULE, type: 'query' } }).mode).toBe('query');
  });

  it('refuses a bad schedule before reading, and names a missing input when run', async () => {
    expect(() => createFileScan(['no/such/file.ndjson'], { rule: BUILTIN_RULE, interval: 'soon' })).toThrow(ScanConfigError);
    const scan = createFileScan(['no/such/file.ndjson'], { rule: BUILTIN_RULE });
    await expect(scan.run()).rejects.toThrow(InputError);
  });

  it('stops reading when asked, and reports progress per read', async () => {
    const seen: number[] = [];
    const r = await scanFiles([DEMO, DEMO], { rule: BUILTIN_RULE, now: NOW, onProgress: (p) => seen.push(p.bytesDone), shouldStop: () => true });
    expect(seen).toHaveLength(1);
    expect(r.accounting.files.size).toBe(1);
  });
});
