/**
 * `scan` end to end through the built CLI, for what only the CLI does with the detection options:
 * exit codes, the summary on stderr, --state/--runs file errors, the bulk target index. The engine
 * behaviour behind them (query alerts, state continuation, run times, ids) is checked in-process in
 * test/engine/scan-pipeline.test.ts.
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
  it('exits 1 with one alert per matching event and says the mode in the summary', async () => {
    const q = await runCli(['-v', '--mode', 'query', '--format', 'ndjson', DEMO]);
    expect(q.code).toBe(1);
    expect(parseNdjson(q.stdout)).toHaveLength(matchingEvents(q.stderr));
    expect(parseNdjson(q.stdout).length).toBe(22);
    expect(q.stderr).toMatch(/mode:\s+query\n/);
  });
});

describe('--state FILE keeps new_terms history between invocations', () => {
  it('writes the state file and continues from it: the same events again alert nothing, exit 0', async () => {
    const state = tmp.path('state.json');
    const first = await runCli(['-v', '--format', 'ndjson', '--state', state, HITS]);
    expect(first.code).toBe(1);
    const saved = JSON.parse(readFileSync(state, 'utf8')) as Record<string, unknown>;
    expect(saved).toHaveProperty('version');
    // The same events again: every combination is known history now, nothing is new.
    const again = await runCli(['-v', '--format', 'ndjson', '--state', state, HITS]);
    expect(again.code).toBe(0);
    expect(parseNdjson(again.stdout)).toHaveLength(0);
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

describe('--rule-uuid and --space', () => {
  const UUID = '11111111-2222-4333-8444-555555555555';

  it('--rule-uuid reaches the alerts and the summary', async () => {
    const r = await runCli(['-v', '--format', 'ndjson', '--rule-uuid', UUID, HITS]);
    for (const x of parseNdjson(r.stdout)) expect(x['kibana.alert.rule.uuid']).toBe(UUID);
    expect(r.stderr).toContain(UUID);
  });

  it('--space changes the ids and the bulk target index', async () => {
    const [base, space] = await Promise.all([runCli(['--format', 'bulk', HITS]), runCli(['--format', 'bulk', '--space', 'secops', HITS])]);
    const actions = (s: string) => parseNdjson(s).filter((_, i) => i % 2 === 0) as { create: { _index: string; _id: string } }[];
    expect(actions(space.stdout).map((a) => a.create._index)).toEqual(['.alerts-security.alerts-secops', '.alerts-security.alerts-secops']);
    const baseIds = actions(base.stdout).map((a) => a.create._id);
    for (const a of actions(space.stdout)) expect(baseIds).not.toContain(a.create._id);
  });
});
