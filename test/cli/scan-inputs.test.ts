/**
 * `scan` end to end, the input side: where events come from (stdin, files, directories, gzip) and
 * how bad input is reported, counted, or made fatal with --strict. That every input shape yields the
 * same alerts is checked in-process (test/engine/scan-pipeline.test.ts).
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO, field, lineRef, once, parseNdjson, readFixture, runCli, SHAPES, STACK_FRAME, tempDir, type Doc } from './run-cli.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const scalar = (v: unknown): unknown => (Array.isArray(v) && v.length === 1 ? v[0] : v);

/** What identifies an alert's source event whatever shape it came in, plus its new terms. */
function identity(alert: Doc): string {
  return JSON.stringify([
    alert['kibana.alert.new_terms'],
    alert['kibana.alert.original_time'],
    scalar(field(alert, 'host.name')),
    scalar(field(alert, 'process.command_line')),
    scalar(field(alert, 'process.pid')),
  ]);
}

const identities = (stdout: string): string[] => parseNdjson(stdout).map(identity).sort();

// The shapes fixtures hold the same three events (one excluded by its dkms parent) in every shape.
const hits = once(() => runCli(['-v', '--format', 'ndjson', `${SHAPES}/hits.ndjson`]));

describe('scan reads its inputs', () => {
  it('finds the two alerts of the shapes fixture in a file of Elasticsearch hits', async () => {
    const r = await hits();
    expect(r.code).toBe(1);
    const alerts = parseNdjson(r.stdout);
    expect(alerts.map((a) => a['kibana.alert.new_terms'])).toEqual([
      ['/usr/bin/kmod', '/usr/bin/bash'],
      ['/usr/sbin/modinfo', '/usr/bin/bash'],
    ]);
  });

  it('reads stdin when the input is "-"', async () => {
    const r = await runCli(['-v', '--format', 'ndjson', '-'], { input: readFixture(`${SHAPES}/hits.ndjson`) });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe((await hits()).stdout);
  });

  it('reads stdin when no input is given', async () => {
    const r = await runCli(['-v', '--format', 'ndjson'], { input: readFixture(`${SHAPES}/hits.ndjson`) });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe((await hits()).stdout);
  });

  it('reads several files as one input: the demo cut in two gives the demo’s alerts', async () => {
    const lines = readFixture(DEMO).toString('utf8').split('\n');
    const [first, second] = [tmp.path('demo-part1.ndjson'), tmp.path('demo-part2.ndjson')];
    writeFileSync(first, lines.slice(0, 140).join('\n') + '\n');
    writeFileSync(second, lines.slice(140).join('\n'));
    const [both, demo] = await Promise.all([runCli(['-v', '--format', 'ndjson', first, second]), runCli(['-v', '--format', 'ndjson', DEMO])]);
    expect(both.code).toBe(1);
    expect(both.stderr).toMatch(/files:\s+2\n/);
    expect(both.stderr).toMatch(/lines read:\s+284\n/);
    expect(identities(both.stdout)).toEqual(identities(demo.stdout));
    expect(parseNdjson(both.stdout).map((a) => a['kibana.alert.uuid'])).toEqual(parseNdjson(demo.stdout).map((a) => a['kibana.alert.uuid']));
  });

  it('recurses into a directory, taking files of events whatever their name, skipping and reporting the others', async () => {
    const dir = tmp.path('logs');
    mkdirSync(`${dir}/nested/deeper`, { recursive: true });
    copyFileSync(`${SHAPES}/hits.ndjson`, `${dir}/a.ndjson`);
    copyFileSync(`${SHAPES}/events.ndjson.gz`, `${dir}/nested/deeper/b.json.gz`);
    writeFileSync(`${dir}/notes.txt`, 'not events at all\n');
    const r = await runCli(['-v', '--format', 'ndjson', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/files:\s+2\n/);
    expect(r.stderr).toMatch(/files skipped \(no events\):\s+1\n/);
    expect(r.stderr).toContain(`skipped 1 file that holds no events: ${dir}/notes.txt (plain text (not JSON))`);
    // The same events twice: the same two alerts (alerts are per combination, not per copy).
    expect(identities(r.stdout)).toEqual(identities((await hits()).stdout));
  });

  it('detects gzip by its magic bytes, not by the file name', async () => {
    const plain = tmp.path('actually-gzip.ndjson');
    copyFileSync(`${SHAPES}/events.ndjson.gz`, plain);
    const viaStdin = await runCli(['-v', '--format', 'ndjson'], { input: readFixture(`${SHAPES}/events.ndjson.gz`) });
    const viaName = await runCli(['-v', '--format', 'ndjson', plain]);
    for (const r of [viaName, viaStdin]) {
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/malformed lines:\s+0\n/);
      expect(identities(r.stdout)).toEqual(identities((await hits()).stdout));
    }
  });

  it('names a missing input on stderr and exits 2 with nothing on stdout', async () => {
    const r = await runCli(['-v', '--format', 'ndjson', 'fixtures/no-such-file.ndjson']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('fixtures/no-such-file.ndjson');
    expect(r.stderr).not.toMatch(STACK_FRAME);
  });
});

describe('bad input is reported as file:line: what, counted, and the run goes on', () => {
  const bad = `${SHAPES}/bad-lines.ndjson`;
  // Without the raw-bytes prefilter every line is decoded, so every bad line is seen and reported.
  const run = once(() => runCli(['-v', '--no-prefilter', '--format', 'ndjson', bad]));
  const prefiltered = once(() => runCli(['-v', '--format', 'ndjson', bad]));
  const count = (stderr: string, label: string): number => Number(new RegExp(`${label}:\\s+(\\d+)\\n`).exec(stderr)?.[1]);

  it('still finds the alerts between the bad lines', async () => {
    const r = await run();
    expect(r.code).toBe(1);
    expect(identities(r.stdout)).toEqual(identities((await hits()).stdout));
  });

  it.each([
    [3, /truncated JSON/],
    [4, /not an object/],
    [5, /invalid JSON/],
    [6, /invalid UTF-8/],
    [9, /invalid JSON/],
  ])('reports line %i on stderr', async (line, what) => {
    const r = await run();
    const reported = r.stderr.split('\n').find((l) => lineRef(bad, line).test(l));
    expect(reported).toBeDefined();
    expect(reported).toMatch(what);
    expect(r.stdout).not.toContain(`${bad}:${line}`);
  });

  it('counts every line: read = evaluated + skipped by index + blank + malformed, malformed by kind', async () => {
    const { stderr } = await run();
    expect(count(stderr, 'lines read')).toBe(10);
    expect(count(stderr, 'blank lines')).toBe(2); // an empty line and a whitespace-only (CR) line
    expect(count(stderr, 'malformed lines')).toBe(5);
    expect(count(stderr, 'lines passed over by the prefilter')).toBe(0);
    expect(count(stderr, 'lines read')).toBe(
      count(stderr, 'lines evaluated') + count(stderr, 'lines skipped by index pattern') + count(stderr, 'blank lines') + count(stderr, 'malformed lines'),
    );
    expect(stderr).toMatch(/malformed by kind:.*invalid-json 2/);
    expect(stderr).toMatch(/malformed by kind:.*not-an-object 1/);
    expect(stderr).toMatch(/malformed by kind:.*invalid-utf8 1/);
    expect(stderr).toMatch(/malformed by kind:.*truncated 1/);
  });

  it('with the prefilter on, still accounts for every line and finds the same alerts', async () => {
    const r = await prefiltered();
    const { stderr } = r;
    expect(count(stderr, 'lines read')).toBe(10);
    expect(count(stderr, 'lines read')).toBe(
      count(stderr, 'lines evaluated') +
        count(stderr, 'lines passed over by the prefilter') +
        count(stderr, 'lines skipped by index pattern') +
        count(stderr, 'blank lines') +
        count(stderr, 'malformed lines'),
    );
    expect(identities(r.stdout)).toEqual(identities((await run()).stdout));
  });

  it('reads a BOM, CRLF line ends and a last line without newline as clean input', async () => {
    const r = await runCli(['-v', '--format', 'ndjson', `${SHAPES}/crlf-bom.ndjson`]);
    expect(r.stderr).toMatch(/malformed lines:\s+0\n/);
    expect(r.stderr).toMatch(/lines read:\s+3\n/);
    expect(r.stderr).not.toMatch(/^warning:/m);
  });

  it('reports a line over the size limit (64 MiB) as too long and goes on', async () => {
    const hitLines = readFixture(`${SHAPES}/hits.ndjson`).toString('utf8').split('\n');
    const file = tmp.path('long-line.ndjson');
    writeFileSync(file, `${hitLines[0]}\n{"message":"${'x'.repeat(65 * 1024 * 1024)}"}\n${hitLines[2]}\n`);
    const [lenient, strict] = await Promise.all([runCli(['-v', '--format', 'ndjson', file]), runCli(['--strict', '--format', 'ndjson', file])]);
    expect(lenient.code).toBe(1);
    expect(lenient.stderr).toMatch(lineRef(file, 2));
    expect(lenient.stderr).toMatch(/line too long/);
    expect(lenient.stderr).toMatch(/malformed by kind:.*too-long 1/);
    expect(parseNdjson(lenient.stdout)).toHaveLength(2);
    expect(strict.code).toBe(2);
    expect(strict.stderr).toContain(`${file}:2:`);
  });

  it('--strict stops at the first bad line with exit 2 naming file:line, and writes no alerts', async () => {
    const r = await runCli(['--strict', '--format', 'ndjson', bad]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(lineRef(bad, 3));
    expect(r.stderr).toMatch(/truncated JSON/);
    expect(r.stderr).not.toContain(`${bad}:4`);
    expect(r.stderr).not.toMatch(STACK_FRAME);
  });

  it('reports the demo export’s bad lines (61, 151, 231) by file and line', async () => {
    const r = await runCli(['-v', '--format', 'ndjson', '--exit-zero', DEMO]);
    for (const line of [61, 151, 231]) expect(r.stderr).toMatch(lineRef(DEMO, line));
    expect(r.stderr).toMatch(/blank lines:\s+1\n/);
    expect(r.stderr).toMatch(/malformed lines:\s+3\n/);
  });
});
