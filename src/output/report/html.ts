/**
 * The report as one self-contained HTML file: the data as JSON in a script element, the chart library
 * and the page script inlined, a Content-Security-Policy that forbids every network fetch (the page
 * opens from file:// and works offline). Pure: assets and data in, text out.
 */
import type { ReportAssets } from './assets.js';
import type { ReportData } from './model.js';
import { REPORT_CSS } from './style.js';

/** JSON safe inside a script element: no `</script>`, no `<!--`, no line separators. */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** Code safe inside a script element (library code may hold `</script` in a string). */
const inlineScript = (code: string): string => code.replace(/<\/script/gi, '<\\/script');

const escapeHtml = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

export function renderReportHtml(data: ReportData, assets: ReportAssets): string {
  const title = `${data.rule.name}: ${data.counts.alerts} alert(s) — ${data.tool.name} report`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${escapeHtml(`${data.tool.name} ${data.tool.version}`)}">
<title>${escapeHtml(title)}</title>
<style>${assets.chartCss}</style>
<style>${REPORT_CSS}</style>
</head>
<body>
<header><h1>${escapeHtml(data.rule.name)} <small>${escapeHtml(`${data.tool.name} ${data.tool.version} report`)}</small></h1></header>
<main id="app"></main>
<footer><details><summary>Third-party notice</summary><pre>${escapeHtml(assets.chartNotice)}</pre></details>
<p>Rule content © Elasticsearch B.V., Elastic License 2.0.</p></footer>
<script type="application/json" id="report-data">${scriptSafeJson(data)}</script>
<script>/*! ${assets.chartNotice.split('\n')[0]} | MIT License */
${inlineScript(assets.chartJs)}</script>
<script>${inlineScript(assets.viewerJs)}</script>
</body>
</html>
`;
}
