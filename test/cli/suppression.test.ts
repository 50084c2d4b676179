/**
 * What only the CLI does with alert suppression: an alert printed by an earlier invocation that a
 * later one (same --state) suppresses more events into is said on stderr, since stdout cannot take
 * the printed document back (and, with --format bulk, written as Kibana's bulk update action); the
 * exit code counts new alerts only.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseNdjson, ROOT, runCli, tempDir } from './run-cli.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const RULE = 'fixtures/rules/credential_access_credentials_in_s3_bucket.toml';
const lines = readFileSync(join(ROOT, 'fixtures/suppression/s3-credential-files.ndjson'), 'utf8').trimEnd().split('\n');

describe('scan with alert suppression over two invocations (--state)', () => {
  it('prints the alert once, then says on stderr how the next invocation updated it, exit 0 for an update alone', async () => {
    const first = tmp.path('first.ndjson');
    const rest = tmp.path('rest.ndjson');
    const state = tmp.path('state.json');
    writeFileSync(first, `${lines[0]}\n`);
    writeFileSync(rest, `${lines.slice(1).join('\n')}\n`);
    const a = await runCli(['scan', '-q', '--rule', RULE, '--format', 'ndjson', '--state', state, '--end', '2026-06-01T10:01:03Z', first]);
    expect(a.code).toBe(1);
    const [alert] = parseNdjson(a.stdout);
    expect(alert!['kibana.alert.suppression.docs_count']).toBe(0);

    const b = await runCli(['scan', '-q', '--rule', RULE, '--format', 'ndjson', '--state', state, rest]);
    expect(b.code).toBe(0);
    expect(b.stdout).toBe('');
    expect(b.stderr).toBe(
      `kmod-enum-detect: alert ${String(alert!['kibana.alert.uuid'])} (written earlier) updated by alert suppression: ` +
        'kibana.alert.suppression.docs_count 2, kibana.alert.suppression.end 2026-06-01T10:02:16.000Z, ' +
        'kibana.alert.last_detected 2026-06-01T10:06:03.000Z\n',
    );
  });

  it('--format bulk replays onto a cluster: the next invocation writes Kibana\'s update action for the earlier alert', async () => {
    const first = tmp.path('b-first.ndjson');
    const rest = tmp.path('b-rest.ndjson');
    const state = tmp.path('b-state.json');
    writeFileSync(first, `${lines[0]}\n`);
    writeFileSync(rest, `${lines.slice(1).join('\n')}\n`);
    const a = await runCli(['scan', '-q', '--rule', RULE, '--format', 'bulk', '--state', state, '--end', '2026-06-01T10:01:03Z', first]);
    const uuid = String(parseNdjson(a.stdout)[1]!['kibana.alert.uuid']);
    const b = await runCli(['scan', '-q', '--rule', RULE, '--format', 'bulk', '--state', state, rest]);
    expect(b.code).toBe(0);
    expect(parseNdjson(b.stdout)).toEqual([
      { update: { _index: '.alerts-security.alerts-default', _id: uuid, require_alias: false } },
      {
        doc: {
          'kibana.alert.suppression.docs_count': 2,
          'kibana.alert.suppression.start': '2026-06-01T10:01:03.000Z',
          'kibana.alert.suppression.end': '2026-06-01T10:02:16.000Z',
          'kibana.alert.last_detected': '2026-06-01T10:06:03.000Z',
        },
      },
    ]);
  });
});
