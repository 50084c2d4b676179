/**
 * How the report's chart library was chosen (README, "HTML report"): the same timeline (hosts × time,
 * four fate colours) in uPlot, ECharts, Vega-Lite and Observable Plot, each page self-contained, opened
 * in Debian's chromium three times: inlined size, script start to two painted frames, a zoom.
 *   CANDIDATES=/tmp/chart-candidates node test/bench/chart-candidates/measure.mjs
 * (the candidates are not dependencies: install them under $CANDIDATES first, see pages.mjs).
 */
import { createRequire } from 'node:module';
const { chromium } = createRequire(`${process.env.CANDIDATES ?? '/tmp/chart-candidates'}/`)('playwright-core');
import { statSync } from 'node:fs';
import { page } from './pages.mjs';
const sizes = [[40, 25], [40, 5000]];
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'] });
for (const [h, n] of sizes) for (const name of ['uplot', 'echarts', 'vegalite', 'plot']) {
  const f = page(name, h, n);
  const res = [];
  for (let rep = 0; rep < 3; rep++) {
    const ctx = await browser.newContext(); const p = await ctx.newPage();
    const t0 = Date.now();
    await p.goto('file://' + f);
    const render = await p.evaluate(() => window.ready);
    const load = Date.now() - t0;
    const zoom = await p.evaluate(async () => { const t = performance.now(); const a = Date.parse('2024-05-14T06:00:00Z'); await window.zoom(a, a + 3600e3); await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r))); return performance.now() - t; });
    res.push({ render: Math.round(render), load, zoom: Math.round(zoom) });
    await ctx.close();
  }
  const med = k => res.map(r => r[k]).sort((a, b) => a - b)[1];
  console.log(`${name.padEnd(9)} ${h}x${n} html=${(statSync(f).size/1024).toFixed(0)}KB render(script→2 frames)=${med('render')}ms goto→ready=${med('load')}ms zoom=${med('zoom')}ms`);
}
await browser.close();
