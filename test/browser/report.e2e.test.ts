/**
 * The demo report in a real browser (Debian's chromium, from file://): its marks and alerts are the
 * scan's, the alerts table filters and explains, the timeline zooms, pans and shows a mark on hover,
 * and the page makes no request beyond the file itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { DEMO, field, runCli, type Doc } from '../cli/run-cli.js';
import { chromiumAvailable, CHROMIUM, HeadlessChromium, type OpenedPage } from './chromium.js';

let dir: string;
let browser: HeadlessChromium;
let opened: OpenedPage;
let page: Page;
let url: string;
let scan: { alerts: Doc[]; summary: { input: { events_matched: number } } };

beforeAll(async () => {
  if (!chromiumAvailable()) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does it)`);
  dir = mkdtempSync(join(tmpdir(), 'kmod-report-e2e-'));
  const html = join(dir, 'report.html');
  const [report, json] = await Promise.all([runCli(['report', DEMO, '-o', html, '--quiet']), runCli([DEMO, '--format', 'json', '--quiet'])]);
  expect(report.code, report.stderr).toBe(1);
  scan = JSON.parse(json.stdout) as typeof scan;
  url = pathToFileURL(html).href;
  browser = await HeadlessChromium.launch();
  opened = await browser.open(url);
  page = opened.page;
  await page.waitForSelector('body[data-ready="true"]');
});

afterAll(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const rows = () => page.locator('#alerts-table tbody tr');

describe('the demo report in chromium', () => {
  it('shows one timeline mark per matching event and one alert row per alert of the scan', async () => {
    expect(Number(await page.locator('#timeline').getAttribute('data-marks'))).toBe(scan.summary.input.events_matched);
    // Each alert of this scan has its own source event (one combination per event).
    expect(Number(await page.locator('#timeline').getAttribute('data-alert-marks'))).toBe(scan.alerts.length);
    expect(await rows().count()).toBe(scan.alerts.length);
    expect(await rows().evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.alertId).sort())).toEqual(
      scan.alerts.map((a) => a['kibana.alert.uuid']).sort(),
    );
  });

  it('filters the alerts table by host and by text', async () => {
    const host = String(field(scan.alerts[0], 'host.name'));
    await page.selectOption('#alert-filter-host', host);
    expect(await rows().count()).toBe(scan.alerts.filter((a) => field(a, 'host.name') === host).length);
    await page.selectOption('#alert-filter-host', '');
    await page.fill('#alert-filter-text', 'depmod');
    const depmod = scan.alerts.filter((a) => String(field(a, 'process.command_line')).includes('depmod')).length;
    expect(depmod).toBeGreaterThan(0);
    expect(await rows().count()).toBe(depmod);
    await expect.poll(() => page.locator('#alert-count').textContent()).toBe(`${depmod} of ${scan.alerts.length} shown`);
    await page.fill('#alert-filter-text', '');
    expect(await rows().count()).toBe(scan.alerts.length);
  });

  it('sorts the alerts table by a column, both ways', async () => {
    const hosts = () => rows().evaluateAll((trs) => trs.map((tr) => tr.children[2]!.textContent ?? ''));
    await page.click('#alerts-table th[data-sort="host"]');
    const up = await hosts();
    expect(up).toEqual([...up].sort());
    await page.click('#alerts-table th[data-sort="host"]');
    expect(await hosts()).toEqual([...up].reverse());
  });

  it('explains a selected alert (branch and values) and shows its raw event', async () => {
    const alert = scan.alerts.find((a) => field(a, 'process.name') === 'modinfo')!;
    await page.click(`#alerts-table tr[data-alert-id="${String(alert['kibana.alert.uuid'])}"]`);
    const detail = page.locator('#alert-detail');
    await expect.poll(() => detail.locator('.explanation').textContent()).toContain('matched branch process.name:(lsmod or modinfo)');
    expect(await detail.locator('.explanation').textContent()).toContain('process.name = "modinfo"');
    const raw = JSON.parse((await detail.locator('pre.raw').textContent()) ?? '') as Doc;
    expect(field(raw, 'process.command_line')).toBe(field(alert, 'process.command_line'));
    expect(raw).not.toHaveProperty(['kibana.alert.uuid']);
  });

  it('shows time, user, command line, parent and file:line when hovering a mark', async () => {
    await page.locator('#timeline').scrollIntoViewIfNeeded();
    const over = (await page.locator('#timeline .u-over').boundingBox())!;
    const d = await page.evaluate(() => {
      const data = JSON.parse(document.getElementById('report-data')!.textContent!) as { hosts: string[]; marks: { t: number[]; h: number[] }; details: string[][] };
      const t = document.getElementById('timeline')!;
      return { data, from: Date.parse(t.dataset.from!), to: Date.parse(t.dataset.to!) };
    });
    // The first mark on the first host's row: row i sits at y = i on a reversed scale from -0.7 to hosts - 0.3.
    const i = d.data.marks.h.indexOf(0);
    const x = over.x + ((d.data.marks.t[i]! - d.from) / (d.to - d.from)) * over.width;
    const y = over.y + (0.7 / d.data.hosts.length) * over.height;
    await page.mouse.move(x, y);
    const tooltip = page.locator('#timeline .tooltip');
    await expect.poll(() => tooltip.isVisible()).toBe(true);
    const text = (await tooltip.textContent()) ?? '';
    const [user, command, parent, where] = d.data.details[i]!;
    for (const part of [`time: ${new Date(d.data.marks.t[i]!).toISOString()}`, `host: ${d.data.hosts[0]}`, `user: ${user}`, `command line: ${command}`, `parent: ${parent}`, `read from: ${where}`, 'fate:']) {
      expect(text).toContain(part);
    }
    expect(where).toMatch(/^fixtures\/demo\/events\.ndjson:\d+$/);
    await page.mouse.move(0, 0);
  });

  it('zooms, pans and resets the time axis', async () => {
    const range = async () => {
      const t = page.locator('#timeline');
      return [Date.parse((await t.getAttribute('data-from'))!), Date.parse((await t.getAttribute('data-to'))!)] as const;
    };
    const [a0, b0] = await range();
    await page.click('#timeline button[title="zoom in"]');
    const [a1, b1] = await range();
    expect(b1 - a1).toBeCloseTo((b0 - a0) / 2, -3);
    await page.click('#timeline button[title="pan right"]');
    const [a2, b2] = await range();
    expect(a2).toBeGreaterThan(a1);
    expect(b2 - a2).toBeCloseTo(b1 - a1, -3);
    await page.click('#timeline button[title="show the whole time range"]');
    expect(await range()).toEqual([a0, b0]);
  });

  it('makes no network request: only the file itself is loaded', async () => {
    expect(opened.requests).toEqual([url]);
  });
});

describe('a report with a host row above the aggregation threshold', () => {
  it('draws that row as counts per time bucket, says so, and still counts every matching event', async () => {
    const n = 2_100;
    const t0 = Date.parse('2024-05-14T00:00:00.000Z');
    const lines = Array.from({ length: n }, (_, i) => {
      const t = new Date(t0 + i * 1000).toISOString();
      return JSON.stringify({
        '@timestamp': t,
        event: { category: ['process'], type: ['start'], action: 'exec', kind: 'event' },
        host: { name: i % 100 === 0 ? 'quiet' : 'busy', os: { type: 'linux' } },
        user: { name: 'root' },
        process: { name: 'lsmod', executable: '/usr/bin/kmod', args: ['lsmod'], parent: { name: 'bash', executable: '/usr/bin/bash' } },
      });
    });
    const input = join(dir, 'busy.ndjson');
    const html = join(dir, 'busy.html');
    writeFileSync(input, `${lines.join('\n')}\n`);
    const r = await runCli(['report', input, '-o', html, '--quiet']);
    expect(r.code, r.stderr).toBe(1);
    const { page: p, requests, close } = await browser.open(pathToFileURL(html).href);
    try {
      await p.waitForSelector('body[data-ready="true"]');
      expect(Number(await p.locator('#timeline').getAttribute('data-marks'))).toBe(n);
      expect(await p.locator('#aggregation-note').textContent()).toMatch(/^1 host row\(s\) hold more than 2,000 marks and are drawn as counts per \d+ s bucket/);
      expect(requests).toEqual([pathToFileURL(html).href]);
    } finally {
      await close();
    }
  });
});
