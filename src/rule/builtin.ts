/**
 * The built-in rule: "Enumeration of Kernel Modules" v210 as released in Elastic's prebuilt-rules
 * package, kept as data (builtin/*.json, © Elasticsearch B.V., Elastic License 2.0) and read by the
 * same loader as a user's `--rule` file, so it gets the same checks.
 */
import packaged from './builtin/2d8043ed-5bda-4caf-801c-c1feb7410504_210.json' with { type: 'json' };
import { parseRuleText } from './load.js';
import type { Rule } from './schema.js';

export const BUILTIN_RULE_FILE = 'builtin/2d8043ed-5bda-4caf-801c-c1feb7410504_210.json';

/** "Enumeration of Kernel Modules" v210, the rule every command runs unless given another. */
export const BUILTIN_RULE: Rule = parseRuleText(JSON.stringify(packaged), BUILTIN_RULE_FILE);
