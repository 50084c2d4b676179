/**
 * Habits users bring from grep, ripgrep, jq and chainsaw (issue 12 item 7), each as a user would
 * try it on the demo export.
 */
import { describe, expect, it } from 'vitest';
import { DEMO, field, once, parseNdjson, runCli, STACK_FRAME } from './run-cli.js';

const demo = once(() => runCli(['--format', 'ndjson', DEMO]));

describe('scan -c', () => {
  it('prints only the number of alerts, exit 1 when there are some, warnings still on stderr', async () => {
    const [r, full] = await Promise.all([runCli(['-c', DEMO]), demo()]);
    expect(r.stdout).toBe(`${parseNdjson(full.stdout).length}\n`);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^warning: fixtures\/demo\/events\.ndjson:61/m);
    expect(r.stderr).not.toMatch(/lines ·|lines read/);
  });

  it('prints 0 and exits 0 when nothing alerts, in a pipe or on a terminal format', async () => {
    const r = await runCli(['--count', '--format', 'pretty', '-'], { input: '{"process":{"name":"ls"}}\n' });
    expect(r.stdout).toBe('0\n');
    expect(r.code).toBe(0);
  });
});

describe('--since/--until filter events; --start/--end place the schedule', () => {
  const since = '2024-05-13T00:00:00Z';
  const filtered = once(() => runCli(['--format', 'ndjson', '--since', since, DEMO]));
  const scheduled = once(() => runCli(['--format', 'ndjson', '--start', since, DEMO]));
  const time = (a: Record<string, unknown>): number => Date.parse(String(field(a, 'event.ingested') ?? a['kibana.alert.original_time']));

  it('--since leaves earlier events out entirely: a pair seen before it alerts again after it', async () => {
    const [f, s] = await Promise.all([filtered(), scheduled()]);
    const fa = parseNdjson(f.stdout);
    const sa = parseNdjson(s.stdout);
    for (const a of [...fa, ...sa]) expect(time(a)).toBeGreaterThanOrEqual(Date.parse(since));
    // --start keeps earlier events as history, so their pairs are not new after it; --since forgets them.
    expect(fa.length).toBeGreaterThan(sa.length);
    const terms = (xs: Array<Record<string, unknown>>) => xs.map((a) => JSON.stringify(a['kibana.alert.new_terms']));
    expect(terms(fa)).toEqual(expect.arrayContaining(terms(sa)));
    expect(f.stderr).toMatch(/\d+ matches outside --since\/--until/);
  });

  it('--until drops later events, and both take date math as well as ISO times', async () => {
    const [until, math] = await Promise.all([
      runCli(['--format', 'ndjson', '--until', '2024-05-12T12:00:00Z', DEMO]),
      runCli(['--format', 'ndjson', '--since', 'now-1d', DEMO]),
    ]);
    const ua = parseNdjson(until.stdout);
    expect(ua.length).toBeGreaterThan(0);
    for (const a of ua) expect(time(a)).toBeLessThanOrEqual(Date.parse('2024-05-12T12:00:00Z'));
    // The demo is from 2024: nothing in it is from the last day.
    expect(math.stdout).toBe('');
    expect(math.code).toBe(0);
  });

  it('refuses a time that is neither ISO nor date math, exit 2', async () => {
    const r = await runCli(['--since', 'yesterday', DEMO]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--since.*ISO-8601.*date math.*"yesterday"/);
  });

  it('says in --help which is which', async () => {
    const r = await runCli(['scan', '--help']);
    expect(r.stdout).toMatch(/--since <time>\s+only events at or after TIME/);
    expect(r.stdout).toMatch(/--start <iso>\s+first scheduled run/);
  });
});

describe('a mistyped command', () => {
  it('asks "did you mean `scan`?" instead of looking for a file named scna, exit 2', async () => {
    const r = await runCli(['scna', 'f']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('kmod-enum-detect: "scna" is neither a command nor a file: did you mean `scan`? (run with --help for usage)\n');
    const other = await runCli(['expalin', DEMO]);
    expect(other.stderr).toMatch(/did you mean `explain`\?/);
  });

  it('still reads an existing file whose name looks like a command, and names a missing file that does not', async () => {
    const r = await runCli(['no-such-file.ndjson']);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(/did you mean/);
    expect(r.stderr).not.toMatch(STACK_FRAME);
  });
});

describe('--nested', () => {
  it('writes alerts with nested objects, so jq .kibana.alert.uuid works; the default keeps Kibana’s flat keys', async () => {
    const [nested, flat] = await Promise.all([runCli(['--format', 'ndjson', '--nested', DEMO]), demo()]);
    const n = parseNdjson(nested.stdout) as Array<{ kibana: { alert: { uuid: string } } }>;
    const f = parseNdjson(flat.stdout);
    expect(n.map((a) => a.kibana.alert.uuid)).toEqual(f.map((a) => a['kibana.alert.uuid']));
    expect(Object.keys(f[0]!)).toContain('kibana.alert.uuid');
    expect(Object.keys(n[0]!).some((k) => k.includes('.'))).toBe(false);
  });
});

describe('the summary on stderr', () => {
  it('is one line by default: lines, matches, alerts, and malformed lines pointing at the warnings', async () => {
    const r = await demo();
    const summary = r.stderr.split('\n').filter((l) => !l.startsWith('warning:') && l !== '');
    expect(summary).toEqual(['284 lines · 22 matches · 7 alerts · 3 malformed (see warnings)']);
  });

  it('is whole with -v or --summary full, absent with --summary none or -q', async () => {
    const [v, full, none, q] = await Promise.all([
      runCli(['-v', '--format', 'ndjson', DEMO]),
      runCli(['--summary', 'full', '--format', 'ndjson', DEMO]),
      runCli(['--summary', 'none', '--format', 'ndjson', DEMO]),
      runCli(['-q', '--format', 'ndjson', DEMO]),
    ]);
    expect(v.stderr).toMatch(/^Input\n/m);
    expect(v.stderr).toMatch(/rule uuid:/);
    expect(full.stderr).toBe(v.stderr);
    for (const r of [none, q]) {
      expect(r.stderr).not.toMatch(/lines|Input/);
      expect(r.stderr).toMatch(/^warning:/m);
    }
  });

  it('names the rule’s event-time field beside the earliest and latest matching event', async () => {
    const r = await runCli(['-v', '--format', 'ndjson', DEMO]);
    expect(r.stderr).toMatch(/event time:\s+event\.ingested, else @timestamp\n\s+earliest matching event:/);
  });
});

describe('table options', () => {
  it('--columns, --wide and --tz change the table only, never the documents', async () => {
    const r = await runCli(['--format', 'pretty', '--columns', 'time,host,process.pid', '--wide', '--tz', 'Asia/Kolkata', DEMO]);
    const [header, first] = r.stdout.split('\n');
    expect(header).toMatch(/^time\s+host\s+process\.pid$/);
    expect(first).toMatch(/^2024-05-12T05:32:00\.000\+05:30\s+web-02\s+\d+$/);
  });

  it('refuses an unknown column or time zone, exit 2', async () => {
    const [col, tz] = await Promise.all([runCli(['--columns', 'host,bogus column', DEMO]), runCli(['--tz', 'Mars/Olympus', DEMO])]);
    expect(col.code).toBe(2);
    expect(col.stderr).toMatch(/--columns: unknown column "bogus column"/);
    expect(tz.code).toBe(2);
    expect(tz.stderr).toMatch(/--tz: expected a time zone/);
  });
});
