/** `rule show`: the active rule's parameters as JSON, as Kibana's rules API would print them. */
import { z } from 'zod';
import { EXIT_OK } from './exit.js';
import { parseOptions, ruleVersionOption } from './options.js';
import { loadActiveRule } from './rule-source.js';
import { describeFieldTypes, resolveFieldTypes, ruleFields } from './field-types.js';

const ruleOptionsSchema = z.object({
  rule: z.string().min(1).optional(),
  ruleId: z.string().min(1).optional(),
  ruleVersion: ruleVersionOption.optional(),
  mapping: z.string().min(1).optional(),
});

export async function runRuleShow(raw: Record<string, unknown>): Promise<number> {
  const opts = parseOptions(ruleOptionsSchema, raw);
  const { rule, ast } = await loadActiveRule(opts.rule, opts.ruleId, opts.ruleVersion);
  const types = resolveFieldTypes(rule, opts.mapping);
  process.stdout.write(`${JSON.stringify(rule, null, 2)}\n`);
  // The rule JSON stays as Kibana's API prints it on stdout; the field types are for the reader.
  process.stderr.write(`field types (${types.source}):\n${describeFieldTypes(ruleFields(rule, ast), types).join('\n')}\n`);
  return EXIT_OK;
}
