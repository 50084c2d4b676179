/**
 * The report page's script: reads the data embedded in the page (a JSON script element) and builds
 * the sections. No network: everything it needs is in the file. When the page is ready to use,
 * `document.body.dataset.ready` is set and `window.reportReadyMs` holds the time since navigation
 * started (what the bench reports as time to interactive).
 */
import type { ReportData } from '../data.js';
import { el, num } from './dom.js';
import { renderAlerts, renderHeader, renderNearMisses, renderPairs } from './tables.js';
import { renderTimeline } from './timeline.js';

declare global {
  interface Window {
    reportReadyMs?: number;
  }
}

function start(): void {
  const text = document.getElementById('report-data')?.textContent ?? 'null';
  const data = JSON.parse(text) as ReportData;
  const app = document.getElementById('app')!;
  const timelineHost = el('div', { id: 'timeline' });
  app.append(
    renderHeader(data),
    el(
      'section',
      { id: 'timeline-section' },
      el('h2', {}, `Timeline (${num(data.counts.onTimeline)} matching events on ${num(data.hosts.length)} hosts, ${num(data.counts.alerts)} alerts)`),
      timelineHost,
    ),
    renderNearMisses(data),
    renderPairs(data),
    renderAlerts(data),
  );
  renderTimeline(data, timelineHost);
  // Two frames: the chart and tables have been laid out and painted.
  requestAnimationFrame(() =>
    requestAnimationFrame(() => {
      window.reportReadyMs = performance.now();
      document.body.dataset.ready = 'true';
    }),
  );
}

try {
  start();
} catch (e) {
  const p = document.createElement('pre');
  p.className = 'error';
  p.textContent = `The report could not be shown: ${(e as Error).message}`;
  document.body.prepend(p);
  throw e;
}
