/**
 * The rows of issue 11's table, tried on the built CLI as a user would: each pins the new behaviour.
 * (Full disks, permissions and the other faults of the world are in world-faults.test.ts; shared
 * state in shared-state.test.ts.)
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO, parseNdjson, ROOT, runCli } from '../cli/run-cli.js';
import { openTempDir } from './cli-helpers.js';

const DEMO_ABS = join(ROOT, DEMO);
const demoLines = () => readFileSync(DEMO_ABS, 'utf8').split('\n').filter((l) => l !== '');
const ids = (stdout: string) => parseNdjson(stdout).map((a) => a['kibana.alert.uuid'] as string).sort();

let dir: string;
let allAlerts: string[];
beforeAll(async () => {
  dir = openTempDir();
  allAlerts = ids((await runCli(['-q', '-f', 'ndjson', DEMO])).stdout);
  expect(allAlerts).toHaveLength(7);
});

describe('a CI job over logs/ with rotated and oddly named files', () => {
  it('reads every file whose content is events (.1, .2.gz, .log, dated suffix): the same 7 alerts as the whole file', async () => {
    const logs = join(dir, 'logs');
    mkdirSync(logs);
    const lines = demoLines();
    const part = (a: number, b: number) => `${lines.slice(a, b).join('\n')}\n`;
    writeFileSync(join(logs, 'app.ndjson.1'), part(0, 100));
    writeFileSync(join(logs, 'app.ndjson.2.gz'), gzipSync(part(100, 180)));
    writeFileSync(join(logs, 'app.log'), part(180, 230));
    writeFileSync(join(logs, 'app.ndjson-20240603'), part(230, lines.length));
    writeFileSync(join(logs, 'a.bin'), Buffer.from([0, 1, 2, 3, 250, 251, 0, 0]));
    writeFileSync(join(logs, 'b.xz'), execFileSync('xz', ['-c'], { input: 'not events\n' }));
    const r = await runCli(['-v', '-f', 'ndjson', logs]);
    expect(r.code).toBe(1);
    expect(ids(r.stdout)).toEqual(allAlerts);
    expect(r.stderr).toMatch(/files:\s+4\n/);
    expect(r.stderr).toMatch(/files skipped \(no events\):\s+2\n/);
    expect(r.stderr).toContain(`skipped 2 files that hold no events: ${logs}/a.bin (binary data), ${logs}/b.xz (xz: decompress it first)`);
    const q = await runCli(['-q', '-f', 'ndjson', logs]);
    // --quiet drops the summary, not the warnings: the skipped files and each bad line are still said.
    expect(q.stderr).toContain(`warning: skipped 2 files that hold no events: ${logs}/a.bin (binary data), ${logs}/b.xz (xz: decompress it first)`);
    expect(q.stderr.match(/^warning: .*(invalid JSON|truncated JSON|not an object)/gm)).toHaveLength(3);
    // The default short summary names them too.
    const short = await runCli(['-f', 'ndjson', logs]);
    expect(short.stderr).toMatch(/^283 lines · 22 matches · 7 alerts · 2 files skipped \(see warnings\)/m);
  });
});

describe('a late file: events older than the --state file last run', () => {
  it('reports them as late (count and time span), counts them as history, and says so in --quiet too', async () => {
    const lines = demoLines();
    const early = join(dir, 'early.ndjson');
    const late = join(dir, 'late.ndjson');
    writeFileSync(late, `${lines.slice(150).join('\n')}\n`);
    writeFileSync(early, `${lines.slice(0, 150).join('\n')}\n`);
    const state = join(dir, 'late-state.json');
    expect((await runCli(['-q', '-f', 'ndjson', '--state', state, late])).code).toBe(1);
    const alone = await runCli(['-q', '-f', 'ndjson', early]);
    expect(ids(alone.stdout).length).toBeGreaterThan(0);
    const r = await runCli(['-v', '-f', 'ndjson', '--state', state, early]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/warning: late events: \d+ matching events from 2024-05-12T\S+ to 2024-05-1\dT\S+ are older than the last run recorded in .*late-state\.json \(2024-\S+\) and before the first window after it \(2024-\S+\): no run searched them/);
    expect(r.stderr).toMatch(/late matches \(history only\):\s+\d+/);
    // The short summary and --quiet say so too (the warning is not dropped by --quiet).
    const short = await runCli(['-f', 'ndjson', '--state', state, early]);
    expect(short.stderr).toMatch(/\d+ late matches \(history only; see warnings\)/);
    const q = await runCli(['-q', '-f', 'ndjson', '--state', state, early]);
    expect(q.stderr).toMatch(/warning: late events: \d+ matching events/);
  });
});

describe('inputs that hold no events', () => {
  it.each([
    ['an xz file', 'x.ndjson.xz', () => execFileSync('xz', ['-c'], { input: readFileSync(DEMO_ABS) }), /x\.ndjson\.xz: holds no events: xz: decompress it first \(none of its \d+ lines? holds a JSON event\)/],
    ['random bytes', 'random.ndjson', () => Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 7919 + 13) % 256)), /random\.ndjson: holds no events: binary data/],
    ['plain text', 'notes.ndjson', () => 'GET /index.html 200\nGET /favicon.ico 404\n', /notes\.ndjson: holds no events: plain text \(not JSON\) \(none of its 2 lines holds a JSON event\)/],
    ['a truncated .gz', 'cut.ndjson.gz', () => gzipSync(readFileSync(DEMO_ABS)).subarray(0, 300), /cut\.ndjson\.gz: holds no events: none of its 1 line holds a JSON event \(gzip-compressed\); first problem at line 1: truncated/],
  ])('%s given as input is an input error (exit 2) naming the file and the format', async (_name, file, bytes, message) => {
    const path = join(dir, file);
    writeFileSync(path, bytes());
    const r = await runCli(['-q', '-f', 'ndjson', path]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toContain('internal error');
  });
});

describe('--max-malformed', () => {
  it('fails the run (exit 2) above N lines or P% of the lines read, and not at or below it', async () => {
    // The demo has 3 malformed lines of 284 (1.06 %).
    const over = await runCli(['-q', '-f', 'ndjson', '--max-malformed', '2', DEMO]);
    expect(over.code).toBe(2);
    expect(over.stderr).toMatch(/3 malformed lines of 284 read \(1\.1%\) exceed --max-malformed 2; first problems:\n.*events\.ndjson:61/);
    expect((await runCli(['-q', '-f', 'ndjson', '--max-malformed', '3', DEMO])).code).toBe(1);
    expect((await runCli(['-q', '-f', 'ndjson', '--max-malformed', '1%', DEMO])).code).toBe(2);
    expect((await runCli(['-q', '-f', 'ndjson', '--max-malformed', '1.5%', DEMO])).code).toBe(1);
    const bad = await runCli(['-q', '--max-malformed', 'lots', DEMO]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('invalid option --max-malformed: expected a number of lines');
  });
});

describe('--state in a missing directory with -o alerts.ndjson', () => {
  it('fails before the scan, naming the state file, and leaves alerts.ndjson as it was', async () => {
    const out = join(dir, 'alerts.ndjson');
    writeFileSync(out, 'yesterday\n');
    const r = await runCli(['-q', '-f', 'ndjson', '--state', join(dir, 'missing-dir', 's.json'), '-o', out, DEMO]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/missing-dir\/s\.json: could not lock the state file \(creating .*\): its directory does not exist \(ENOENT\); create the directory first/);
    expect(r.stderr).not.toContain('internal error');
    expect(readFileSync(out, 'utf8')).toBe('yesterday\n');
  });
});

describe('--runs files', () => {
  it('times that go backwards are an input error naming the file, the line and both times', async () => {
    const runs = join(dir, 'runs.txt');
    writeFileSync(runs, '2024-05-12T00:05:00Z\n# comment\n2024-05-12T00:10:00Z\n2024-05-12T00:07:00Z\n');
    const r = await runCli(['-q', '--runs', runs, DEMO]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${runs}:4:1: run time 2024-05-12T00:07:00.000Z is not after the run time on line 3 (2024-05-12T00:10:00.000Z)`);
    expect(r.stderr).not.toContain('internal error');
  });

  it('times not after the state file last run name the runs file line and the state file', async () => {
    const state = join(dir, 'runs-state.json');
    expect((await runCli(['-q', '-f', 'ndjson', '--state', state, DEMO])).code).toBe(1);
    const runs = join(dir, 'runs2.txt');
    writeFileSync(runs, '2024-05-12T00:05:00Z\n');
    const r = await runCli(['-q', '--runs', runs, '--state', state, DEMO]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`${runs}:1:1: run time 2024-05-12T00:05:00.000Z is not after the last run recorded in state file ${state}`));
  });
});

describe('a rule file with an absolute from', () => {
  const ruleWith = async (name: string, edit: (r: Record<string, unknown>) => void): Promise<string> => {
    const rule = JSON.parse((await runCli(['rule', 'show'])).stdout) as Record<string, unknown>;
    edit(rule);
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify(rule));
    return path;
  };

  it('a query rule runs as Kibana runs it: every run searches from the absolute time to its own now', async () => {
    const rule = await ruleWith('abs-query.json', (r) => {
      r.type = 'query';
      delete r.new_terms_fields;
      delete r.history_window_start;
      r.from = '2024-05-12T00:00:00.000Z';
    });
    const byData = await runCli(['-q', '-f', 'ndjson', '--rule', rule, DEMO]);
    expect(byData.code).toBe(1);
    // Every matching event is in some window (22, as --mode query finds with the relative from).
    expect(parseNdjson(byData.stdout)).toHaveLength(22);
    const window = await runCli(['-q', '-f', 'ndjson', '--rule', rule, '--start', '2024-05-13T00:00:00Z', '--end', '2024-05-13T01:00:00Z', DEMO]);
    expect(window.code).toBe(1);
    const times = parseNdjson(window.stdout).map((a) => a['kibana.alert.original_time'] as string);
    // The first run (00:00) already searches [2024-05-12T00:00, 2024-05-13T00:00]: a day of events.
    expect(times.length).toBeGreaterThan(0);
    expect(times.every((t) => t >= '2024-05-12T00:00:00.000Z' && t <= '2024-05-13T01:00:00.000Z')).toBe(true);
    expect(window.stderr).not.toContain('internal error');
  });

  it('a new_terms rule is refused as Kibana refuses it, naming the file and both fields', async () => {
    const rule = await ruleWith('abs-nt.json', (r) => {
      r.from = '2019-02-19T20:42:00.000Z';
    });
    const r = await runCli(['-q', '--rule', rule, DEMO]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${rule}: history_window_start "now-14d" is not earlier than from "2019-02-19T20:42:00.000Z"`);
    expect(r.stderr).not.toContain('internal error');
  });
});

describe('no temporary files survive', () => {
  it('a failed run leaves no lock or temporary state next to the state file', async () => {
    const state = join(dir, 'clean-state.json');
    await runCli(['-q', '-f', 'ndjson', '--max-malformed', '0', '--state', state, DEMO]);
    expect(existsSync(state)).toBe(false);
    expect(existsSync(`${state}.lock`)).toBe(false);
    copyFileSync(DEMO_ABS, join(dir, 'copy.ndjson'));
  });
});
