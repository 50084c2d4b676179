/** zod schema for a KueryNode handed in from outside (a JSON file, another tool), checked before compiling. */
import { z } from 'zod';
import type { KueryNode } from './ast.js';

const literalNode = z.object({
  type: z.literal('literal'),
  value: z.union([z.string(), z.number(), z.boolean(), z.null()]),
  // Older Kibana trees leave it out; absent means unquoted.
  isQuoted: z.boolean().default(false),
});
const wildcardNode = z.object({ type: z.literal('wildcard'), value: z.string() });
const valueNode = z.discriminatedUnion('type', [literalNode, wildcardNode]);
const rangeOperator = z.enum(['gt', 'gte', 'lt', 'lte']);

export const kueryNodeSchema: z.ZodType<KueryNode, unknown> = z.lazy(() =>
  z.union([
    z.object({ type: z.literal('function'), function: z.literal('is'), arguments: z.tuple([valueNode, valueNode]) }),
    z.object({ type: z.literal('function'), function: z.literal('and'), arguments: z.array(kueryNodeSchema).min(1) }),
    z.object({ type: z.literal('function'), function: z.literal('or'), arguments: z.array(kueryNodeSchema).min(1) }),
    z.object({ type: z.literal('function'), function: z.literal('not'), arguments: z.tuple([kueryNodeSchema]) }),
    z.object({ type: z.literal('function'), function: z.literal('range'), arguments: z.tuple([valueNode, rangeOperator, valueNode]) }),
    z.object({ type: z.literal('function'), function: z.literal('nested'), arguments: z.tuple([valueNode, kueryNodeSchema]) }),
    z.object({ type: z.literal('function'), function: z.literal('exists'), arguments: z.tuple([literalNode]) }),
  ]),
);
