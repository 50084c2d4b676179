/**
 * `scan` end to end, the output side: every --format, --output, stdout carrying data only, exit
 * codes, usage errors, --quiet, colour, and a reader that goes away early (`| head -1`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { ANSI, CLI, cleanEnv, DEMO, lineRef, once, parseNdjson, readFixture, ROOT, runCli, runCliHead1, SHAPES, STACK_FRAME, tempDir, type Doc } from './run-cli.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

/** The demo's parseable lines that mention none of the rule's programs: events, but nothing to alert on. */
const noise = once(async () => {
  const file = tmp.path('noise.ndjson');
  const lines = readFixture(DEMO)
    .toString('utf8')
    .split('\n')
    .filter((l) => {
      try {
        JSON.parse(l);
      } catch {
        return false;
      }
      return !/lsmod|modinfo|kmod|depmod/i.test(l);
    });
  expect(lines.length).toBeGreaterThan(200);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
});

const demoNdjson = once(() => runCli(['-v', '--format', 'ndjson', DEMO]));
const demoJson = once(() => runCli(['--format', 'json', DEMO]));

describe('exit codes', () => {
  it('exits 1 when alerts are found (the demo export)', async () => {
    expect((await demoNdjson()).code).toBe(1);
  });

  it('exits 0 with nothing on stdout when the input holds only noise', async () => {
    const r = await runCli(['-v', '--format', 'ndjson', await noise()]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/alerts:\s+0\n/);
  });

  it('exits 0 with --exit-zero and still writes the alerts', async () => {
    const r = await runCli(['--format', 'ndjson', '--exit-zero', DEMO]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe((await demoNdjson()).stdout);
  });

  it.each([
    ['an unknown option', ['--bogus', DEMO], /unknown option '--bogus'/],
    ['a bad --format', ['--format', 'xml', DEMO], /--format.*pretty, ndjson, json, bulk/],
    ['a bad --start', ['--start', 'yesterday', DEMO], /--start.*ISO-8601.*"yesterday"/],
    ['a bad --end', ['--end', '2024-13-45', DEMO], /--end/],
    ['a bad --mode', ['--mode', 'eql', DEMO], /--mode/],
    ['a bad --max-signals', ['--max-signals', '0', DEMO], /--max-signals/],
    ['--runs with --start', ['--runs', 'x', '--start', '2024-05-14T00:00:00Z', DEMO], /--runs/],
  ])('exits 2 on %s, saying what is wrong on stderr and nothing on stdout', async (_what, args, message) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(STACK_FRAME);
  });
});

describe('--format ndjson (the default when stdout is not a terminal)', () => {
  it('writes one alert document per line, each with kibana.alert.uuid', async () => {
    const { stdout } = await demoNdjson();
    expect(stdout.endsWith('\n')).toBe(true);
    const lines = stdout.slice(0, -1).split('\n');
    expect(lines).toHaveLength(7);
    for (const line of lines) {
      const alert = JSON.parse(line) as Doc;
      expect(alert['kibana.alert.uuid']).toMatch(/^[0-9a-f]{40}$/);
      expect(alert['event.kind']).toBe('signal');
    }
    expect(new Set(lines.map((l) => (JSON.parse(l) as Doc)['kibana.alert.uuid'])).size).toBe(7);
  });

  it('is what a pipe gets without --format', async () => {
    const r = await runCli([DEMO]);
    expect(r.stdout).toBe((await demoNdjson()).stdout);
  });

  it('keeps stdout data-only: the summary and the bad-line warnings go to stderr', async () => {
    const { stdout, stderr } = await demoNdjson();
    for (const line of stdout.trimEnd().split('\n')) expect(() => JSON.parse(line) as unknown).not.toThrow();
    expect(/^(warning:|Input$|Detection$|\s+lines read:)/m.test(stdout)).toBe(false);
    expect(stderr).toMatch(/lines read:\s+284\n/);
    expect(stderr).toMatch(/alerts:\s+7\n/);
    expect(stderr).toMatch(new RegExp(`^warning: ${lineRef(DEMO, 61).source}`, 'm'));
  });

  it('shows no progress line when stderr is not a terminal', async () => {
    const { stderr } = await demoNdjson();
    expect(stderr).not.toContain('\r');
    expect(stderr).not.toMatch(/events\/s/);
  });
});

describe('--format json', () => {
  it('writes one JSON document with alerts, summary and warnings', async () => {
    const r = await demoJson();
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as { alerts: Doc[]; summary: Record<string, Record<string, unknown>>; warnings: Array<Record<string, unknown>>; errors: unknown[] };
    expect(Object.keys(doc)).toEqual(expect.arrayContaining(['alerts', 'summary', 'warnings']));
    expect(doc.alerts.map((a) => a['kibana.alert.uuid'])).toEqual(parseNdjson((await demoNdjson()).stdout).map((a) => a['kibana.alert.uuid']));
    expect(doc.summary.input).toMatchObject({ lines_read: 284, lines_malformed: 3, lines_blank: 1 });
    expect(doc.summary.detection).toMatchObject({ alerts: 7, mode: 'new_terms' });
    expect(doc.errors).toEqual([]);
  });

  it('writes warnings as objects (file, line, column, kind, message) and malformed counts by kind as an object', async () => {
    const doc = JSON.parse((await demoJson()).stdout) as { summary: { input: Record<string, unknown> }; warnings: Array<Record<string, unknown>> };
    expect(doc.warnings).toEqual([
      { kind: 'truncated', file: DEMO, line: 61, column: 1131, message: expect.stringMatching(/^truncated JSON/) },
      { kind: 'not-an-object', file: DEMO, line: 151, message: expect.stringMatching(/^not an object/) },
      { kind: 'invalid-json', file: DEMO, line: 231, message: expect.stringMatching(/^invalid JSON/) },
    ]);
    expect(doc.summary.input['malformed_by_kind']).toEqual({ truncated: 1, 'not-an-object': 1, 'invalid-json': 1 });
  });

  it('writes a valid document with an empty alert list when nothing alerts', async () => {
    const r = await runCli(['--format', 'json', await noise()]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { alerts: unknown[]; summary: { detection: { alerts: number } } };
    expect(doc.alerts).toEqual([]);
    expect(doc.summary.detection.alerts).toBe(0);
  });
});

describe('--format bulk', () => {
  it('writes valid _bulk pairs: a create action into .alerts-security.alerts-default with the alert id, then the alert', async () => {
    const r = await runCli(['--format', 'bulk', DEMO]);
    expect(r.code).toBe(1);
    // _bulk needs every line, the last included, to end with a newline.
    expect(r.stdout.endsWith('\n')).toBe(true);
    const lines = r.stdout.slice(0, -1).split('\n').map((l) => JSON.parse(l) as Doc);
    expect(lines).toHaveLength(14);
    const alerts = parseNdjson((await demoNdjson()).stdout);
    for (let i = 0; i < lines.length; i += 2) {
      const action = lines[i]!;
      const doc = lines[i + 1]!;
      expect(action).toEqual({ create: { _index: '.alerts-security.alerts-default', _id: doc['kibana.alert.uuid'] } });
      expect(doc).toEqual(alerts[i / 2]);
    }
  });
});

describe('--format pretty', () => {
  const pretty = once(() => runCli(['-v', '--format', 'pretty', '--no-color', `${SHAPES}/hits.ndjson`]));

  it('writes a table of alerts without ANSI codes under --no-color', async () => {
    const r = await pretty();
    expect(r.code).toBe(1);
    expect(r.stdout).not.toMatch(ANSI);
    expect(r.stderr).not.toMatch(ANSI);
    const [header, ...rows] = r.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^time\s+host\s+user\s+command line\s+process\s+parent$/);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/web-01.*lsmod.*\/usr\/bin\/kmod\s+\/usr\/bin\/bash$/);
    expect(rows[1]).toMatch(/db-02.*modinfo nf_conntrack.*\/usr\/sbin\/modinfo\s+\/usr\/bin\/bash$/);
  });

  it('leaves the summary footer to stderr', async () => {
    const r = await pretty();
    expect(r.stdout).not.toMatch(/lines read/);
    expect(r.stderr).toMatch(/lines read:\s+3\n/);
  });

  it('has no colour in a pipe, colour with --color or FORCE_COLOR, none with NO_COLOR', async () => {
    const args = ['--format', 'pretty', `${SHAPES}/hits.ndjson`];
    const [plain, flag, force, noColor] = await Promise.all([
      runCli(args),
      runCli(['--color', ...args]),
      runCli(args, { env: { FORCE_COLOR: '1' } }),
      runCli(args, { env: { NO_COLOR: '1' } }),
    ]);
    expect(plain.stdout).not.toMatch(ANSI);
    expect(flag.stdout).toMatch(ANSI);
    expect(force.stdout).toMatch(ANSI);
    expect(noColor.stdout).not.toMatch(ANSI);
  });
});

describe('--output FILE', () => {
  it('writes the alerts to the file, nothing to stdout, and leaves no temporary file behind', async () => {
    const dir = tmp.path('');
    const out = tmp.path('alerts.ndjson');
    const r = await runCli(['-v', '--format', 'ndjson', '--output', out, DEMO]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(readFileSync(out, 'utf8')).toBe((await demoNdjson()).stdout);
    expect(r.stderr).toMatch(/alerts:\s+7\n/);
    expect(readdirSync(dir).filter((f) => f.includes('alerts.ndjson'))).toEqual(['alerts.ndjson']);
  });

  it('exits 2 naming --output when the file cannot be written, and creates nothing', async () => {
    const out = tmp.path('no-such-dir/alerts.ndjson');
    const r = await runCli(['--format', 'ndjson', '--output', out, DEMO]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--output ${out}`);
    expect(existsSync(out)).toBe(false);
  });
});

describe('--quiet', () => {
  it('prints no summary; on clean input stderr stays empty', async () => {
    const r = await runCli(['--quiet', '--format', 'ndjson', `${SHAPES}/hits.ndjson`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(parseNdjson(r.stdout)).toHaveLength(2);
  });

  it('prints no summary but still reports bad lines', async () => {
    const r = await runCli(['-q', '--format', 'ndjson', DEMO]);
    expect(r.stderr).not.toMatch(/lines read|Detection|alerts:/);
    expect(r.stderr).toMatch(lineRef(DEMO, 61));
    expect(r.stdout).toBe((await demoNdjson()).stdout);
  });
});

describe('a reader that stops early (| head -1)', () => {
  // --mode query on the demo writes ~230 KB, more than a pipe holds, so the CLI does hit EPIPE.
  const args = ['--mode', 'query', '--format', 'ndjson', DEMO];

  it('ends quietly: first line intact, exit 0 or 1, no stack trace, no EPIPE message', async () => {
    const r = await runCliHead1(args);
    expect(JSON.parse(r.firstLine)).toHaveProperty(['kibana.alert.uuid']);
    expect(r.signal).toBeNull();
    expect([0, 1]).toContain(r.code);
    expect(r.stderr).not.toMatch(STACK_FRAME);
    expect(r.stderr).not.toMatch(/EPIPE|internal error/);
  });

  it('ends quietly in a shell pipeline into head -1', () => {
    const status = tmp.path('head-status');
    const script = `{ "$0" "$@" 2>"${tmp.path('head-stderr')}"; echo $? >"${status}"; } | head -1`;
    const r = spawnSync('sh', ['-c', script, process.execPath, CLI, ...args], { cwd: ROOT, env: cleanEnv(), encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n').filter((l) => l !== '')).toHaveLength(1);
    expect(['0', '1']).toContain(readFileSync(status, 'utf8').trim());
    const stderr = readFileSync(tmp.path('head-stderr'), 'utf8');
    expect(stderr).not.toMatch(STACK_FRAME);
    expect(stderr).not.toMatch(/EPIPE|internal error/);
  });
});
