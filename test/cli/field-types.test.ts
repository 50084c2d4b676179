/** `--mapping` and the field types `rule show` lists: what only the CLI does (stderr listing, usage errors). */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseNdjson, runCli, tempDir } from './run-cli.js';

const MAPPING = 'test/ecs/fixtures/new-terms-mapping.json';
const RULE = {
  rule_id: 'nt', name: 'New terms', type: 'new_terms', language: 'kuery', query: 'user.name: *', index: ['new_terms'],
  severity: 'low', risk_score: 21, from: 'now-6m', new_terms_fields: ['user.name', 'user.id', 'user.enabled'], history_window_start: 'now-7d',
};
const EVENT = { _index: 'new_terms', _id: 'a', _source: { '@timestamp': '2024-05-14T10:01:00Z', user: { name: 'user-0', id: 1, enabled: false } } };

describe('--mapping', () => {
  it('scan writes typed kibana.alert.new_terms for a custom rule over an integer and a boolean field, marked as a custom rule', async () => {
    const t = tempDir();
    try {
      writeFileSync(t.path('rule.json'), JSON.stringify(RULE));
      writeFileSync(t.path('events.ndjson'), `${JSON.stringify(EVENT)}\n`);
      const r = await runCli(['scan', '--rule', t.path('rule.json'), '--mapping', MAPPING, '--start', '2024-05-14T10:05:00Z', '--end', '2024-05-14T10:05:00Z', '--format', 'ndjson', '-q', t.path('events.ndjson')]);
      expect(r.code).toBe(1);
      const [a] = parseNdjson(r.stdout);
      expect(a!['kibana.alert.new_terms']).toEqual(['user-0', 1, false]);
      expect(a!['kibana.alert.rule.immutable']).toBe(false);
      expect((a!['kibana.alert.rule.parameters'] as Record<string, unknown>)['rule_source']).toEqual({ type: 'internal' });
    } finally {
      t.cleanup();
    }
  });

  it('rule show lists the type used for every field the rule touches, on stderr, leaving the rule JSON on stdout', async () => {
    const t = tempDir();
    try {
      writeFileSync(t.path('rule.json'), JSON.stringify({ ...RULE, query: 'user.id >= 1 and not unknown.field: x' }));
      const r = await runCli(['rule', 'show', '--rule', t.path('rule.json'), '--mapping', MAPPING]);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ rule_id: 'nt' });
      expect(r.stderr).toMatch(/user\.id\s+integer/);
      expect(r.stderr).toMatch(/user\.enabled\s+boolean/);
      expect(r.stderr).toMatch(/unknown\.field\s+keyword \(ignore_above 1024\) — not mapped: treated as keyword/);
    } finally {
      t.cleanup();
    }
  });

  it('dsl and explain read the same field types as scan', async () => {
    const t = tempDir();
    try {
      writeFileSync(t.path('rule.json'), JSON.stringify({ ...RULE, query: 'user.id:1 and host.ip:10.0.0.0/8' }));
      const dsl = await runCli(['dsl', '--rule', t.path('rule.json'), '--mapping', MAPPING]);
      expect(dsl.code).toBe(0);
      // Not keyword fields: Kibana's is() builds match (term is for keyword fields only).
      expect(dsl.stdout).toMatch(/"match": \{\s*"user\.id": "1"/);
      expect(dsl.stdout).not.toMatch(/"term"/);
      writeFileSync(t.path('e.ndjson'), `${JSON.stringify({ _index: 'new_terms', _source: { user: { id: '1' }, host: { ip: '10.2.3.4' } } })}\n`);
      const ex = await runCli(['explain', '--rule', t.path('rule.json'), '--mapping', MAPPING, '--format', 'json', t.path('e.ndjson')]);
      expect(ex.code).toBe(0);
      expect(JSON.parse(ex.stdout.split('\n')[0]!)).toMatchObject({ type: 'event', matched: true });
    } finally {
      t.cleanup();
    }
  });

  it('report and --follow evaluate the query by the mapping, as scan does (a CIDR on an ip field is not a string)', async () => {
    const t = tempDir();
    try {
      // As a keyword "10.2.3.4" is not "10.0.0.0/8"; on an ip field it is in that block.
      writeFileSync(t.path('rule.json'), JSON.stringify({ ...RULE, type: 'query', query: 'host.ip: 10.0.0.0/8', new_terms_fields: undefined, history_window_start: undefined }));
      writeFileSync(t.path('e.ndjson'), `${JSON.stringify({ ...EVENT, _source: { ...EVENT._source, host: { ip: '10.2.3.4' } } })}\n`);
      const common = ['--rule', t.path('rule.json'), '--mapping', MAPPING, '--start', '2024-05-14T10:05:00Z'];
      const scan = await runCli(['scan', ...common, '--end', '2024-05-14T10:05:00Z', '--format', 'ndjson', '-q', t.path('e.ndjson')]);
      expect(scan.code).toBe(1);
      const ids = parseNdjson(scan.stdout).map((a) => a['kibana.alert.uuid']);
      expect(ids).toHaveLength(1);
      const follow = await runCli(['scan', ...common, '--follow', '--format', 'ndjson', '-q', t.path('e.ndjson')]);
      expect(follow.code).toBe(1);
      expect(parseNdjson(follow.stdout).map((a) => a['kibana.alert.uuid'])).toEqual(ids);
      const report = await runCli(['report', ...common, '--end', '2024-05-14T10:05:00Z', '-q', '-o', t.path('r.html'), t.path('e.ndjson')]);
      expect(report.code).toBe(1);
      const data = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(readFileSync(t.path('r.html'), 'utf8'));
      expect((JSON.parse(data![1]!) as { alerts: { id: string }[] }).alerts.map((a) => a.id)).toEqual(ids);
    } finally {
      t.cleanup();
    }
  });

  it('a clause Elasticsearch would refuse for the field type is a usage error naming it', async () => {
    const t = tempDir();
    try {
      writeFileSync(t.path('rule.json'), JSON.stringify({ ...RULE, query: 'user.id:abc' }));
      writeFileSync(t.path('e.ndjson'), '{}\n');
      const r = await runCli(['scan', '--rule', t.path('rule.json'), '--mapping', MAPPING, t.path('e.ndjson')]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/field "user.id" is mapped as integer: "abc" is not a number/);
    } finally {
      t.cleanup();
    }
  });

  it('rule show names a date field\'s format; an unreadable date in the query is a usage error naming it', async () => {
    const t = tempDir();
    try {
      const mapping = { i: { mappings: { properties: { event: { properties: { created: { type: 'date', format: 'epoch_second' } } } } } } };
      writeFileSync(t.path('mapping.json'), JSON.stringify(mapping));
      writeFileSync(t.path('rule.json'), JSON.stringify({ ...RULE, query: 'event.created >= 1715680800' }));
      const show = await runCli(['rule', 'show', '--rule', t.path('rule.json'), '--mapping', t.path('mapping.json')]);
      expect(show.code).toBe(0);
      expect(show.stderr).toMatch(/event\.created\s+date \(format epoch_second\)/);
      writeFileSync(t.path('bad.json'), JSON.stringify({ ...RULE, query: 'event.created >= yesterday' }));
      writeFileSync(t.path('e.ndjson'), '{}\n');
      const bad = await runCli(['scan', '--rule', t.path('bad.json'), '--mapping', t.path('mapping.json'), t.path('e.ndjson')]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/field "event.created" is mapped as date: failed to parse date field \[yesterday\] with format \[epoch_second\]/);
    } finally {
      t.cleanup();
    }
  });

  it('a file that is not a mapping is a usage error naming it', async () => {
    const r = await runCli(['rule', 'show', '--mapping', 'package.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--mapping package.json: "name" has no "mappings" object/);
  });
});
