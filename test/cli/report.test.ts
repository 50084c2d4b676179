/**
 * `report` end to end, what only the CLI does: the file it writes (self-contained, nothing external,
 * the scan's alerts), options shared with scan, usage errors, and its agreement with `explain` on
 * near misses. The page itself is tested in chromium (test/browser/).
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO, once, parseNdjson, runCli, STACK_FRAME, tempDir } from './run-cli.js';
import type { ReportData } from '../../src/output/report/data.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

function dataOf(html: string): ReportData {
  const m = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html);
  expect(m).not.toBeNull();
  return JSON.parse(m![1]!) as ReportData;
}

const demo = once(async () => {
  const out = tmp.path('demo.html');
  const r = await runCli(['report', DEMO, '-o', out]);
  return { r, html: readFileSync(out, 'utf8') };
});

describe('report', () => {
  it('writes one HTML file that loads nothing from elsewhere, and exits 1 for alerts like scan', async () => {
    const { r, html } = await demo();
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^report \S+demo\.html \(\d+ KiB\): 22 matching event\(s\) on 6 host\(s\), 7 alert\(s\), 10 near miss\(es\), 7 pair\(s\)$/m);
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain(`default-src 'none'`);
    // No external resource of any kind: no src/href to a URL, no @import, no fetch.
    expect(html).not.toMatch(/<(script|link|img|iframe)[^>]+(src|href)=/i);
    expect(html).not.toMatch(/@import/);
    expect(html).toContain('uPlot');
    expect(html).toMatch(/Copyright \(c\) \d{4} Leon Sorokin/);
  });

  it('holds the same alerts as scan, and every matching event as a mark', async () => {
    const { html } = await demo();
    const scan = await runCli(['--format', 'ndjson', DEMO]);
    const alerts = parseNdjson(scan.stdout);
    const d = dataOf(html);
    expect(d.alerts.map((a) => a.id).sort()).toEqual(alerts.map((a) => a['kibana.alert.uuid']).sort());
    expect(d.counts.onTimeline).toBe(22);
    expect(d.marks.t.length + d.aggregated.length).toBe(22);
    expect(d.malformed.shown).toHaveLength(3);
    expect(d.malformed.shown[0]).toMatch(/^fixtures\/demo\/events\.ndjson:61:\d+: truncated JSON/);
  });

  it('counts as near misses exactly the events explain says the exclusions suppressed', async () => {
    const { html } = await demo();
    const explain = await runCli(['explain', '--format', 'json', DEMO]);
    const counts = parseNdjson(explain.stdout).find((o) => o['type'] === 'clause_counts') as { matchedBeforeExclusions: number; matched: number };
    expect(dataOf(html).nearMisses.total).toBe(counts.matchedBeforeExclusions - counts.matched);
  });

  it('takes scan options: --mode query alerts on every match, --max-signals truncates runs', async () => {
    const out = tmp.path('query.html');
    const r = await runCli(['report', DEMO, '-o', out, '--mode', 'query', '--max-signals', '1', '--quiet']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const d = dataOf(readFileSync(out, 'utf8'));
    expect(d.rule.mode).toBe('query');
    expect(d.rule.maxSignals).toBe(1);
    const scan = parseNdjson((await runCli(['--format', 'ndjson', DEMO, '--mode', 'query', '--max-signals', '1'])).stdout);
    expect(d.alerts).toHaveLength(scan.length);
  });

  it('keeps the new_terms history in --state like scan, so a second report finds nothing new', async () => {
    const state = tmp.path('state.json');
    const first = await runCli(['report', DEMO, '-o', tmp.path('s1.html'), '--state', state, '--quiet']);
    expect(first.code).toBe(1);
    expect(JSON.parse(readFileSync(state, 'utf8'))).toMatchObject({ format: 'kmod-enum-detect/state' });
    const again = await runCli(['report', DEMO, '-o', tmp.path('s2.html'), '--state', state, '--quiet']);
    expect(again.code).toBe(0);
    expect(dataOf(readFileSync(tmp.path('s2.html'), 'utf8')).alerts).toEqual([]);
  });

  it('waits on the --state lock like scan: a live holder makes it give up after --lock-timeout, writing no page', async () => {
    const state = tmp.path('locked.json');
    const out = tmp.path('locked.html');
    // This test process is alive: it stands for another invocation holding the lock.
    writeFileSync(`${state}.lock`, JSON.stringify({ pid: process.pid, host: hostname(), since: '2026-12-01T00:00:00.000Z', nonce: 'r' }));
    const r = await runCli(['report', DEMO, '-o', out, '-q', '--lock-timeout', '200ms', '--state', state]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`locked by process ${process.pid}`);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(state)).toBe(false);
  });

  it('walks a directory by --glob like scan, and fails on --max-malformed like scan', async () => {
    const dir = tmp.path('walk');
    mkdirSync(dir);
    copyFileSync(DEMO, join(dir, 'events.ndjson'));
    writeFileSync(join(dir, 'other.log'), 'not ndjson\n');
    const walked = await runCli(['report', dir, '--glob', '*.ndjson', '-o', tmp.path('walk.html')]);
    expect(walked.code).toBe(1);
    const d = dataOf(readFileSync(tmp.path('walk.html'), 'utf8'));
    expect(d.counts.onTimeline).toBe(22);
    expect(d.summary.find((s) => s.key === 'input')!.rows.find((row) => row.key === 'files_excluded')!.value).toBe(1);
    // The demo has three malformed lines.
    const strict = await runCli(['report', DEMO, '--max-malformed', '2', '-o', tmp.path('malformed.html')]);
    expect(strict.code).toBe(2);
    expect(strict.stderr).toMatch(/malformed/);
    expect(existsSync(tmp.path('malformed.html'))).toBe(false);
  });

  it('is a usage error without -o, naming what to give', async () => {
    const r = await runCli(['report', DEMO]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('give -o report.html');
    expect(r.stderr).not.toMatch(STACK_FRAME);
  });

  it('leaves an existing file untouched when the input cannot be read', async () => {
    const out = tmp.path('kept.html');
    writeFileSync(out, 'old');
    const r = await runCli(['report', tmp.path('missing.ndjson'), '-o', out]);
    expect(r.code).toBe(2);
    expect(readFileSync(out, 'utf8')).toBe('old');
    expect(existsSync(out)).toBe(true);
  });
});
