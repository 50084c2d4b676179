/**
 * The scan pipeline end to end, in-process (test/support/scan-in-process.ts): the detection side
 * the CLI exposes as --mode query, --state, --runs, --rule-uuid and --space, checked on the demo
 * and shape fixtures without spawning a process. What only the CLI does (exit codes, option errors,
 * wording on stderr, output formats) stays in test/cli/scan-engine.test.ts.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadState, saveState } from '../../src/engine/state.js';
import { loadRuleFile } from '../../src/rule/load.js';
import type { AlertDocument } from '../../src/output/types.js';
import { field, once, ROOT, tempDir } from '../cli/run-cli.js';
import { scanInProcess } from '../support/scan-in-process.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const DEMO = join(ROOT, 'fixtures/demo/events.ndjson');
const HITS = join(ROOT, 'fixtures/shapes/hits.ndjson');
const demo = once(() => scanInProcess([DEMO]));
const query = once(() => scanInProcess([DEMO], { mode: 'query' }));

describe('mode query', () => {
  it('makes one alert per matching event, more than new_terms makes on the demo', async () => {
    const [q, nt] = await Promise.all([query(), demo()]);
    expect(q.alerts).toHaveLength(q.matched);
    expect(q.alerts.length).toBe(22);
    expect(q.alerts.length).toBeGreaterThan(nt.alerts.length);
  });

  it('makes query-rule alerts: distinct ids, one per source event, no new terms', async () => {
    const { alerts } = await query();
    expect(new Set(alerts.map((a) => a['kibana.alert.uuid'])).size).toBe(alerts.length);
    expect(new Set(alerts.map((a) => JSON.stringify(a['kibana.alert.ancestors']))).size).toBe(alerts.length);
    for (const a of alerts) {
      expect(a['kibana.alert.rule.type']).toBe('query');
      expect(a).not.toHaveProperty(['kibana.alert.new_terms']);
    }
  });

  it('includes the source event of every new_terms alert', async () => {
    const [q, nt] = await Promise.all([query(), demo()]);
    const querySources = new Set(q.alerts.map((a) => JSON.stringify(a['kibana.alert.ancestors'])));
    for (const a of nt.alerts) expect(querySources).toContain(JSON.stringify(a['kibana.alert.ancestors']));
  });
});

describe('state keeps new_terms history between invocations', () => {
  /** The demo's events cut by time at noon on 13 May: yesterday's logs and today's. */
  function splitDemoByTime(): [string, string] {
    const cut = Date.parse('2024-05-13T12:00:00Z');
    const before: string[] = [];
    const after: string[] = [];
    for (const line of readFileSync(DEMO, 'utf8').split('\n')) {
      let doc: Record<string, any>;
      try {
        doc = JSON.parse(line) as Record<string, any>;
      } catch {
        continue;
      }
      const src = (doc._source ?? doc) as Record<string, any>;
      const time = (src.event?.ingested ?? src['@timestamp']) as string | undefined;
      if (time === undefined) continue;
      (Date.parse(time) < cut ? before : after).push(line);
    }
    expect(before.length).toBeGreaterThan(50);
    expect(after.length).toBeGreaterThan(50);
    const [a, b] = [tmp.path('day1.ndjson'), tmp.path('day2.ndjson')];
    writeFileSync(a, before.join('\n') + '\n');
    writeFileSync(b, after.join('\n') + '\n');
    return [a, b];
  }

  it('two runs over consecutive slices give the alert ids and run times of one run over both', async () => {
    const [day1, day2] = splitDemoByTime();
    const stateFile = tmp.path('state.json');
    const first = await scanInProcess([day1]);
    expect(first.alerts.length).toBeGreaterThan(0);
    saveState(stateFile, first.state);
    expect(JSON.parse(readFileSync(stateFile, 'utf8'))).toHaveProperty('version');
    const second = await scanInProcess([day2], { state: loadState(stateFile)! });
    const split = [...first.alerts, ...second.alerts];
    const all = (await demo()).alerts;
    expect(split.map((a) => a['kibana.alert.uuid'])).toEqual(all.map((a) => a['kibana.alert.uuid']));
    expect(split.map((a) => a['@timestamp'])).toEqual(all.map((a) => a['@timestamp']));
    // The second day alone has combinations the first already saw: without state it alerts more.
    const fresh = await scanInProcess([day2]);
    expect(fresh.alerts.length).toBeGreaterThan(second.alerts.length);
  });
});

describe('explicit run times', () => {
  it('runs the rule at the listed times', async () => {
    const r = await scanInProcess([HITS], { runs: [new Date('2024-05-14T09:25:00Z'), new Date('2024-05-14T09:30:00Z')] });
    expect(r.alerts.map((a) => a['@timestamp'])).toEqual(['2024-05-14T09:25:00.000Z', '2024-05-14T09:25:00.000Z']);
  });
});

describe('alert ids depend on the rule uuid and the space', () => {
  const UUID = '11111111-2222-4333-8444-555555555555';

  it('a rule uuid changes every alert id and sets kibana.alert.rule.uuid, not the alerts themselves', async () => {
    const [base, other] = await Promise.all([scanInProcess([HITS]), scanInProcess([HITS], { ruleUuid: UUID })]);
    const [a, b] = [base.alerts, other.alerts];
    expect(b.map((x) => x['kibana.alert.new_terms'])).toEqual(a.map((x) => x['kibana.alert.new_terms']));
    expect(b.map((x) => x['kibana.alert.ancestors'])).toEqual(a.map((x) => x['kibana.alert.ancestors']));
    for (let i = 0; i < a.length; i++) expect(b[i]!['kibana.alert.uuid']).not.toBe(a[i]!['kibana.alert.uuid']);
    for (const x of b) expect(x['kibana.alert.rule.uuid']).toBe(UUID);
  });

  it('gives the same ids for the same rule uuid on every run', async () => {
    const [x, y] = await Promise.all([scanInProcess([HITS], { ruleUuid: UUID }), scanInProcess([HITS], { ruleUuid: UUID })]);
    expect(y.alerts.map((a) => a['kibana.alert.uuid'])).toEqual(x.alerts.map((a) => a['kibana.alert.uuid']));
  });

  it('a space changes the ids', async () => {
    const [base, space] = await Promise.all([scanInProcess([HITS]), scanInProcess([HITS], { space: 'secops' })]);
    const baseIds = base.alerts.map((a) => a['kibana.alert.uuid']);
    expect(space.alerts).toHaveLength(base.alerts.length);
    for (const a of space.alerts) expect(baseIds).not.toContain(a['kibana.alert.uuid']);
  });
});

describe('every input shape yields the same alerts', () => {
  const SHAPES = join(ROOT, 'fixtures/shapes');
  const shapes = readdirSync(SHAPES).filter((f) => f !== 'hits.ndjson').sort();
  const runs = new Map(shapes.map((s) => [s, once(() => scanInProcess([join(SHAPES, s)]))]));
  const hits = once(() => scanInProcess([HITS]));
  const scalar = (v: unknown): unknown => (Array.isArray(v) && v.length === 1 ? v[0] : v);
  /** What identifies an alert's source event whatever shape it came in, plus its new terms. */
  const identity = (alert: AlertDocument): string =>
    JSON.stringify([
      alert['kibana.alert.new_terms'],
      alert['kibana.alert.original_time'],
      scalar(field(alert, 'host.name')),
      scalar(field(alert, 'process.command_line')),
      scalar(field(alert, 'process.pid')),
    ]);
  const identities = (alerts: AlertDocument[]): string[] => alerts.map(identity).sort();

  it('covers each shape the fixtures README lists', () => {
    expect(shapes).toEqual(
      ['bad-lines.ndjson', 'bare.ndjson', 'crlf-bom.ndjson', 'dotted.ndjson', 'es-archiver.json', 'events.ndjson.gz', 'fields-api.ndjson', 'search-response.ndjson'].sort(),
    );
  });

  it.each(shapes)('%s gives the new terms and source events of hits.ndjson', async (shape) => {
    const r = await runs.get(shape)!();
    expect(r.alerts.length).toBeGreaterThan(0);
    expect(identities(r.alerts)).toEqual(identities((await hits()).alerts));
  });

  it('keeps _index and _id of shapes that carry them as the alert ancestor and id input', async () => {
    const base = (await hits()).alerts;
    for (const shape of ['search-response.ndjson', 'es-archiver.json', 'crlf-bom.ndjson', 'events.ndjson.gz']) {
      const alerts = (await runs.get(shape)!()).alerts;
      expect(alerts.map((a) => a['kibana.alert.ancestors']), shape).toEqual(base.map((a) => a['kibana.alert.ancestors']));
      expect(alerts.map((a) => a['kibana.alert.uuid']), shape).toEqual(base.map((a) => a['kibana.alert.uuid']));
    }
  });
});

describe('rules from files', () => {
  const RULES = join(ROOT, 'fixtures/rules');
  const V210_RULE_ID = '2d8043ed-5bda-4caf-801c-c1feb7410504';

  it.each([
    // The package JSON is the built-in rule's own file (src/rule/builtin); the others are fixtures.
    [join(ROOT, `src/rule/builtin/${V210_RULE_ID}_210.json`), {}],
    [join(RULES, 'discovery_kernel_module_enumeration.toml'), {}],
    [join(RULES, 'kibana_export_two_rules.ndjson'), { ruleId: V210_RULE_ID }],
  ])('%s gives the built-in rule’s alerts', async (file, pick) => {
    const rule = await loadRuleFile(file, pick);
    // A Kibana export carries its own saved-object id (which alert ids hash); pin the built-in's to compare.
    const [r, base] = await Promise.all([scanInProcess([DEMO], { rule, ruleUuid: V210_RULE_ID }), demo()]);
    const ids = (alerts: AlertDocument[]) => alerts.map((a) => [a['kibana.alert.uuid'], a['kibana.alert.new_terms'], a['kibana.alert.ancestors']]);
    expect(r.alerts.length).toBeGreaterThan(0);
    expect(ids(r.alerts)).toEqual(ids(base.alerts));
  });

  it('a query rule from a Kibana export, in query mode: its name, rule_id and saved-object id on the alerts', async () => {
    const rule = await loadRuleFile(join(RULES, 'kibana_export_one_rule.ndjson'));
    const r = await scanInProcess([DEMO], { rule, mode: 'query' });
    expect(r.alerts.length).toBeGreaterThan(0);
    for (const a of r.alerts) {
      expect(a['kibana.alert.rule.type']).toBe('query');
      expect(a['kibana.alert.rule.name']).toBe('Kernel module loaded with insmod');
      expect(a['kibana.alert.rule.rule_id']).toBe('b9e1f0c2-3d4a-4b5c-8e6f-7a8b9c0d1e2f');
      expect(a['kibana.alert.rule.uuid']).toBe('0b8e9d3a-7c4f-4e21-8d5b-3a9f6c2e1d40');
    }
  });
});
