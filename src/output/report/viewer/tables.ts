/** The header, near misses, pairs and alerts sections of the report page. */
import type { ReportAlert, ReportData } from '../data.js';
import { el, num, section, table } from './dom.js';

export function renderHeader(data: ReportData): HTMLElement {
  const r = data.rule;
  const ruleRows: Array<[string, string]> = [
    ['rule', `${r.name} (${r.ruleId}) version ${r.version}`],
    ['type', r.mode],
    ['loaded from', r.source],
    ['index patterns', r.index.join(', ')],
    ['new-terms fields', r.newTermsFields.join(', ') || '-'],
    ['schedule', `every ${r.interval}, from ${r.from} to ${r.to}${r.historyWindowStart ? `, history ${r.historyWindowStart}` : ''}, max_signals ${r.maxSignals}`],
    ['timestamp', r.timestampOverride ? `${r.timestampOverride}, falling back to @timestamp` : '@timestamp'],
    ['inputs', data.inputs.join(', ')],
    ['time range', `events ${data.timeRange.firstEvent ?? '-'} – ${data.timeRange.lastEvent ?? '-'}; runs ${data.timeRange.firstRun ?? '-'} – ${data.timeRange.lastRun ?? '-'}`],
  ];
  // A row's value: a count, a text, a list (records as JSON), or counts by name.
  const summaryCell = (v: (typeof data.summary)[number]['rows'][number]['value']): string => {
    if (typeof v === 'number') return num(v);
    if (typeof v === 'string') return v;
    if (Array.isArray(v)) return v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join('; ') || '-';
    return Object.entries(v).map(([k, n]) => `${k} ${num(n)}`).join(', ') || '-';
  };
  const summaries = data.summary.map((s) =>
    el(
      'div',
      { class: 'summary-section' },
      el('h3', {}, s.title),
      table(
        ['', ''],
        s.rows.map((row) => [row.label, summaryCell(row.display ?? row.value)]),
        { class: 'kv' },
      ),
    ),
  );
  const list = (id: string, title: string, items: string[], more = 0) =>
    el(
      'div',
      { id, class: 'diagnostics' },
      el('h3', {}, `${title} (${num(items.length + more)})`),
      items.length === 0 ? el('p', { class: 'note' }, 'none') : el('ul', {}, ...items.map((w) => el('li', {}, w))),
      more > 0 ? el('p', { class: 'note' }, `${num(more)} more not shown`) : null,
    );
  return section(
    'overview',
    'Overview',
    table(['', ''], ruleRows.map(([k, v]) => [k, v]), { class: 'kv', id: 'rule' }),
    el('pre', { class: 'query' }, r.query.trim()),
    el('div', { class: 'summaries' }, ...summaries),
    list('malformed', 'Malformed lines', data.malformed.shown, data.malformed.count - data.malformed.shown.length),
    list('warnings', 'Warnings', data.warnings),
    data.errors.length > 0 ? list('errors', 'Errors', data.errors) : null,
  );
}

export function renderNearMisses(data: ReportData): HTMLElement {
  const nm = data.nearMisses;
  const byExclusion = new Map<string, ReportData['nearMisses']['groups']>();
  for (const g of nm.groups) byExclusion.set(g.exclusion, [...(byExclusion.get(g.exclusion) ?? []), g]);
  return section(
    'near-misses',
    `Near misses (${num(nm.total)})`,
    el('p', { class: 'note' }, nm.note),
    nm.groups.length === 0 ? el('p', {}, 'None.') : null,
    ...[...byExclusion].map(([exclusion, groups]) =>
      el(
        'div',
        { class: 'near-miss-group' },
        el('h3', {}, `Excluded by `, el('code', {}, exclusion.replace(/\s+/g, ' '))),
        table(
          ['fired because', 'events', 'per host', 'e.g.'],
          groups.map((g) => [g.because, num(g.total), g.byHost.map(([h, n]) => `${h} ${num(n)}`).join(', '), g.samples.join(', ')]),
          { class: 'near-miss-table' },
        ),
      ),
    ),
  );
}

export function renderPairs(data: ReportData): HTMLElement {
  return section(
    'pairs',
    `Pairs (${num(data.pairs.length)})`,
    el('p', { class: 'note' }, `Every (${data.pairFields.join(', ')}) combination among the matching events, with its fate.`),
    table(
      [...data.pairFields, 'first seen', 'at', 'events', 'hosts', 'fate'],
      data.pairs.map((p) => [...p.values, p.firstSeen, p.firstSeenAt, num(p.count), p.hosts.join(', '), el('span', { class: `fate fate-${p.fate}` }, p.text)]),
      { id: 'pairs-table' },
    ),
  );
}

/** Alert rows built at once; more on demand. */
const ROWS_PER_PAGE = 300;

type SortKey = 'time' | 'run' | 'host' | 'user' | 'command' | 'parent' | 'where';
const COLUMNS: Array<[SortKey, string]> = [
  ['time', 'event time'],
  ['run', 'alert time (run)'],
  ['host', 'host'],
  ['user', 'user'],
  ['command', 'command line'],
  ['parent', 'parent'],
  ['where', 'read from'],
];

export function renderAlerts(data: ReportData): HTMLElement {
  const hosts = [...new Set(data.alerts.map((a) => a.host))].sort();
  const hostSelect = el('select', { id: 'alert-filter-host', 'aria-label': 'filter alerts by host' }, el('option', { value: '' }, 'all hosts'), ...hosts.map((h) => el('option', { value: h }, h)));
  const text = el('input', { id: 'alert-filter-text', type: 'search', placeholder: 'filter: any text', 'aria-label': 'filter alerts by text' });
  const count = el('span', { id: 'alert-count', class: 'note' });
  const tbody = el('tbody');
  const detail = el('div', { id: 'alert-detail', class: 'detail' }, el('p', { class: 'note' }, 'Select an alert to see why it matched and its event.'));
  const more = el('button', { type: 'button', id: 'alert-show-more', hidden: '' });
  let sortKey: SortKey = 'time';
  let ascending = true;
  let selected: string | undefined;
  // Rows are built a page at a time: thousands of table rows make every keystroke in the filter slow.
  let limit = ROWS_PER_PAGE;
  more.addEventListener('click', () => {
    limit += ROWS_PER_PAGE;
    draw();
  });

  const headCells = COLUMNS.map(([key, label]) => {
    const th = el('th', { 'data-sort': key, title: 'sort' }, label);
    th.addEventListener('click', () => {
      ascending = sortKey === key ? !ascending : true;
      sortKey = key;
      draw();
    });
    return th;
  });
  const haystack = (a: ReportAlert) => [a.time, a.run, a.host, a.user, a.command, a.parent, a.where, a.newTerms.join(' '), a.explanation].join('\u0000').toLowerCase();
  const texts = new Map(data.alerts.map((a) => [a.id, haystack(a)]));

  function draw(): void {
    const q = text.value.trim().toLowerCase();
    const h = hostSelect.value;
    const rows = data.alerts
      .filter((a) => (h === '' || a.host === h) && (q === '' || texts.get(a.id)!.includes(q)))
      .sort((x, y) => {
        const c = x[sortKey] < y[sortKey] ? -1 : x[sortKey] > y[sortKey] ? 1 : 0;
        return ascending ? c : -c;
      });
    tbody.replaceChildren(
      ...rows.slice(0, limit).map((a) => {
        const tr = el('tr', { 'data-alert-id': a.id, tabindex: '0', class: a.id === selected ? 'selected' : '' }, ...COLUMNS.map(([k]) => el('td', {}, a[k] || '-')));
        const pick = () => select(a);
        tr.addEventListener('click', pick);
        tr.addEventListener('keydown', (ev) => ev.key === 'Enter' && pick());
        return tr;
      }),
    );
    for (const th of headCells) th.className = th.dataset.sort === sortKey ? (ascending ? 'sorted-asc' : 'sorted-desc') : '';
    count.textContent = `${num(rows.length)} of ${num(data.alerts.length)} shown`;
    more.hidden = rows.length <= limit;
    more.textContent = `Show ${num(Math.min(ROWS_PER_PAGE, rows.length - limit))} more of ${num(rows.length - limit)} not listed`;
  }

  function select(a: ReportAlert): void {
    selected = a.id;
    for (const tr of tbody.querySelectorAll('tr')) tr.classList.toggle('selected', tr.dataset.alertId === a.id);
    const parts: Array<HTMLElement | null> = [
      el('h3', {}, `Alert ${a.id}`),
      el('p', { class: 'explanation' }, a.explanation),
      a.branches.length > 0
        ? table(
            ['branch (or)', 'taken', 'values'],
            a.branches.map((b) => [el('code', {}, b.clause.length > 100 ? `${b.clause.slice(0, 97)}…` : b.clause), el('code', {}, b.taken), b.evidence]),
            { class: 'branches' },
          )
        : null,
      table(['', ''], [['new terms', a.newTerms.join(', ') || '-'], ['read from', a.where], ['alert time (run)', a.run], ['event time', a.time]], { class: 'kv' }),
      el('h4', {}, 'Event'),
      el('pre', { class: 'raw' }, a.raw),
    ];
    detail.replaceChildren(...parts.filter((n): n is HTMLElement => n !== null));
  }

  const redraw = () => {
    limit = ROWS_PER_PAGE;
    draw();
  };
  text.addEventListener('input', redraw);
  hostSelect.addEventListener('change', redraw);
  draw();
  return section(
    'alerts',
    `Alerts (${num(data.alerts.length)})`,
    el('div', { class: 'filters' }, hostSelect, text, count),
    el('div', { class: 'alerts-layout' }, el('div', { class: 'table-scroll' }, el('table', { id: 'alerts-table' }, el('thead', {}, el('tr', {}, ...headCells)), tbody), more), detail),
  );
}
