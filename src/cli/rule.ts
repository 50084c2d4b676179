/** `rule show`: the active rule's parameters as JSON, as Kibana's rules API would print them. */
import { z } from 'zod';
import { EXIT_OK } from './exit.js';
import { parseOptions, ruleVersionOption } from './options.js';
import { loadActiveRule } from './rule-source.js';

const ruleOptionsSchema = z.object({ rule: z.string().min(1).optional(), ruleId: z.string().min(1).optional(), ruleVersion: ruleVersionOption.optional() });

export async function runRuleShow(raw: Record<string, unknown>): Promise<number> {
  const opts = parseOptions(ruleOptionsSchema, raw);
  const { rule } = await loadActiveRule(opts.rule, opts.ruleId, opts.ruleVersion);
  process.stdout.write(`${JSON.stringify(rule, null, 2)}\n`);
  return EXIT_OK;
}
