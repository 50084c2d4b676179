/**
 * Issue 6 end to end: `explain` (tree and JSON), `dsl` (and `--window`), `rule show`, and `--rule`
 * for each rule file format, with refusals for rules the tool cannot evaluate.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ANSI, DEMO, lineRef, once, parseNdjson, ROOT, runCli, SHAPES, STACK_FRAME, type Doc } from './run-cli.js';

const HITS = `${SHAPES}/hits.ndjson`;
const RULES = 'fixtures/rules';
/** The built-in rule's own package JSON, read as a user's --rule file. */
const PACKAGED = 'src/rule/builtin/2d8043ed-5bda-4caf-801c-c1feb7410504_210.json';
const V210_RULE_ID = '2d8043ed-5bda-4caf-801c-c1feb7410504';

type Obj = Record<string, unknown>;

/**
 * The v210 DSL, derived from the v211 seed as in test/kql/dsl.test.ts: drop the v211 wildcard clause
 * (leaving must_not with the parent-name list's bool directly) and the newrelic-infra term.
 */
function v210Dsl(): Obj {
  const seed = JSON.parse(readFileSync(`${ROOT}/fixtures/dsl/seed_query_dsl_term.json`, 'utf8')) as Obj;
  const top = (seed.bool as Obj).filter as Obj[];
  const clauses = (top[0]!.bool as Obj).filter as Obj[];
  const exclusion = clauses[clauses.length - 1]!.bool as Obj;
  const outerOr = (exclusion.must_not as Obj).bool as Obj;
  const [nameList] = outerOr.should as Obj[];
  const names = (nameList!.bool as Obj).should as Obj[];
  (nameList!.bool as Obj).should = names.filter((c) => !JSON.stringify(c).includes('newrelic-infra'));
  exclusion.must_not = nameList;
  return seed;
}

describe('explain', () => {
  const tree = once(() => runCli(['explain', '--no-color', HITS]));
  const json = once(() => runCli(['explain', '--format', 'json', HITS]));

  it('shows per event the branch that matched, with the value that satisfied it', async () => {
    const r = await tree();
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(ANSI);
    expect(r.stdout).toContain(`${HITS}:1`);
    expect(r.stdout).toMatch(/^MATCH\s+matched branch process\.name:\(lsmod or modinfo\) \(process\.name = "lsmod"\)/m);
    expect(r.stdout).toMatch(/^MATCH\s+matched branch process\.name:\(lsmod or modinfo\) \(process\.name = "modinfo"\)/m);
  });

  it('names the exclusion that stopped an event (the depmod under dkms)', async () => {
    const r = await tree();
    expect(r.stdout).toMatch(/^NO MATCH\s+excluded by not process\.parent\.name:.*process\.parent\.name = "dkms"/m);
  });

  it('ends with per-clause counts: which branch matched, which exclusion suppressed', async () => {
    const r = await tree();
    expect(r.stdout).toMatch(/Per-clause counts \(3 events, 2 matched/);
    expect(r.stdout).toMatch(/^\s+process\.parent\.name:dkms\s+1\s+suppressed 1$/m);
    expect(r.stdout).toMatch(/^\s+process\.name:\(lsmod or modinfo\)\s+2\s+matched 2$/m);
  });

  it('--format json writes one record per event and the clause counts last', async () => {
    const r = await json();
    expect(r.code).toBe(0);
    const records = parseNdjson(r.stdout);
    const events = records.filter((x) => x.type === 'event');
    expect(events.map((e) => [e.line, e.matched])).toEqual([
      [1, true],
      [2, false],
      [3, true],
    ]);
    expect(events[0]).toMatchObject({ file: HITS, id: '7IkkKQygT_T7H2GgMDLU', in_rule_indices: true });
    const counts = records.at(-1)!;
    expect(counts).toMatchObject({ type: 'clause_counts', events: 3, matched: 2 });
    const rows = counts.rows as Doc[];
    expect(rows.find((row) => row.clause === 'process.parent.name:dkms')).toMatchObject({ held: 1, suppressed: 1 });
  });

  it('counts what scan counts: events outside the rule’s index patterns are shown but not counted', async () => {
    const [ex, tree, scan] = await Promise.all([
      runCli(['explain', '--format', 'json', DEMO]),
      runCli(['explain', '--no-color', DEMO]),
      runCli(['--format', 'json', DEMO]),
    ]);
    const scanMatched = (JSON.parse(scan.stdout) as { summary: { input: { events_matched: number } } }).summary.input.events_matched;
    const records = parseNdjson(ex.stdout);
    const matched = records.filter((x) => x.type === 'event' && x.matched === true && x.in_rule_indices === true);
    expect(matched.length).toBe(scanMatched);
    expect(records.at(-1)).toMatchObject({ type: 'clause_counts', matched: scanMatched });
    expect((records.at(-1) as { events_outside_index: number }).events_outside_index).toBeGreaterThan(0);
    expect(tree.stdout).toMatch(new RegExp(`^Per-clause counts \\(\\d+ events, ${scanMatched} matched, .*outside the index patterns, not counted\\)$`, 'm'));
    expect(ex.stderr).toMatch(lineRef(DEMO, 61));
  });

  it('names each event by file:line, time, host, user and command line; stdin as stdin', async () => {
    const r = await runCli(['explain', '--no-color', '-'], { input: readFileSync(join(ROOT, HITS)) });
    expect(r.stdout).toMatch(/^stdin:1 {2}2024-05-14T09:21:07\.441Z \(ingested 2024-05-14T09:21:14\.000Z\) {2}web-01 {2}ubuntu {2}\$ lsmod {2}\.ds-logs-endpoint/m);
    expect(r.stdout).not.toMatch(/^-:1/m);
    const record = parseNdjson((await json()).stdout).find((x) => x.type === 'event' && x.line === 1)!;
    expect(record).toMatchObject({ time: '2024-05-14T09:21:07.441Z', ingested: '2024-05-14T09:21:14.000Z', host: 'web-01', user: 'ubuntu', command_line: 'lsmod' });
  });

  it('--matches-only shows matching events only', async () => {
    const r = await runCli(['explain', '--no-color', '--matches-only', HITS]);
    expect(r.stdout.match(/^MATCH/gm)).toHaveLength(2);
    expect(r.stdout).not.toMatch(/^NO MATCH/m);
  });

  it('colours the tree with --color only', async () => {
    const r = await runCli(['explain', '--color', HITS]);
    expect(r.stdout).toMatch(ANSI);
  });
});

describe('explain: why (no) alert', () => {
  const demoJson = once(() => runCli(['explain', '--format', 'json', DEMO]));
  const fatesOf = async (args: string[] = []) =>
    parseNdjson((args.length === 0 ? await demoJson() : await runCli(['explain', '--format', 'json', ...args, DEMO])).stdout).filter(
      (x) => x.type === 'event' && x.matched === true,
    ) as Array<Doc & { fate: { kind: string; firstSeen?: { origin: { file: string; line: number } } }; fate_text: string }>;

  it('says of each matching event whether it alerted, agreeing with scan on which events did', async () => {
    const [fates, scan] = await Promise.all([fatesOf(), runCli(['--format', 'ndjson', DEMO])]);
    const alerted = fates.filter((f) => f.fate.kind === 'alerted');
    const alerts = parseNdjson(scan.stdout);
    expect(alerted).toHaveLength(alerts.length);
    expect(alerted.map((f) => f.command_line).sort()).toEqual(alerts.map((a) => String((a.process as Obj).command_line)).sort());
    for (const f of fates) expect(f.fate_text).toBeTruthy();
  });

  it('names where a repeated pair was first seen: the lsmod at line 120 is not new because of line 15', async () => {
    const fate = (await fatesOf()).find((f) => f.line === 120)!;
    expect(fate.fate.kind).toBe('not-new');
    expect(fate.fate.firstSeen!.origin).toEqual({ file: DEMO, line: 15 });
    const tree = await runCli(['explain', '--no-color', '--matches-only', DEMO]);
    expect(tree.stdout).toMatch(new RegExp(`^${DEMO.replace(/[./]/g, '\\$&')}:120 .*\\n^MATCH .*\\n^NO ALERT {2}not new in run .*first seen 2024-05-12T03:36:08\\.000Z at ${DEMO.replace(/[./]/g, '\\$&')}:15, within the history window$`, 'm'));
  });

  it('says a matching event outside the index patterns was never searched', async () => {
    const outside = (await fatesOf()).filter((f) => f.in_rule_indices === false);
    expect(outside.length).toBeGreaterThan(0);
    for (const f of outside) expect(f.fate.kind).toBe('outside-index');
  });

  it('follows the scan options: with --start, the alerts explain reports are scan --start’s', async () => {
    const start = '2024-05-13T00:00:00Z';
    const [fates, scan] = await Promise.all([fatesOf(['--start', start]), runCli(['--format', 'ndjson', '--start', start, DEMO])]);
    expect(fates.filter((f) => f.fate.kind === 'alerted')).toHaveLength(parseNdjson(scan.stdout).length);
  });

  it('names stdin as stdin in fates too', async () => {
    const r = await runCli(['explain', '--no-color', '--matches-only'], { input: readFileSync(join(ROOT, DEMO)) });
    expect(r.stdout).toMatch(/first seen .* at stdin:1, within the history window/);
    expect(r.stdout).not.toMatch(/kmod-explain-/);
    expect(r.stderr).toMatch(/^warning: stdin:61:/m);
  });
});

describe('scan --explain', () => {
  it('adds to each alert the branch of the query that matched', async () => {
    const r = await runCli(['--format', 'ndjson', '--explain', HITS]);
    expect(r.code).toBe(1);
    const explained = parseNdjson(r.stdout).map((a) => [a['process.name'] ?? (a.process as Obj).name, a['kmod_enum_detect.explain']]);
    expect(explained).toEqual([
      ['lsmod', 'matched branch process.name:(lsmod or modinfo) (process.name = "lsmod")'],
      ['modinfo', 'matched branch process.name:(lsmod or modinfo) (process.name = "modinfo")'],
    ]);
  });
});

/** Dev Tools text split into its requests: `# comment` lines, `GET path`, then a JSON body. */
function devToolsRequests(text: string): Array<{ comments: string[]; method: string; path: string; body: Obj }> {
  return text
    .trimEnd()
    .split(/\n\n(?=#)/)
    .filter((block) => /^(GET|POST) /m.test(block))
    .map((block) => {
      const lines = block.split('\n');
      const comments = lines.filter((l) => l.startsWith('# ')).map((l) => l.slice(2));
      const at = lines.findIndex((l) => /^(GET|POST) /.test(l));
      const [method, path] = lines[at]!.split(' ') as [string, string];
      const rest = lines.slice(at + 1).filter((l) => !l.startsWith('#')).join('\n');
      return { comments, method, path, body: JSON.parse(rest) as Obj };
    });
}

describe('dsl', () => {
  it('prints a Dev Tools request: GET <the rule’s indices>/_search, then the query Kibana builds for v210', async () => {
    const r = await runCli(['dsl']);
    expect(r.code).toBe(0);
    const [req, ...more] = devToolsRequests(r.stdout);
    expect(more).toEqual([]);
    expect(req!.method).toBe('GET');
    expect(req!.path).toBe('logs-endpoint.events.*,endgame-*/_search');
    expect(req!.body).toEqual({ query: v210Dsl() });
  });

  it('--body prints the bare query', async () => {
    const r = await runCli(['dsl', '--body']);
    expect(JSON.parse(r.stdout)).toEqual(v210Dsl());
  });

  it('--window FROM,TO prints the new_terms phase 1 request for that run, index and flags in the URL, not the body', async () => {
    const r = await runCli(['dsl', '--window', '2024-05-14T09:51:00Z,2024-05-14T10:00:00Z']);
    expect(r.code).toBe(0);
    const reqs = devToolsRequests(r.stdout);
    expect(reqs).toHaveLength(1);
    const phase1 = reqs[0]!;
    expect(phase1.path).toBe('logs-endpoint.events.*,endgame-*/_search?ignore_unavailable=true&allow_no_indices=true');
    expect(phase1.comments.join(' ')).toContain('phase 1 of the run over [2024-05-14T09:51:00.000Z, 2024-05-14T10:00:00.000Z]');
    const body = phase1.body as { size: number; query: { bool: { filter: Obj[] } }; aggregations: Obj };
    for (const key of ['index', 'ignore_unavailable', 'allow_no_indices']) expect(body).not.toHaveProperty(key);
    expect(body.size).toBe(0);
    // The rule's own DSL is the first filter; the time range follows.
    expect(body.query.bool.filter[0]).toEqual(v210Dsl());
    const text = JSON.stringify(body.query.bool.filter.slice(1));
    expect(text).toContain('"event.ingested":{"lte":"2024-05-14T10:00:00.000Z","gte":"2024-05-14T09:51:00.000Z"');
    expect(JSON.stringify(body.aggregations)).toContain('"sources":[{"process.executable":{"terms":{"field":"process.executable"}}},{"process.parent.executable":{"terms":{"field":"process.parent.executable"}}}]');
    expect(r.stdout).toMatch(/^# phases 2 and 3 need the combinations phase 1 returns: run again with --terms/m);
  });

  it('--window takes date math relative to now, as the rule’s own from/to are written', async () => {
    const before = Date.now();
    const r = await runCli(['dsl', '--window', 'now-9m,now', '--body']);
    const out = JSON.parse(r.stdout) as { window: { from: string; to: string } };
    const to = Date.parse(out.window.to);
    expect(to).toBeGreaterThanOrEqual(before - 1000);
    expect(to - Date.parse(out.window.from)).toBe(9 * 60_000);
  });

  it('--terms with --window adds phases 2 and 3 as separate requests', async () => {
    const r = await runCli(['dsl', '--window', '2024-05-14T09:51:00Z,2024-05-14T10:00:00Z', '--terms', '[["/usr/bin/kmod","/usr/bin/bash"]]']);
    expect(r.code).toBe(0);
    const reqs = devToolsRequests(r.stdout);
    expect(reqs.map((q) => q.comments[0]!.split(':')[0])).toEqual(['"Enumeration of Kernel Modules"', 'phase 2', 'phase 3']);
    expect(JSON.stringify(reqs[1]!.body)).toContain('/usr/bin/kmod');
  });

  it.each([
    ['a --window that is neither ISO times nor date math', ['dsl', '--window', 'yesterday'], /--window.*date math/],
    ['a --window that ends before it starts', ['dsl', '--window', '2024-05-14T10:00:00Z,2024-05-14T09:00:00Z'], /--window/],
    ['--terms without --window', ['dsl', '--terms', '[["a","b"]]'], /--terms needs --window/],
  ])('exits 2 on %s', async (_what, args, message) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(STACK_FRAME);
  });
});

describe('rule show', () => {
  const builtin = once(() => runCli(['rule', 'show']));

  it('prints a readable page with --format text (the default on a terminal): what decides the alerts, at most 80 columns', async () => {
    const r = await runCli(['rule', 'show', '--format', 'text', '--no-color']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('Enumeration of Kernel Modules  v210');
    expect(r.stdout).toMatch(/^ {2}new terms: +process\.executable, process\.parent\.executable: first seen since now-14d$/m);
    expect(r.stdout).toMatch(/^ {2}schedule: +every 5m over now-9m\.\.now, at most 100 alerts per run$/m);
    expect(r.stdout).toMatch(/^ {2}event time: +event\.ingested, else @timestamp$/m);
    expect(r.stdout).toMatch(/^ {4}event\.category:process and host\.os\.type:linux/m);
    expect(r.stdout).toMatch(/not shown: +setup guide/);
    expect(r.stdout).not.toContain('Fleet');
    // A pipe gives no terminal width: the page is laid out for 100 columns.
    for (const line of r.stdout.trimEnd().split('\n')) expect(line.length).toBeLessThanOrEqual(100);
  });

  it('prints the built-in v210 rule as JSON when piped', async () => {
    const r = await builtin();
    expect(r.code).toBe(0);
    const rule = JSON.parse(r.stdout) as Obj;
    expect(rule).toMatchObject({
      rule_id: V210_RULE_ID,
      name: 'Enumeration of Kernel Modules',
      version: 210,
      type: 'new_terms',
      language: 'kuery',
      index: ['logs-endpoint.events.*', 'endgame-*'],
      new_terms_fields: ['process.executable', 'process.parent.executable'],
      history_window_start: 'now-14d',
    });
  });

  it.each([
    ['prebuilt package JSON', ['--rule', PACKAGED]],
    ['detection-rules TOML', ['--rule', `${RULES}/discovery_kernel_module_enumeration.toml`]],
    ['a Kibana export with two rules, picked by --rule-id', ['--rule', `${RULES}/kibana_export_two_rules.ndjson`, '--rule-id', V210_RULE_ID]],
  ])('loads the same v210 rule from %s', async (_format, args) => {
    const [r, base] = await Promise.all([runCli(['rule', 'show', ...args]), builtin()]);
    expect(r.code).toBe(0);
    const rule = JSON.parse(r.stdout) as Obj;
    const expected = JSON.parse(base.stdout) as Obj;
    // detection-rules TOML carries no version (the repository keeps it in version.lock).
    if (!args[1]!.endsWith('.toml')) expect(rule.version).toBe(210);
    for (const key of ['rule_id', 'type', 'language', 'query', 'index', 'new_terms_fields', 'history_window_start', 'from', 'interval', 'max_signals']) {
      expect(rule[key], key).toEqual(expected[key]);
    }
  });

  it('loads a query rule from a one-rule Kibana export', async () => {
    const r = await runCli(['rule', 'show', '--rule', `${RULES}/kibana_export_one_rule.ndjson`]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ rule_id: 'b9e1f0c2-3d4a-4b5c-8e6f-7a8b9c0d1e2f', type: 'query', language: 'kuery' });
  });
});

describe('--rule on scan', () => {
  // Which alerts a rule loaded from each file format gives, and the ids and names a Kibana export
  // carries, are checked in-process (test/engine/scan-pipeline.test.ts, 'rules from files'). Here:
  // the CLI's own part, the default mode following the rule's type, and the refusals.

  // Issue 6 item 2: --rule loads rules of type query as well as new_terms; the default mode follows
  // the rule's type.
  it('runs a query rule from a Kibana export as a query rule (one alert per matching event)', async () => {
    const r = await runCli(['--format', 'ndjson', '--rule', `${RULES}/kibana_export_one_rule.ndjson`, DEMO]);
    expect(r.code).toBe(1);
    const alerts = parseNdjson(r.stdout);
    expect(alerts.length).toBeGreaterThan(0);
    for (const a of alerts) {
      expect(a['kibana.alert.rule.type']).toBe('query');
      // A Kibana export carries the rule's saved-object id ("id"), which is what Kibana puts in
      // kibana.alert.rule.uuid and hashes into kibana.alert.uuid.
      expect(a['kibana.alert.rule.uuid']).toBe('0b8e9d3a-7c4f-4e21-8d5b-3a9f6c2e1d40');
    }
  });

  it.each([
    ['an eql rule', 'eql_kernel_module_enumeration.toml', /type "eql"/],
    ['a lucene rule', 'lucene_query_rule.json', /"lucene"/],
    ['an invalid rule', 'invalid_risk_score.json', /risk_score/],
    ['a broken TOML file', 'broken_unterminated_string.toml', /line 7/],
  ])('refuses %s with exit 2 naming the file', async (_what, file, message) => {
    const r = await runCli(['--format', 'ndjson', '--rule', `${RULES}/${file}`, HITS]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${RULES}/${file}`);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(STACK_FRAME);
  });

  it('explain and dsl refuse the eql rule the same way', async () => {
    const file = `${RULES}/eql_kernel_module_enumeration.toml`;
    const results = await Promise.all([runCli(['explain', '--rule', file, HITS]), runCli(['dsl', '--rule', file]), runCli(['rule', 'show', '--rule', file])]);
    for (const r of results) {
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(file);
      expect(r.stderr).toMatch(/type "eql"/);
    }
  });

  it('asks for --rule-id when an export holds several rules, listing them, exit 2', async () => {
    const r = await runCli(['--format', 'ndjson', '--rule', `${RULES}/kibana_export_two_rules.ndjson`, HITS]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(V210_RULE_ID);
    expect(r.stderr).toContain('b9e1f0c2-3d4a-4b5c-8e6f-7a8b9c0d1e2f');
  });

  it('names a missing rule file, exit 2', async () => {
    const r = await runCli(['--format', 'ndjson', '--rule', `${RULES}/no-such-rule.toml`, HITS]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${RULES}/no-such-rule.toml`);
  });
});
