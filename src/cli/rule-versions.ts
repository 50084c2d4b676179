/** `rule versions`: every released version of the built-in rule and what each changed. */
import { z } from 'zod';
import { versionHistory } from '../rule/version-history.js';
import { createChalk } from '../output/color.js';
import { renderVersionTable } from '../output/rule-versions.js';
import { EXIT_OK } from './exit.js';
import { parseOptions } from './options.js';

const schema = z.object({
  format: z.enum(['pretty', 'json'], { message: 'expected pretty or json' }).default('pretty'),
  color: z.boolean().optional(),
});

export function runRuleVersions(raw: Record<string, unknown>): number {
  const opts = parseOptions(schema, raw);
  const rows = versionHistory();
  if (opts.format === 'json') {
    process.stdout.write(`${JSON.stringify(rows.map(({ changes, ...r }) => ({ ...r, changes: changes.map((c) => ({ kind: c.kind, text: c.text })) })), null, 2)}\n`);
  } else {
    const chalk = createChalk({ ...(opts.color !== undefined && { flag: opts.color }), env: process.env, isTTY: process.stdout.isTTY === true });
    process.stdout.write(renderVersionTable(rows, chalk));
  }
  return EXIT_OK;
}
