/** `compare` as a user runs it: formats, exit codes as a CI gate, refusals. Semantics are tested in-process (test/engine/compare*.test.ts). */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { once, parseNdjson, runCli, STACK_FRAME, tempDir } from './run-cli.js';

const UPGRADE = 'fixtures/upgrade/events.ndjson';

describe('compare', () => {
  const pretty = once(() => runCli(['compare', '--versions', '210,215', '--format', 'pretty', '--no-color', UPGRADE]));

  it('prints per version matches and alerts, then each difference with its reason, and exits 1', async () => {
    const r = await pretty();
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^v210 +new_terms +12 +9$/m);
    expect(r.stdout).toMatch(/^v215 +new_terms +6 +4$/m);
    expect(r.stdout).toContain('v210 → v215: 2 alerts gained, 7 lost');
    expect(r.stdout).toContain('exclusion now fires: process.parent.name:newrelic-infra');
    expect(r.stdout).toContain('index pattern no longer covers the event');
    expect(r.stdout).toContain("v215's now-5d history does not reach back to it");
    expect(r.stderr).not.toMatch(STACK_FRAME);
  });

  it('writes one NDJSON record per difference', async () => {
    const r = await runCli(['compare', '--versions', '210,215', '--format', 'ndjson', '--quiet', UPGRADE]);
    expect(r.code).toBe(1);
    const recs = parseNdjson(r.stdout);
    expect(recs).toHaveLength(9);
    expect(recs.filter((x) => x.change === 'gained')).toHaveLength(2);
    expect(recs[0]).toMatchObject({ from: 210, to: 215, change: 'lost', event: { file: UPGRADE, line: 8 }, reason: { kind: 'new-terms' } });
    expect(r.stderr).toBe('');
  });

  it('exits 0 when the versions agree (v211 and v212 are the same rule)', async () => {
    const r = await runCli(['compare', '--versions', '211,212', '--format', 'json', UPGRADE]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { agree: boolean; pairs: Array<{ gained: unknown[]; lost: unknown[] }> };
    expect(j.agree).toBe(true);
    expect(j.pairs[0]).toMatchObject({ gained: [], lost: [] });
  });

  it('refuses the EQL version and unknown versions with a usage error', async () => {
    const eql = await runCli(['compare', '--versions', '103,104', UPGRADE]);
    expect(eql.code).toBe(2);
    expect(eql.stderr).toContain('--versions 104');
    expect(eql.stderr).toContain('EQL');
    const one = await runCli(['compare', '--versions', '210', UPGRADE]);
    expect(one.code).toBe(2);
    expect(one.stderr).toContain('at least two versions');
  });
});

describe('explain --all-versions', () => {
  it('prints per event the versions that match and why not for the others', async () => {
    const r = await runCli(['explain', '--all-versions', '--matches-only', '--no-color', UPGRADE]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${UPGRADE}:11`);
    expect(r.stdout).toContain('  matches: v206–v210');
    expect(r.stdout).toContain('  v211–v215: excluded by process.parent.name:newrelic-infra (process.parent.name = "newrelic-infra")');
  });

  it('refuses --all-versions with --rule-version', async () => {
    const r = await runCli(['explain', '--all-versions', '--rule-version', '210', UPGRADE]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--all-versions');
  });
});

describe('compare --mapping', () => {
  it('evaluates every version by the mapping\'s field types: process.name under a lowercase normalizer matches LSMOD', async () => {
    const t = tempDir();
    try {
      // The upgrade events with every process.name object member upper-cased: as keywords most no longer match.
      const upper = readFileSync(UPGRADE, 'utf8').split('\n').filter((l) => l !== '').map((l) => {
        const ev = JSON.parse(l) as { _source?: { process?: { name?: string } } };
        const p = ev._source?.process;
        if (p !== undefined && typeof p.name === 'string') p.name = p.name.toUpperCase();
        return JSON.stringify(ev);
      });
      writeFileSync(t.path('events.ndjson'), `${upper.join('\n')}\n`);
      const mapping = { 'logs-endpoint.events.process-default': { mappings: { properties: { process: { properties: { name: { type: 'keyword', normalizer: 'lowercase', ignore_above: 1024 } } } } } } };
      writeFileSync(t.path('mapping.json'), JSON.stringify(mapping));
      const args = ['compare', '--versions', '210,215', '--format', 'json', '--quiet'];
      const plain = await runCli([...args, t.path('events.ndjson')]);
      const typed = await runCli([...args, '--mapping', t.path('mapping.json'), t.path('events.ndjson')]);
      const original = await runCli([...args, UPGRADE]);
      const matches = (stdout: string) => (JSON.parse(stdout) as { versions: Array<{ version: number; matches: number }> }).versions.map((v) => [v.version, v.matches]);
      expect(matches(typed.stdout)).toEqual(matches(original.stdout));
      const [p210, p215] = matches(plain.stdout);
      const [o210, o215] = matches(original.stdout);
      expect(p210![1]! + 5).toBeLessThan(o210![1]!);
      expect(p215![1]).toBeLessThan(o215![1]!);
      expect(typed.code).toBe(original.code);
    } finally {
      t.cleanup();
    }
  });

  it('a version whose query cannot run on the mapping\'s types is a usage error naming the field', async () => {
    const t = tempDir();
    try {
      writeFileSync(t.path('mapping.json'), JSON.stringify({ i: { mappings: { properties: { process: { properties: { name: { type: 'long' } } } } } } }));
      const r = await runCli(['compare', '--versions', '210,215', '--mapping', t.path('mapping.json'), UPGRADE]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/field "process.name" is mapped as long: "lsmod" is not a number/);
      expect(r.stderr).not.toMatch(STACK_FRAME);
    } finally {
      t.cleanup();
    }
  });
});

describe('explain --all-versions --mapping', () => {
  it('gives each version\'s verdict by the mapping\'s field types', async () => {
    const t = tempDir();
    try {
      const ev = { _index: 'logs-endpoint.events.process-default', _source: { '@timestamp': '2025-06-02T01:12:00Z', event: { category: 'process', type: 'start', action: 'exec' }, host: { os: { type: 'linux' } }, process: { name: 'LSMOD', parent: { name: 'bash' } } } };
      writeFileSync(t.path('e.ndjson'), `${JSON.stringify(ev)}\n`);
      writeFileSync(t.path('mapping.json'), JSON.stringify({ i: { mappings: { properties: { process: { properties: { name: { type: 'keyword', normalizer: 'lowercase' } } } } } } }));
      const args = ['explain', '--all-versions', '--format', 'json'];
      const matchedVersions = (stdout: string) => (JSON.parse(stdout.split('\n')[0]!) as { versions: Array<{ version: number; matched: boolean }> }).versions.filter((v) => v.matched).map((v) => v.version);
      const plain = await runCli([...args, t.path('e.ndjson')]);
      const typed = await runCli([...args, '--mapping', t.path('mapping.json'), t.path('e.ndjson')]);
      expect(plain.code).toBe(0);
      expect(matchedVersions(plain.stdout)).toEqual([]);
      expect(matchedVersions(typed.stdout)).toContain(210);
    } finally {
      t.cleanup();
    }
  });
});
