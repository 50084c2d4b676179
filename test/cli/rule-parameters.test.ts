/**
 * Issue 17 item 1 end to end: a --rule whose parameters the tool does not apply would change its
 * alerts exits 2 naming them; --allow-unsupported runs it with a warning per parameter; `rule show`
 * never refuses and lists every key of the file by what the tool does with it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO, runCli, STACK_FRAME, tempDir } from './run-cli.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
/** The custom rule with filters (applied) and a data view (not: a data view is not known offline). */
const RULE = tmp.path('custom_with_data_view.json');
writeFileSync(RULE, JSON.stringify({ ...(JSON.parse(readFileSync('fixtures/rules/custom_with_filters.json', 'utf8')) as object), data_view_id: 'security-solution-default' }));

describe('rule parameters the tool does not apply, at the command line', () => {
  it('refuses the rule with exit 2, naming the file, the parameter, what Kibana does and --allow-unsupported', async () => {
    const r = await runCli(['scan', '--rule', RULE, DEMO]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${RULE}: rule "lsmod outside the build hosts" has parameters kmod-enum-detect does not apply`);
    expect(r.stderr).toMatch(/ {2}- data_view_id: Kibana searches the data view/);
    expect(r.stderr).not.toMatch(/- filters:/);
    expect(r.stderr).toContain('--allow-unsupported');
    expect(r.stderr).not.toMatch(STACK_FRAME);
  });

  it('runs it with --allow-unsupported, with one warning naming the parameter on stderr', async () => {
    const r = await runCli(['scan', '--rule', RULE, '--allow-unsupported', '-f', 'ndjson', DEMO]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`warning: ${RULE}: rule parameter data_view_id not applied (--allow-unsupported), so alerts can differ from Kibana's`);
    // rule_name_override and building_block_type are applied: the alert's name comes from the event.
    const first = JSON.parse(r.stdout.split('\n')[0]!) as Record<string, unknown>;
    expect(first['kibana.alert.building_block_type']).toBe('default');
    expect(first['kibana.alert.rule.name']).toBe((first['process'] as { command_line: string }).command_line);
  });

  it('rule show lists the refused parameter with the applied and carried ones, and exits 0', async () => {
    const r = await runCli(['rule', 'show', '--rule', RULE, '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ rule_name_override: 'process.command_line', building_block_type: 'default' });
    expect(r.stderr).toContain(`rule parameters (${RULE}):`);
    expect(r.stderr).toMatch(/applied as Kibana applies them:\n {4}rule_id, .*rule_name_override/);
    expect(r.stderr).toMatch(/NOT applied, and they change which alerts .*\n {4}- data_view_id: /);
    expect(r.stderr).toMatch(/applied as Kibana applies them:\n {4}.*filters/);
  });
});
