/**
 * `rule show`: the active rule. On a terminal a readable page of what decides its alerts; as JSON
 * (as Kibana's rules API prints it) with --format json or when stdout is not a terminal.
 */
import { z } from 'zod';
import { createChalk } from '../output/color.js';
import { renderRuleText } from '../output/rule-text.js';
import { stdoutSink } from '../output/sink.js';
import { EXIT_OK } from './exit.js';
import { parseOptions, ruleVersionOption } from './options.js';
import { loadActiveRule } from './rule-source.js';
import { renderRuleParameters } from '../output/rule-parameters.js';
import { describeFieldTypes, resolveFieldTypes, ruleFields } from './field-types.js';

const ruleOptionsSchema = z.object({
  rule: z.string().min(1).optional(),
  ruleId: z.string().min(1).optional(),
  ruleVersion: ruleVersionOption.optional(),
  mapping: z.string().min(1).optional(),
  format: z.enum(['text', 'json']).optional(),
  color: z.boolean().optional(),
});

export async function runRuleShow(raw: Record<string, unknown>): Promise<number> {
  const opts = parseOptions(ruleOptionsSchema, raw);
  const active = await loadActiveRule(opts.rule, opts.ruleId, opts.ruleVersion, { allowUnsupported: true });
  const { rule, ast } = active;
  const types = resolveFieldTypes(rule, opts.mapping);
  const tty = process.stdout.isTTY === true;
  const format = opts.format ?? (tty ? 'text' : 'json');
  const out = stdoutSink();
  if (format === 'json') {
    await out.write(`${JSON.stringify(rule, null, 2)}\n`);
  } else {
    const chalk = createChalk({ ...(opts.color !== undefined && { flag: opts.color }), env: process.env, isTTY: tty });
    await out.write(renderRuleText(rule, { chalk, ...(process.stdout.columns ? { width: process.stdout.columns } : {}) }));
  }
  await out.close();
  // The rule JSON stays as Kibana's API prints it on stdout; the field types are for the reader.
  process.stderr.write(`field types (${types.source}):\n${describeFieldTypes(ruleFields(rule, ast), types).join('\n')}\n`);
  // Every key of the rule file and what the tool does with it: `rule show` never refuses (it is how
  // to see why a rule would be), so the parameters that need --allow-unsupported are listed here.
  process.stderr.write(renderRuleParameters(active.parameters, active.origin));
  return EXIT_OK;
}
