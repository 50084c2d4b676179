/**
 * `--exceptions FILE` as a user runs it: the built CLI applies the referenced lists, says on stderr
 * what it cannot apply (lists referenced without the file, expired items), and refuses a bad export
 * naming file and line.
 */
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO, parseNdjson, runCli } from './run-cli.js';

const RULE = 'fixtures/exceptions/kmod_rule_with_exceptions.json';
const LISTS = 'fixtures/exceptions/kmod-enum-trusted.ndjson';

describe('--exceptions FILE', () => {
  it('applies the items of the referenced list: 4 alerts instead of 7, the expired item named on stderr', async () => {
    const r = await runCli(['scan', '--rule', RULE, '--exceptions', LISTS, '--format', 'ndjson', DEMO]);
    expect(r.code).toBe(1);
    expect(parseNdjson(r.stdout)).toHaveLength(4);
    expect(r.stderr).toMatch(/warning: --exceptions fixtures\/exceptions\/kmod-enum-trusted\.ndjson: 1 item\(s\) expired before/);
  });
  it('without the file, runs with a warning naming the lists the rule references', async () => {
    const r = await runCli(['scan', '--rule', RULE, '--format', 'ndjson', DEMO]);
    expect(parseNdjson(r.stdout)).toHaveLength(7);
    expect(r.stderr).toMatch(/references exception lists "kmod-enum-trusted" \(single\).*give --exceptions FILE/);
  });
  it('refuses an export that is not one with exit 2, naming file and line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kmod-exc-'));
    const bad = join(dir, 'bad.ndjson');
    writeFileSync(bad, '{"list_id":"kmod-enum-trusted","type":"detection"}\n{"item_id":"x","list_id":"kmod-enum-trusted","entries":[]}\n');
    const r = await runCli(['scan', '--rule', RULE, '--exceptions', bad, DEMO]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--exceptions ${bad}:2: not a valid exception item`);
  });
  it('explain names the exception item that excluded an event', async () => {
    const r = await runCli(['explain', '--no-color', '--rule', RULE, '--exceptions', LISTS, DEMO]);
    expect(r.stdout).toMatch(/^NO MATCH .*, but exception list item "deploy-over-ssh" \(deploy over ssh\) of list "kmod-enum-trusted" excludes it$/m);
    // 22 events match the query, 17 once the lists apply (as scan counts them)
    expect(r.stdout).toMatch(/^ {2}exception lists \(negated: must_not, 4 item clauses\): excluded 5$/m);
  });
  it('dsl puts the exception filter in must_not', async () => {
    const r = await runCli(['dsl', '--rule', RULE, '--exceptions', LISTS, '--body']);
    const q = JSON.parse(r.stdout) as { bool: { must_not: Array<{ bool: { should: unknown[] } }> } };
    expect(q.bool.must_not).toHaveLength(1);
    expect(q.bool.must_not[0]!.bool.should).toHaveLength(4); // k8s item × 2 OS fields, deploy, modinfo
  });
});
