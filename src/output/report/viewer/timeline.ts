/**
 * The timeline: one row per host, time across, a mark per matching event coloured by its fate,
 * aggregated rows as counts per time bucket, truncated runs on their own row. Drawn by uPlot
 * (inlined beside this script); zoom by dragging across or the mouse wheel, pan with the buttons or
 * the arrow keys, double-click or Reset to see everything again. Hovering shows the nearest mark.
 */
import type uPlotType from 'uplot';
import type { MarkKind, ReportData } from '../data.js';
import { el, iso, num } from './dom.js';

declare const uPlot: typeof uPlotType;

export const KIND_STYLE: Record<MarkKind, { color: string; label: string }> = {
  alerted: { color: '#d62728', label: 'alert' },
  lost: { color: '#ff7f0e', label: 'lost to max_signals' },
  'not-new': { color: '#8c8c8c', label: 'not new (pair already in history)' },
  other: { color: '#1f77b4', label: 'other (outside runs, duplicate id, no terms)' },
};

const ROW_PX = 22;
const PICK_PX = 8;

interface Entry {
  t: number;
  row: number;
  /** Index into data.details, or -1 for an aggregated bucket / a truncated run. */
  detail: number;
  kind: number;
  count?: number;
  bucketMs?: number;
  run?: string;
}

export function renderTimeline(data: ReportData, host: HTMLElement): { marks: number } {
  const kinds = data.markKinds;
  // Hosts top to bottom in name order (row i at y = i, the y scale reversed); truncated runs on a
  // row of their own above them, only when there are some.
  const truncatedRow = -1;
  const entries: Entry[] = [];
  data.marks.t.forEach((t, i) => entries.push({ t, row: data.marks.h[i]!, detail: i, kind: data.marks.k[i]! }));
  for (const a of data.aggregated) {
    for (const [start, kind, count] of a.buckets) entries.push({ t: start + a.bucketMs / 2, row: a.host, detail: -1, kind, count, bucketMs: a.bucketMs });
  }
  for (const run of data.truncatedRuns) entries.push({ t: Date.parse(run), row: truncatedRow, detail: -1, kind: -1, run });
  entries.sort((a, b) => a.t - b.t);

  // uPlot wants one x array shared by every series: one index per entry (equal times repeat).
  const xs = entries.map((e) => e.t / 1000);
  const seriesOf = (pred: (e: Entry) => boolean) => entries.map((e) => (pred(e) ? e.row : null));
  const series: Array<Array<number | null>> = [];
  const specs: uPlotType.Series[] = [{}];
  kinds.forEach((k, ki) => {
    const style = KIND_STYLE[k];
    series.push(seriesOf((e) => e.kind === ki && e.detail >= 0));
    specs.push({ label: style.label, stroke: style.color, paths: () => null, points: { show: true, size: 7, width: 1, fill: style.color, stroke: style.color } });
  });
  if (data.aggregated.length > 0) {
    kinds.forEach((k, ki) => {
      const style = KIND_STYLE[k];
      series.push(seriesOf((e) => e.kind === ki && e.detail < 0 && e.count !== undefined));
      specs.push({ label: `${style.label} (aggregated)`, stroke: style.color, paths: () => null, points: { show: true, size: 11, width: 2, fill: '#fff', stroke: style.color } });
    });
  }
  series.push(seriesOf((e) => e.kind === -1));
  specs.push({ label: 'run truncated at max_signals', stroke: '#000', paths: () => null, points: { show: true, size: 9, width: 2, fill: '#ffd400', stroke: '#000' } });

  const hasTruncated = data.truncatedRuns.length > 0;
  const labelOf = (row: number): string => (row === truncatedRow ? 'max_signals reached' : (data.hosts[row] ?? ''));
  const rowIndices = [...(hasTruncated ? [truncatedRow] : []), ...data.hosts.map((_, i) => i)];
  const rowsByIndex = new Map<number, number[]>(rowIndices.map((r) => [r, []]));
  entries.forEach((e, i) => rowsByIndex.get(e.row)?.push(i));

  const tooltip = el('div', { class: 'tooltip', role: 'tooltip', hidden: '' });
  const chartBox = el('div', { class: 'chart' });
  const width = () => Math.max(600, host.clientWidth - 8);
  const height = Math.max(160, rowIndices.length * ROW_PX + 70);
  const axisWidth = Math.min(260, 12 + 7 * Math.max(...rowIndices.map((r) => labelOf(r).length)));

  const opts: uPlotType.Options = {
    width: width(),
    height,
    legend: { show: false },
    scales: { x: { time: true }, y: { auto: false, dir: -1, range: [(hasTruncated ? -1 : 0) - 0.7, data.hosts.length - 0.3] } },
    cursor: { drag: { x: true, y: false, setScale: true }, points: { show: false } },
    axes: [
      { label: 'time (UTC)', space: 90 },
      {
        size: axisWidth,
        splits: () => rowIndices,
        values: (_u, splits) => splits.map(labelOf),
        gap: 4,
        grid: { stroke: '#eee' },
      },
    ],
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
    series: specs,
    hooks: {
      setCursor: [(u) => showNearest(u)],
      // The visible range, readable from the page (and by the browser tests).
      setScale: [
        (u, key) => {
          if (key !== 'x' || u.scales.x?.min === undefined || u.scales.x.max === undefined) return;
          host.dataset.from = iso(u.scales.x.min * 1000);
          host.dataset.to = iso(u.scales.x.max * 1000);
        },
      ],
    },
  };
  const u = new uPlot(opts, [xs, ...series] as uPlotType.AlignedData, chartBox);
  // xs is sorted; no Math.min(...xs): too many arguments for a large report.
  const full = { min: (xs[0] ?? 0) - 60, max: (xs[xs.length - 1] ?? 0) + 60 };
  u.setScale('x', full);

  function showNearest(u: uPlotType): void {
    const { left, top } = u.cursor;
    if (left === undefined || top === undefined || left < 0) {
      tooltip.hidden = true;
      return;
    }
    const row = Math.round(u.posToVal(top, 'y'));
    const candidates = rowsByIndex.get(row);
    if (!candidates || candidates.length === 0) {
      tooltip.hidden = true;
      return;
    }
    let best = -1;
    let bestPx = PICK_PX + 1;
    for (const i of candidates) {
      const px = Math.abs(u.valToPos(xs[i]!, 'x') - left);
      if (px < bestPx) {
        bestPx = px;
        best = i;
      }
    }
    if (best < 0) {
      tooltip.hidden = true;
      return;
    }
    tooltip.replaceChildren(...describe(entries[best]!));
    tooltip.hidden = false;
    const x = u.valToPos(xs[best]!, 'x') + u.over.offsetLeft;
    tooltip.style.left = `${Math.min(x + 12, chartBox.clientWidth - 380)}px`;
    tooltip.style.top = `${u.valToPos(row, 'y') + u.over.offsetTop + 12}px`;
  }

  function describe(e: Entry): Node[] {
    const line = (k: string, v: string) => el('div', {}, el('b', {}, `${k}: `), v);
    if (e.run !== undefined) return [line('run', e.run), el('div', {}, 'max_signals reached: some alerts of this run were not created')];
    const kind = kinds[e.kind]!;
    if (e.detail < 0) {
      const start = e.t - (e.bucketMs ?? 0) / 2;
      return [
        line('host', labelOf(e.row)),
        line('matches', `${num(e.count ?? 0)} ${KIND_STYLE[kind].label}`),
        line('between', `${iso(start)} and ${iso(start + (e.bucketMs ?? 0))}`),
        el('div', { class: 'note' }, 'row aggregated: counts per time bucket'),
      ];
    }
    const [user, command, parent, where, fate] = data.details[e.detail]!;
    return [
      line('time', iso(e.t)),
      line('host', labelOf(e.row)),
      line('user', user || '-'),
      line('command line', command || '-'),
      line('parent', parent || '-'),
      line('read from', where),
      line('fate', fate),
    ];
  }

  const zoom = (factor: number, centre?: number) => {
    const min = u.scales.x?.min ?? full.min;
    const max = u.scales.x?.max ?? full.max;
    const c = centre ?? (min + max) / 2;
    u.setScale('x', { min: c - (c - min) * factor, max: c + (max - c) * factor });
  };
  const pan = (fraction: number) => {
    const min = u.scales.x?.min ?? full.min;
    const max = u.scales.x?.max ?? full.max;
    const d = (max - min) * fraction;
    u.setScale('x', { min: min + d, max: max + d });
  };
  u.over.addEventListener(
    'wheel',
    (ev) => {
      ev.preventDefault();
      const rect = u.over.getBoundingClientRect();
      zoom(ev.deltaY < 0 ? 0.75 : 1 / 0.75, u.posToVal(ev.clientX - rect.left, 'x'));
    },
    { passive: false },
  );
  u.over.addEventListener('dblclick', () => u.setScale('x', full));
  u.over.addEventListener('mouseleave', () => (tooltip.hidden = true));

  const button = (label: string, title: string, fn: () => void) => {
    const b = el('button', { type: 'button', title }, label);
    b.addEventListener('click', fn);
    return b;
  };
  const controls = el(
    'div',
    { class: 'controls' },
    button('−', 'zoom out', () => zoom(1 / 0.5)),
    button('+', 'zoom in', () => zoom(0.5)),
    button('←', 'pan left', () => pan(-0.25)),
    button('→', 'pan right', () => pan(0.25)),
    button('Reset', 'show the whole time range', () => u.setScale('x', full)),
    el('span', { class: 'hint' }, 'drag across to zoom, wheel to zoom, ← → to pan, double-click to reset'),
  );
  host.tabIndex = 0;
  host.addEventListener('keydown', (ev) => {
    if (ev.key === 'ArrowLeft') pan(-0.25);
    else if (ev.key === 'ArrowRight') pan(0.25);
    else if (ev.key === '+' || ev.key === '=') zoom(0.5);
    else if (ev.key === '-') zoom(2);
    else return;
    ev.preventDefault();
  });

  const legend = el(
    'ul',
    { class: 'legend' },
    ...kinds.map((k) => el('li', {}, el('span', { class: 'swatch', style: `background:${KIND_STYLE[k].color}` }), `${KIND_STYLE[k].label}: ${num(data.counts.byKind[k])}`)),
    el('li', {}, el('span', { class: 'swatch', style: 'background:#ffd400;border:1px solid #000' }), `runs truncated at max_signals: ${num(data.truncatedRuns.length)}`),
  );
  const marks = data.marks.t.length + data.aggregated.reduce((s, a) => s + a.buckets.reduce((x, b) => x + b[2], 0), 0);
  const notes: Node[] = [];
  if (data.aggregated.length > 0) {
    notes.push(
      el(
        'p',
        { class: 'note', id: 'aggregation-note' },
        `${data.aggregated.length} host row(s) hold more than ${num(data.aggregationThreshold)} marks and are drawn as counts per ${Math.round(data.aggregated[0]!.bucketMs / 1000)} s bucket (hollow marks); hover one for its count.`,
      ),
    );
  }
  if (data.counts.withoutTime > 0) notes.push(el('p', { class: 'note' }, `${num(data.counts.withoutTime)} matching event(s) have no usable time and are not on the timeline.`));
  host.append(controls, legend, ...notes, el('div', { class: 'chart-wrap' }, chartBox, tooltip));
  host.dataset.marks = String(marks);
  host.dataset.alertMarks = String(data.counts.byKind.alerted);
  window.addEventListener('resize', () => u.setSize({ width: width(), height }));
  return { marks };
}
