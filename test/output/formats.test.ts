import { describe, expect, it } from 'vitest';
import { alertsIndex, bulkPair } from '../../src/output/bulk.js';
import { createFormatter, writeReport } from '../../src/output/formatter.js';
import { ndjsonLine } from '../../src/output/ndjson.js';
import { alert, memorySink, memoryWriter, tail } from './helpers.js';

const alerts = [alert(), alert({ uuid: 'second', host: 'db-02', args: ['kmod', 'list'], terms: ['/usr/bin/kmod'] }), alert({ uuid: 'third', commandLine: 'line one\nline two' })];

describe('ndjson format', () => {
  it('writes one parseable alert document per line, summary only on stderr', async () => {
    const { sink, text } = memorySink();
    const stderr = memoryWriter();
    await writeReport('ndjson', { alerts, ...tail }, { sink, diagnostics: stderr });
    const lines = text().split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(3);
    expect(lines.map((l) => JSON.parse(l))).toEqual(alerts);
    expect(stderr.text()).toContain('evaluated:');
    expect(stderr.text()).toContain('warning: events.ndjson:17: invalid JSON');
  });

  it('keeps a document with newlines in its values on one line', () => {
    const line = ndjsonLine(alerts[2]!);
    expect(line.indexOf('\n')).toBe(line.length - 1);
  });
});

describe('bulk format', () => {
  it('writes create actions into the default space alerts index, with kibana.alert.uuid as _id', async () => {
    const { sink, text } = memorySink();
    await writeReport('bulk', { alerts, ...tail }, { sink, diagnostics: memoryWriter() });
    const body = text();
    expect(body.endsWith('\n')).toBe(true);
    const lines = body.slice(0, -1).split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(6);
    for (let i = 0; i < lines.length; i += 2) {
      expect(lines[i]).toEqual({ create: { _index: '.alerts-security.alerts-default', _id: alerts[i / 2]!['kibana.alert.uuid'] } });
      expect(lines[i + 1]).toEqual(alerts[i / 2]);
    }
  });

  it('targets the given space and rejects space ids that would make an invalid index name', () => {
    expect(alertsIndex('soc-team')).toBe('.alerts-security.alerts-soc-team');
    expect(() => alertsIndex('SOC Team')).toThrow(/space id/);
    expect(() => createFormatter('bulk', { sink: memorySink().sink, space: '../x' })).toThrow(/space id/);
  });

  it('reads the uuid from a nested kibana object too, and leaves _id to Elasticsearch without one', () => {
    const nested = bulkPair({ kibana: { alert: { uuid: 'n1' } } }, '.alerts-security.alerts-default');
    expect(JSON.parse(nested.split('\n')[0]!)).toEqual({ create: { _index: '.alerts-security.alerts-default', _id: 'n1' } });
    const none = bulkPair({ a: 1 }, '.alerts-security.alerts-default');
    expect(JSON.parse(none.split('\n')[0]!)).toEqual({ create: { _index: '.alerts-security.alerts-default' } });
  });
});

describe('json format', () => {
  it('writes one document holding alerts, summary keyed by section and row keys, warnings and errors', async () => {
    const { sink, text } = memorySink();
    const stderr = memoryWriter();
    await writeReport('json', { alerts, ...tail }, { sink, diagnostics: stderr });
    const doc = JSON.parse(text()) as Record<string, unknown>;
    expect(doc).toEqual({
      alerts,
      summary: { lines: { read: 1200, evaluated: 1180, malformed: 2 }, alerts: { alerts: 3, hosts: ['web-01', 'db-02'] } },
      warnings: tail.warnings,
      errors: [],
    });
    expect(stderr.text()).toBe('');
  });

  it('is valid JSON with no alerts and when begin() was never called', async () => {
    const { sink, text } = memorySink();
    const f = createFormatter('json', { sink });
    await f.end({ summary: [{ title: 'Index filter', rows: [{ key: 'skipped', label: 'skipped', value: 4 }] }], warnings: [], errors: [{ kind: 'gap', run: '2024-05-14T10:00:00.000Z', message: 'boom' }] });
    expect(JSON.parse(text())).toEqual({ alerts: [], summary: { index_filter: { skipped: 4 } }, warnings: [], errors: [{ kind: 'gap', run: '2024-05-14T10:00:00.000Z', message: 'boom' }] });
  });
});
