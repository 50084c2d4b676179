import { describe, expect, it } from 'vitest';
import { renderFooter, renderSummary, renderSummaryLine, sectionKey, summaryToObject } from '../../src/output/summary.js';
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
});
