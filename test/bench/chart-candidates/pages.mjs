import { readFileSync, writeFileSync } from 'node:fs';
import { data } from './data.mjs';
// Where the candidates were installed: npm install --prefix DIR uplot echarts vega vega-lite vega-embed @observablehq/plot d3 playwright-core
const nm = `${process.env.CANDIDATES ?? '/tmp/chart-candidates'}/node_modules/`;
const lib = {
  uplot: [nm + 'uplot/dist/uPlot.iife.min.js'],
  echarts: [nm + 'echarts/dist/echarts.min.js'],
  vegalite: [nm + 'vega/build/vega.min.js', nm + 'vega-lite/build/vega-lite.min.js', nm + 'vega-embed/build/vega-embed.min.js'],
  plot: [nm + 'd3/dist/d3.min.js', nm + '@observablehq/plot/dist/plot.umd.min.js'],
};
const COLORS = ['#d62728', '#7f7f7f', '#ff7f0e', '#1f77b4'];
const code = {
  uplot: `
    const xs = D.map(p=>p[0]/1000);
    const series = [0,1,2,3].map(k => D.map(p => p[2]===k ? p[1] : null));
    const u = new uPlot({ width: 1200, height: 600, mode: 1,
      scales: { x: { time: true }, y: { range: [-0.5, H - 0.5] } },
      series: [{}, ...series.map((_, k) => ({ stroke: C[k], fill: C[k], width: 0, points: { show: true, size: 6, fill: C[k] }, paths: () => null }))],
      cursor: { drag: { x: true, y: false } },
      axes: [{}, { values: (u, v) => v.map(i => 'host-' + i), splits: () => [...Array(H).keys()] }],
    }, [xs, ...series], document.getElementById('c'));
    window.zoom = (a, b) => u.setScale('x', { min: a/1000, max: b/1000 });`,
  echarts: `
    const ch = echarts.init(document.getElementById('c'), null, { width: 1200, height: 600, renderer: 'canvas' });
    ch.setOption({ animation: false, xAxis: { type: 'time' }, yAxis: { type: 'category', data: [...Array(H).keys()].map(i=>'host-'+i) },
      tooltip: { trigger: 'item' }, dataZoom: [{ type: 'inside' }, { type: 'slider' }],
      series: [0,1,2,3].map(k => ({ type: 'scatter', large: true, symbolSize: 6, itemStyle: { color: C[k] }, data: D.filter(p=>p[2]===k).map(p=>[p[0], p[1]]) })) });
    window.zoom = (a, b) => ch.dispatchAction({ type: 'dataZoom', startValue: a, endValue: b });`,
  vegalite: `
    const spec = { $schema: 'https://vega.github.io/schema/vega-lite/v5.json', width: 1100, height: 560, data: { values: D.map(p=>({t:p[0],h:'host-'+p[1],k:p[2]})) },
      mark: { type: 'point', filled: true, size: 30 }, params: [{ name: 'grid', select: 'interval', bind: 'scales', encodings: ['x'] }],
      encoding: { x: { field: 't', type: 'temporal' }, y: { field: 'h', type: 'nominal' }, color: { field: 'k', type: 'nominal', scale: { range: C } }, tooltip: [{ field: 't', type: 'temporal' }, { field: 'h' }] } };
    window.ready = vegaEmbed('#c', spec, { renderer: 'canvas', actions: false }).then(r => { window.view = r.view; });
    window.zoom = async (a, b) => { /* bound scales: set the grid signal */ await window.view.signal('grid_t', [a, b]).runAsync(); };`,
  plot: `
    const rows = D.map(p=>({t:new Date(p[0]),h:'host-'+p[1],k:p[2]}));
    const draw = (dom) => { const el = Plot.plot({ width: 1200, height: 600, x: { type: 'utc', domain: dom }, color: { range: C, domain: [0,1,2,3] }, marks: [Plot.dot(rows, { x: 't', y: 'h', fill: 'k', r: 3, title: d => d.h, clip: true })] });
      const c = document.getElementById('c'); c.replaceChildren(el); };
    draw(undefined);
    window.zoom = (a, b) => draw([new Date(a), new Date(b)]);`,
};
export function page(name, hosts, perHost) {
  const D = data(hosts, perHost);
  const libs = lib[name].map(f => readFileSync(f, 'utf8').replace(/<\/script/gi, '<\\/script')).map(s => `<script>${s}</script>`).join('\n');
  const html = `<!doctype html><html><head><meta charset=utf-8></head><body><div id=c></div>${libs}
<script>const D=${JSON.stringify(D)};const H=${hosts};const C=${JSON.stringify(COLORS)};
window.t0 = performance.now();
${code[name]}
window.ready = Promise.resolve(window.ready).then(() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(performance.now() - window.t0)))));
</script></body></html>`;
  const f = `${process.env.CANDIDATES ?? '/tmp/chart-candidates'}/${name}-${hosts}x${perHost}.html`;
  writeFileSync(f, html);
  return f;
}
