/**
 * Regenerates docs/report-demo.png, the picture of the demo report in the README:
 *
 *   npm run docs:screenshot
 *
 * Writes the demo report with the built CLI, opens it from file:// in Debian's chromium, waits until
 * the page says it is ready, hovers the first alert mark and selects the first alert.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { HeadlessChromium } from './chromium.js';

const out = resolve(process.argv[2] ?? 'docs/report-demo.png');
const html = join(mkdtempSync(join(tmpdir(), 'kmod-shot-')), 'report.html');
try {
  execFileSync(process.execPath, ['dist/cli/main.js', 'report', 'fixtures/demo/events.ndjson', '-o', html, '--quiet'], { stdio: 'inherit' });
} catch (e) {
  // Exit 1 means "alerts found": the report was written.
  if ((e as { status?: number }).status !== 1) throw e;
}
const browser = await HeadlessChromium.launch();
try {
  const { page } = await browser.open(pathToFileURL(html).href);
  await page.waitForSelector('body[data-ready="true"]');
  await page.locator('#alerts-table tbody tr').first().click();
  await page.screenshot({ path: out, fullPage: true });
  process.stdout.write(`${out}\n`);
} finally {
  await browser.close();
}
