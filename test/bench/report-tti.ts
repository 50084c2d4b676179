/**
 * Time to interactive of a report in Debian's chromium: opens the file from file:// `--runs` times
 * (a fresh page each time) and reads when the page said it was ready (`window.reportReadyMs`, ms since
 * navigation started: data parsed, sections built, chart drawn, two frames painted); then times two
 * interactions on the last page: a text filter of the alerts table and a zoom of the timeline.
 * Prints one JSON line: { readyMs: median, readyMsAll, filterMs, zoomMs, bytes }.
 *
 *   tsx test/bench/report-tti.ts report.html [--runs 5]
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { HeadlessChromium } from '../browser/chromium.js';

const file = resolve(process.argv[2] ?? 'report.html');
const runsAt = process.argv.indexOf('--runs');
const runs = runsAt > 0 ? Number(process.argv[runsAt + 1]) : 5;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const browser = await HeadlessChromium.launch();
try {
  const ready: number[] = [];
  let filterMs = 0;
  let zoomMs = 0;
  for (let i = 0; i < runs; i++) {
    const { page, close } = await browser.open(pathToFileURL(file).href);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
    ready.push(await page.evaluate(() => (window as unknown as { reportReadyMs?: number }).reportReadyMs ?? Number.NaN));
    if (i === runs - 1) {
      filterMs = await page.evaluate(async () => {
        const input = document.getElementById('alert-filter-text') as HTMLInputElement;
        const t0 = performance.now();
        input.value = 'lsmod';
        input.dispatchEvent(new Event('input'));
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        return performance.now() - t0;
      });
      zoomMs = await page.evaluate(async () => {
        const zoomIn = document.querySelector('#timeline button[title="zoom in"]') as HTMLButtonElement;
        const t0 = performance.now();
        zoomIn.click();
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        return performance.now() - t0;
      });
    }
    await close();
  }
  process.stdout.write(
    `${JSON.stringify({ readyMs: Math.round(median(ready)), readyMsAll: ready.map(Math.round), filterMs: Math.round(filterMs), zoomMs: Math.round(zoomMs), bytes: statSync(file).size })}\n`,
  );
} finally {
  await browser.close();
}
