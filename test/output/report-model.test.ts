/** The report's data, built in-process from the fate tracer: marks, aggregation, near misses, pairs, alerts. */
import { describe, expect, it } from 'vitest';
import { createFateTracer } from '../../src/engine/fate.js';
import { sourceOfAlert } from '../../src/engine/alert-source.js';
import type { SourceEvent } from '../../src/io/types.js';
import { explainKql, summarizeExplanation } from '../../src/kql/explain.js';
import { parseKql } from '../../src/kql/parse.js';
import { AGGREGATE_ABOVE, ReportCollector, type ReportData, type ReportRule } from '../../src/output/report/model.js';
import { BUILTIN_RULE } from '../../src/rule/builtin.js';

const AST = parseKql(BUILTIN_RULE.query);
const T0 = Date.parse('2024-05-14T10:00:00.000Z');
let line = 0;

function event(t: number, host: string, exe: string, parentName = 'bash', parentExe = '/usr/bin/bash'): SourceEvent {
  return {
    source: {
      '@timestamp': new Date(t).toISOString(),
      event: { category: ['process'], type: ['start'], action: 'exec', kind: 'event' },
      host: { name: host, os: { type: 'linux' } },
      user: { name: 'root' },
      process: { name: 'lsmod', executable: exe, args: ['lsmod'], command_line: 'lsmod', parent: { name: parentName, executable: parentExe } },
    },
    origin: { file: 'e.ndjson', line: ++line },
  };
}

const RULE: ReportRule = {
  name: 'r', ruleId: 'id', version: 1, mode: 'new_terms', query: BUILTIN_RULE.query, newTermsFields: ['process.executable', 'process.parent.executable'],
  index: [], interval: '5m', from: 'now-9m', to: 'now', historyWindowStart: 'now-14d', maxSignals: 100, timestampOverride: null, source: 'test',
};

function build(matches: SourceEvent[], nearMisses: SourceEvent[] = [], maxSignals = 100): ReportData {
  const tracer = createFateTracer(BUILTIN_RULE, { mode: 'new_terms', now: new Date('2024-06-01T00:00:00Z'), maxSignals });
  const collector = new ReportCollector(RULE.newTermsFields);
  for (const ev of matches) {
    collector.match(ev);
    tracer.add(ev);
  }
  for (const ev of nearMisses) collector.nearMiss(ev, summarizeExplanation(explainKql(AST, ev.source)));
  const { scan, fates } = tracer.finish();
  return collector.build({
    tool: { name: 't', version: '0' }, rule: RULE, inputs: ['e.ndjson'], fates,
    alerts: scan.alerts.map((doc) => ({ doc, raw: sourceOfAlert(doc), explanation: summarizeExplanation(explainKql(AST, sourceOfAlert(doc))) })),
    summary: [], warnings: [], errors: [], malformed: { count: 0, shown: [] }, timeRange: scan.summary.timeRange,
    truncatedRuns: [...new Set(scan.warnings.map((w) => w.run))], hasExclusions: true,
  });
}

describe('report data', () => {
  it('has one mark per matching event, classed by its fate, with the details shown on hover', () => {
    const d = build([event(T0, 'h1', '/usr/bin/kmod'), event(T0 + 60_000, 'h1', '/usr/bin/kmod'), event(T0 + 120_000, 'h2', '/usr/bin/kmod')]);
    expect(d.hosts).toEqual(['h1', 'h2']);
    expect(d.marks.t).toHaveLength(3);
    expect(d.marks.k.map((k) => d.markKinds[k])).toEqual(['alerted', 'not-new', 'not-new']);
    expect(d.details[0]!.slice(0, 4)).toEqual(['root', 'lsmod', '/usr/bin/bash', expect.stringMatching(/^e\.ndjson:\d+$/)]);
    expect(d.details[0]![4]).toMatch(/^alerted in run /);
    expect(d.counts).toMatchObject({ matches: 3, onTimeline: 3, alerts: 1, byKind: { alerted: 1, 'not-new': 2, lost: 0, other: 0 } });
  });

  it(`draws a host row above ${AGGREGATE_ABOVE} marks as counts per time bucket, keeping every event counted`, () => {
    const many = Array.from({ length: AGGREGATE_ABOVE + 1 }, (_, i) => event(T0 + i * 1000, 'busy', '/usr/bin/kmod'));
    const d = build([...many, event(T0, 'quiet', '/usr/bin/kmod')]);
    expect(d.aggregated).toHaveLength(1);
    expect(d.aggregated[0]!.host).toBe(d.hosts.indexOf('busy'));
    expect(d.aggregated[0]!.buckets.reduce((s, b) => s + b[2], 0)).toBe(AGGREGATE_ABOVE + 1);
    expect(d.marks.t).toHaveLength(1);
    expect(d.details).toHaveLength(1);
  });

  it('groups near misses by the exclusion that fired and its values, with counts per host', () => {
    const d = build(
      [event(T0, 'h1', '/usr/bin/kmod')],
      [event(T0, 'h1', '/usr/bin/kmod', 'systemd', '/usr/lib/systemd/systemd'), event(T0, 'h2', '/usr/bin/kmod', 'systemd'), event(T0, 'h2', '/usr/bin/kmod', 'dkms')],
    );
    expect(d.nearMisses.total).toBe(3);
    expect(d.nearMisses.groups.map((g) => [g.because, g.total, g.byHost])).toEqual([
      ['process.parent.name = "systemd"', 2, [['h1', 1], ['h2', 1]]],
      ['process.parent.name = "dkms"', 1, [['h2', 1]]],
    ]);
    expect(d.nearMisses.groups[0]!.exclusion).toMatch(/^not process\.parent\.name:\(/);
  });

  it('lists every pair with first seen, count, hosts and fate (alerted / lost)', () => {
    const d = build(
      [event(T0, 'h1', '/a'), event(T0 + DAY_MS, 'h2', '/a'), event(T0 + 1000, 'h1', '/b'), event(T0 + 1000, 'h1', '/c')],
      [],
      1,
    );
    const byExe = Object.fromEntries(d.pairs.map((p) => [p.values[0], p]));
    expect(byExe['/a']).toMatchObject({ count: 2, hosts: ['h1', 'h2'], fate: 'alerted', firstSeen: new Date(T0).toISOString() });
    // /b and /c are new in the same window (the run at T0 + 5m); max_signals 1 keeps /b (key order).
    expect(byExe['/b']!.fate).toBe('alerted');
    expect(byExe['/c']!.fate).toBe('lost');
    expect(byExe['/c']!.text).toMatch(/^lost to max_signals in run /);
    expect(d.truncatedRuns.length).toBeGreaterThan(0);
  });

  it('gives each alert its explanation (branch and values), raw event and where it was read', () => {
    const d = build([event(T0, 'h1', '/usr/bin/kmod')]);
    expect(d.alerts).toHaveLength(1);
    const a = d.alerts[0]!;
    expect(a.explanation).toContain('matched branch process.name:(lsmod or modinfo)');
    expect(a.branches[0]).toMatchObject({ taken: 'process.name:(lsmod or modinfo)', evidence: 'process.name = "lsmod"' });
    expect(a.where).toMatch(/^e\.ndjson:\d+$/);
    expect(JSON.parse(a.raw)).toMatchObject({ host: { name: 'h1' }, event: { kind: 'event' } });
  });
});

const DAY_MS = 86_400_000;
