/** `rule versions` and `--rule-version` as a user runs them (what only the CLI does: wiring, exit codes). */
import { describe, expect, it } from 'vitest';
import { DEMO, parseNdjson, runCli, STACK_FRAME } from './run-cli.js';

describe('rule versions', () => {
  it('prints one row per released version with what changed under it', async () => {
    const r = await runCli(['rule', 'versions', '--no-color']);
    expect(r.code).toBe(0);
    const rows = r.stdout.split('\n').filter((l) => /^\d+ /.test(l));
    expect(rows.map((l) => Number(l.split(' ')[0]))).toEqual([1, 2, 3, 4, 5, 6, 7, 100, 101, 102, 103, 104, 204, 205, 206, 207, 208, 209, 210, 211, 212, 213, 214, 215]);
    expect(r.stdout).toContain('    exclusion process.parent.name: value added: newrelic-infra');
    expect(r.stdout).toMatch(/^104 .*eql \(eql\)/m);
  });

  it('prints JSON rows with --format json', async () => {
    const r = await runCli(['rule', 'versions', '--format', 'json']);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as Array<{ version: number; historyWindow: string | null; changes: Array<{ kind: string }> }>;
    expect(rows.find((x) => x.version === 214)!.historyWindow).toBe('now-5d');
    expect(rows.find((x) => x.version === 214)!.changes.map((c) => c.kind)).toContain('window');
  });
});

describe('--rule-version', () => {
  it('refuses EQL v104 with a usage error that names the versions that can run', async () => {
    const r = await runCli(['--rule-version', '104', DEMO]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--rule-version 104');
    expect(r.stderr).toContain('EQL');
    expect(r.stderr).toContain('204–215');
    expect(r.stderr).not.toMatch(STACK_FRAME);
  });

  it('scans with another version: v214 drops Endgame events, so its alerts carry only Defend indices', async () => {
    const r = await runCli(['--rule-version', '214', '--format', 'ndjson', '--quiet', DEMO]);
    expect(r.code).toBe(1);
    const alerts = parseNdjson(r.stdout);
    expect(alerts.length).toBeGreaterThan(0);
    for (const a of alerts) {
      expect(a['kibana.alert.rule.version']).toBe(214);
      expect(a['kibana.alert.rule.name']).toBe('Unusual Kernel Module Enumeration');
      expect((a['kibana.alert.rule.parameters'] as { new_terms_fields: string[] }).new_terms_fields).toEqual(['process.executable']);
      expect(a['kibana.alert.new_terms']).toHaveLength(1);
    }
  });

  it('shows the chosen version with rule show', async () => {
    const r = await runCli(['rule', 'show', '--rule-version', '5']);
    expect(r.code).toBe(0);
    const rule = JSON.parse(r.stdout) as { version: number; timestamp_override: string; type: string };
    expect(rule).toMatchObject({ version: 5, timestamp_override: 'event.ingested', type: 'query' });
  });
});
