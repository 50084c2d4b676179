/**
 * The built-in rule: "Enumeration of Kernel Modules" v210 as released in Elastic's prebuilt-rules
 * package, kept as data (builtin/*.json, © Elasticsearch B.V., Elastic License 2.0) and read by the
 * same loader as a user's `--rule` file, so it gets the same checks.
 */
import packaged from './builtin/2d8043ed-5bda-4caf-801c-c1feb7410504_210.json' with { type: 'json' };
import { parseRule } from './load.js';
import type { ParameterFinding } from './parameter-check.js';
import type { Rule } from './schema.js';

export const BUILTIN_RULE_FILE = 'builtin/2d8043ed-5bda-4caf-801c-c1feb7410504_210.json';

const loaded = parseRule(JSON.stringify(packaged), BUILTIN_RULE_FILE);

/**
 * "Enumeration of Kernel Modules" v210, the rule every command runs unless given another. A package
 * asset, so the loader marks it prebuilt (`immutable`, `rule_source: external`), as Kibana installs it.
 */
export const BUILTIN_RULE: Rule = loaded.rule;
/** The built-in rule's keys and what the tool does with each (all applied or carried). */
export const BUILTIN_RULE_PARAMETERS: readonly ParameterFinding[] = loaded.parameters;
