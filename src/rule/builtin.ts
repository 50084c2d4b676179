/**
 * The built-in rule: "Enumeration of Kernel Modules" v210 as released in Elastic's prebuilt-rules
 * package, kept as data (builtin/*.json, © Elasticsearch B.V., Elastic License 2.0) and loaded
 * through the same schema as any user-supplied rule file.
 */
import packaged from './builtin/2d8043ed-5bda-4caf-801c-c1feb7410504_210.json' with { type: 'json' };
import { ruleSchema, type Rule } from './schema.js';

export const BUILTIN_RULE: Rule = ruleSchema.parse({ interval: '5m', ...packaged.attributes });
