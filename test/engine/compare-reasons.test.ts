/**
 * The upgrade fixture (test/fixtures-gen/upgrade.ts) was built so that v210 → v215 shows every kind
 * of difference; the reasons must name the rule change behind each one.
 */
import { describe, expect, it } from 'vitest';
import { createComparer, identityAlert, type AlertDifference } from '../../src/engine/compare.js';
import { compareInputs } from '../../src/cli/compare.js';
import { Accounting } from '../../src/io/accounting.js';
import { NOW } from './compare-support.js';
import { compareAll, loadVersions, scanVersion } from './compare-support.js';

const UPGRADE = new URL('../../fixtures/upgrade/events.ndjson', import.meta.url).pathname;
const byLine = (ds: AlertDifference[]) => new Map(ds.map((d) => [d.record.event.origin.line, d.reason]));

describe('compare reasons on the upgrade fixture (v210 → v215)', async () => {
  const versions = loadVersions([210, 215]);
  const result = await compareAll([UPGRADE], versions);
  const pair = result.pairs[0]!;
  const lost = byLine(pair.lost);
  const gained = byLine(pair.gained);

  it('alerts per version exactly as separate scans do', async () => {
    for (const [k, v] of versions.entries()) expect(result.versions[k]!.result.alerts).toEqual((await scanVersion([UPGRADE], v)).alerts);
    expect(result.agree).toBe(false);
  });

  it('names each exclusion added since v210 that now fires, with the value that triggers it', () => {
    const exclusions = pair.lost.filter((d) => d.reason.kind === 'exclusion').map((d) => d.reason.clause);
    expect(exclusions).toEqual([
      'process.parent.name:newrelic-infra',
      'process.parent.executable:/var/lib/dpkg/info/linux-modules*-generic.post*',
      'process.parent.args:/var/tmp/rpm-tmp*',
      'process.entry_leader.executable:"/usr/local/qualys/cloud-agent/bin/qualys-cloud-agent"',
    ]);
    expect(lost.get(11)!.evidence).toBe('process.parent.name = "newrelic-infra"');
  });

  it('says which index pattern no longer covers an Endgame hit, and which clause drops a bare Endgame doc', () => {
    expect(lost.get(23)).toMatchObject({ kind: 'index', pattern: 'endgame-*', version: 215 });
    expect(lost.get(25)).toMatchObject({ kind: 'clause', clause: 'event.action:exec' });
  });

  it('explains a value no longer new under v215 fields by the earlier event it repeats', () => {
    const r = lost.get(8)!;
    expect(r.kind).toBe('new-terms');
    expect(r.terms).toMatchObject({ fields: ['process.executable'], values: ['/usr/bin/kmod'], seenLine: 5 });
    expect(r.text).toContain("under v210's fields (process.executable, process.parent.executable) that earlier event is a different pair");
  });

  it('explains a pair new again under the shorter window, and an event v210 cannot pair', () => {
    const w = gained.get(33)!;
    expect(w.kind).toBe('new-terms');
    expect(w.version).toBe(210);
    expect(w.terms).toMatchObject({ values: ['/usr/sbin/depmod', '/usr/bin/dash'], seenLine: 4 });
    expect(w.text).toContain("v215's now-5d history does not reach back to it");
    expect(gained.get(40)).toMatchObject({ kind: 'no-terms', version: 210 });
  });

  it('with identity-only alert documents (what the CLI builds) finds the same alerts, runs and differences', async () => {
    const lean = await compareInputs([UPGRADE], versions, createComparer(versions, { now: NOW, alertDocument: identityAlert }), new Accounting({ strict: false }), {
      prefilter: true,
      strict: false,
      threads: 1,
      parallelMinBytes: Number.MAX_SAFE_INTEGER,
    });
    const keys = ['@timestamp', 'kibana.alert.uuid', 'kibana.alert.rule.uuid', 'kibana.alert.ancestors', 'kibana.alert.new_terms'] as const;
    const pick = (a: Record<string, unknown>) => Object.fromEntries(keys.map((k) => [k, a[k]]));
    for (const k of [0, 1]) expect(lean.versions[k]!.result.alerts.map(pick)).toEqual(result.versions[k]!.result.alerts.map(pick));
    expect(lean.pairs[0]!.lost.map((d) => d.reason)).toEqual(pair.lost.map((d) => d.reason));
    expect(lean.pairs[0]!.gained.map((d) => d.reason)).toEqual(pair.gained.map((d) => d.reason));
  });

  it('finds nothing else: two gained, seven lost', () => {
    expect([pair.gained.length, pair.lost.length]).toEqual([2, 7]);
  });
});
