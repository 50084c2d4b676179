import { describe, expect, it } from 'vitest';
import { renderDiagnostics, renderFooter, renderShortSummary, renderSummary, renderSummaryLine, sectionKey, summaryToObject } from '../../src/output/summary.js';
import type { Diagnostic, SummarySection } from '../../src/output/types.js';
import { tail } from './helpers.js';

describe('summary', () => {
  it('aligns values in one column across sections, numbers with thousands separators', () => {
    const out = renderSummary(tail.summary);
    expect(out).toBe(
      ['Lines', '  read:            1,200', '  evaluated:       1,180', '  malformed lines: 2', 'Alerts', '  alerts:          3', '  hosts:           web-01, db-02', ''].join('\n'),
    );
  });

  it('has a compact one-line form', () => {
    expect(renderSummaryLine(tail.summary)).toBe('read 1,200 · evaluated 1,180 · malformed lines 2 · alerts 3 · hosts web-01,db-02');
  });

  it('derives snake_case section keys from titles unless a key is given', () => {
    expect(sectionKey({ title: 'Index filter', rows: [] })).toBe('index_filter');
    expect(sectionKey({ title: 'Whatever', key: 'lines', rows: [] })).toBe('lines');
    expect(summaryToObject(tail.summary)).toEqual({ lines: { read: 1200, evaluated: 1180, malformed: 2 }, alerts: { alerts: 3, hosts: ['web-01', 'db-02'] } });
  });

  it('still reports warnings and errors when the summary itself is turned off', () => {
    expect(renderFooter({ ...tail, errors: [{ kind: 'gap', run: '2024-05-14T10:00:00.000Z', message: 'rule failed' }] }, 'none')).toBe(
      'warning: events.ndjson:17: invalid JSON\nerror: run 2024-05-14T10:00:00.000Z: rule failed\n',
    );
  });

  const scanLike: SummarySection[] = [
    {
      title: 'Input',
      rows: [
        { key: 'lines_read', label: 'lines read', value: 284, short: { label: 'lines', when: 'always' } },
        { key: 'lines_malformed', label: 'malformed lines', value: 3, short: { label: 'malformed', note: '(see warnings)' } },
        { key: 'lines_blank', label: 'blank lines', value: 1 },
        { key: 'events_matched', label: 'events matching the query', value: 22, short: { label: 'matches', when: 'always' } },
      ],
    },
    {
      title: 'Detection',
      rows: [
        { key: 'alerts', label: 'alerts', value: 7, short: { label: 'alerts', when: 'always' } },
        { key: 'truncated_runs', label: 'runs truncated', value: 0, short: { label: 'runs hit max_signals' } },
      ],
    },
  ];

  it('has a short default form: the counts that matter on one line, problems after them', () => {
    expect(renderShortSummary(scanLike)).toBe('284 lines · 22 matches · 7 alerts · 3 malformed (see warnings)\n');
    expect(renderFooter({ summary: scanLike, warnings: [], errors: [] }, 'short')).toBe('284 lines · 22 matches · 7 alerts · 3 malformed (see warnings)\n');
  });

  it('goes on to a second line, never a third, when the short form would pass 80 columns', () => {
    const rows = scanLike.map((s) => ({ ...s, rows: s.rows.map((r) => (r.short ? { ...r, short: { ...r.short, label: `${r.short.label} with a long label` } } : r)) }));
    const out = renderShortSummary(rows).trimEnd().split('\n');
    expect(out.length).toBe(2);
    expect(out[0]!.length).toBeLessThanOrEqual(80);
  });

  it('lists at most ten entries of a list, then how many more and where to read them all', () => {
    const combos = Array.from({ length: 1900 }, (_, i) => `/usr/bin/kmod | /opt/p${i}/bash (first seen 2024-05-14T10:00:00.000Z)`);
    const out = renderSummary([{ title: 'Detection', rows: [{ key: 'lost', label: 'combinations lost to truncation', value: combos }] }]);
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(2 + 10 + 1);
    expect(lines.at(-1)).toBe('    … and 1,890 more (--format json lists all)');
    expect(out.length).toBeLessThan(2000);
  });

  it('shows counts by kind as text, and JSON keeps them as an object', () => {
    const sections: SummarySection[] = [{ title: 'Input', rows: [{ key: 'malformed_by_kind', label: 'malformed by kind', value: { 'invalid-json': 2, truncated: 1 } }] }];
    expect(renderSummary(sections)).toContain('malformed by kind: invalid-json 2, truncated 1');
    expect(summaryToObject(sections)).toEqual({ input: { malformed_by_kind: { 'invalid-json': 2, truncated: 1 } } });
  });

  it('shows at most ten warnings of a kind, then how many more there were in all', () => {
    const bad: Diagnostic[] = Array.from({ length: 10 }, (_, i) => ({ kind: 'invalid-json', file: 'x.ndjson', line: i + 1, message: 'invalid JSON' }));
    const runs: Diagnostic[] = Array.from({ length: 30 }, (_, i) => ({ kind: 'max-signals', run: `2024-05-14T10:${String(i).padStart(2, '0')}:00.000Z`, message: 'This rule reached the maximum alert limit' }));
    const out = renderDiagnostics({ warnings: [...bad, ...runs], errors: [], warningTotals: { 'invalid-json': 5000 } }).trimEnd().split('\n');
    expect(out).toHaveLength(10 + 1 + 10 + 1);
    expect(out[0]).toBe('warning: x.ndjson:1: invalid JSON');
    expect(out[10]).toBe('warning: … and 4,990 more invalid-json (--format json lists all)');
    expect(out[11]).toBe('warning: run 2024-05-14T10:00:00.000Z: This rule reached the maximum alert limit');
    expect(out[21]).toBe('warning: … and 20 more max-signals (--format json lists all)');
  });

  it('cuts a value quoted in a warning to 200 characters', () => {
    const value = JSON.stringify('x'.repeat(50_000));
    const out = renderDiagnostics({ warnings: [{ kind: 'event-time', file: 'f', line: 3, message: `@timestamp ${value} is not a valid date` }], errors: [] });
    expect(out.length).toBeLessThan(300);
    expect(out).toMatch(/^warning: f:3: @timestamp "x+…x+" is not a valid date\n$/);
  });

  it('names stdin as stdin, not -', () => {
    expect(renderDiagnostics({ warnings: [{ kind: 'invalid-json', file: '-', line: 4, message: 'invalid JSON' }], errors: [] })).toBe('warning: stdin:4: invalid JSON\n');
  });
});
