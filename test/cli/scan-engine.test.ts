/**
 * `scan` end to end, the detection side as the CLI exposes it: --mode query, --state continuation,
 * --runs files, --rule-uuid and --space in alert ids.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO, once, parseNdjson, readFixture, runCli, SHAPES, STACK_FRAME, tempDir } from './run-cli.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const HITS = `${SHAPES}/hits.ndjson`;
const demo = once(() => runCli(['-v', '--format', 'ndjson', DEMO]));
const uuids = (stdout: string): unknown[] => parseNdjson(stdout).map((a) => a['kibana.alert.uuid']);
const matchingEvents = (stderr: string): number => Number(/events matching the query:\s+(\d+)\n/.exec(stderr)?.[1]);

describe('--mode query', () => {
  const query = once(() => runCli(['-v', '--mode', 'query', '--format', 'ndjson', DEMO]));

  it('writes one alert per matching event, more than new_terms writes on the demo', async () => {
    const [q, nt] = await Promise.all([query(), demo()]);
    expect(q.code).toBe(1);
    const alerts = parseNdjson(q.stdout);
    expect(alerts).toHaveLength(matchingEvents(q.stderr));
    expect(alerts.length).toBe(22);
    expect(alerts.length).toBeGreaterThan(parseNdjson(nt.stdout).length);
    expect(q.stderr).toMatch(/mode:\s+query\n/);
  });

  it('makes query-rule alerts: distinct ids, one per source event, no new terms', async () => {
    const alerts = parseNdjson((await query()).stdout);
    expect(new Set(alerts.map((a) => a['kibana.alert.uuid'])).size).toBe(alerts.length);
    const sources = alerts.map((a) => JSON.stringify(a['kibana.alert.ancestors']));
    expect(new Set(sources).size).toBe(alerts.length);
    for (const a of alerts) {
      expect(a['kibana.alert.rule.type']).toBe('query');
      expect(a).not.toHaveProperty(['kibana.alert.new_terms']);
    }
  });

  it('includes the source event of every new_terms alert', async () => {
    const [q, nt] = await Promise.all([query(), demo()]);
    const querySources = new Set(parseNdjson(q.stdout).map((a) => JSON.stringify(a['kibana.alert.ancestors'])));
    for (const a of parseNdjson(nt.stdout)) expect(querySources).toContain(JSON.stringify(a['kibana.alert.ancestors']));
  });
});

describe('--state FILE keeps new_terms history between invocations', () => {
  /** The demo's events cut by time at noon on 13 May: yesterday's logs and today's. */
  function splitDemoByTime(): [string, string] {
    const cut = Date.parse('2024-05-13T12:00:00Z');
    const before: string[] = [];
    const after: string[] = [];
    for (const line of readFixture(DEMO).toString('utf8').split('\n')) {
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
    const state = tmp.path('state.json');
    const first = await runCli(['-v', '--format', 'ndjson', '--state', state, day1]);
    expect(first.code).toBe(1);
    const saved = JSON.parse(readFileSync(state, 'utf8')) as Record<string, unknown>;
    expect(saved).toHaveProperty('version');
    const second = await runCli(['-v', '--format', 'ndjson', '--state', state, day2]);
    const whole = await demo();
    const split = [...parseNdjson(first.stdout), ...parseNdjson(second.stdout)];
    const all = parseNdjson(whole.stdout);
    expect(split.map((a) => a['kibana.alert.uuid'])).toEqual(all.map((a) => a['kibana.alert.uuid']));
    expect(split.map((a) => a['@timestamp'])).toEqual(all.map((a) => a['@timestamp']));
    // The second day alone has combinations the first already saw: without state it alerts more.
    const fresh = await runCli(['-v', '--format', 'ndjson', day2]);
    expect(parseNdjson(fresh.stdout).length).toBeGreaterThan(parseNdjson(second.stdout).length);
  });

  it.each([
    ['not JSON', 'garbage\n', /not valid JSON/],
    ['a foreign JSON file', '{"hello":"world"}\n', /not a kmod-enum-detect state file/],
    ['a state file of an unknown version', '{"format":"kmod-enum-detect/state","version":999}\n', /version 999/],
  ])('refuses a state file that is %s with exit 2 naming it, and leaves it alone', async (_what, content, message) => {
    const state = tmp.path(`bad-state-${content.length}.json`);
    writeFileSync(state, content);
    const r = await runCli(['-v', '--format', 'ndjson', '--state', state, HITS]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(state);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(STACK_FRAME);
    expect(readFileSync(state, 'utf8')).toBe(content);
  });
});

describe('--runs FILE', () => {
  it('runs the rule at the listed times (comments and blank lines ignored)', async () => {
    const runs = tmp.path('runs.txt');
    writeFileSync(runs, '# two late runs\n2024-05-14T09:25:00Z\n\n2024-05-14T09:30:00Z\n');
    const r = await runCli(['-v', '--format', 'ndjson', '--runs', runs, HITS]);
    expect(r.code).toBe(1);
    expect(parseNdjson(r.stdout).map((a) => a['@timestamp'])).toEqual(['2024-05-14T09:25:00.000Z', '2024-05-14T09:25:00.000Z']);
  });

  it('names file:line of a line that is not an ISO time, exit 2', async () => {
    const runs = tmp.path('bad-runs.txt');
    writeFileSync(runs, '# runs\n2024-05-14T09:25:00Z\n\nnot-a-time\n');
    const r = await runCli(['-v', '--format', 'ndjson', '--runs', runs, HITS]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${runs}:4:`);
    expect(r.stderr).toContain('not-a-time');
    expect(r.stderr).not.toMatch(STACK_FRAME);
  });

  it('names a runs file that cannot be read, exit 2', async () => {
    const runs = tmp.path('no-such-runs.txt');
    const r = await runCli(['-v', '--format', 'ndjson', '--runs', runs, HITS]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(runs);
  });

  it('refuses a runs file without run times, exit 2', async () => {
    const runs = tmp.path('empty-runs.txt');
    writeFileSync(runs, '# nothing\n\n');
    const r = await runCli(['-v', '--format', 'ndjson', '--runs', runs, HITS]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(runs);
  });
});

describe('alert ids depend on the rule uuid and the space', () => {
  const UUID = '11111111-2222-4333-8444-555555555555';

  it('--rule-uuid changes every alert id and sets kibana.alert.rule.uuid, not the alerts themselves', async () => {
    const [base, other] = await Promise.all([runCli(['-v', '--format', 'ndjson', HITS]), runCli(['-v', '--format', 'ndjson', '--rule-uuid', UUID, HITS])]);
    const a = parseNdjson(base.stdout);
    const b = parseNdjson(other.stdout);
    expect(b.map((x) => x['kibana.alert.new_terms'])).toEqual(a.map((x) => x['kibana.alert.new_terms']));
    expect(b.map((x) => x['kibana.alert.ancestors'])).toEqual(a.map((x) => x['kibana.alert.ancestors']));
    for (let i = 0; i < a.length; i++) expect(b[i]!['kibana.alert.uuid']).not.toBe(a[i]!['kibana.alert.uuid']);
    for (const x of b) expect(x['kibana.alert.rule.uuid']).toBe(UUID);
    expect(other.stderr).toContain(UUID);
  });

  it('gives the same ids for the same --rule-uuid on every run', async () => {
    const [x, y] = await Promise.all([runCli(['-v', '--format', 'ndjson', '--rule-uuid', UUID, HITS]), runCli(['-v', '--format', 'ndjson', '--rule-uuid', UUID, HITS])]);
    expect(uuids(x.stdout)).toEqual(uuids(y.stdout));
  });

  it('--space changes the ids and the bulk target index', async () => {
    const [base, space] = await Promise.all([runCli(['--format', 'bulk', HITS]), runCli(['--format', 'bulk', '--space', 'secops', HITS])]);
    const actions = (s: string) => parseNdjson(s).filter((_, i) => i % 2 === 0) as { create: { _index: string; _id: string } }[];
    expect(actions(space.stdout).map((a) => a.create._index)).toEqual(['.alerts-security.alerts-secops', '.alerts-security.alerts-secops']);
    const baseIds = actions(base.stdout).map((a) => a.create._id);
    for (const a of actions(space.stdout)) expect(baseIds).not.toContain(a.create._id);
  });
});
