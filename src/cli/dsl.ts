/**
 * `dsl`: the Elasticsearch Query DSL that Kibana builds for the rule's query (so the same detection can
 * run on a cluster), and with --window the new_terms aggregation requests of one rule execution.
 */
import { z } from 'zod';
import { parseIsoTime } from '../ecs/time.js';
import { buildEsQuery, ECS_FIELD_TYPES } from '../kql/dsl.js';
import { dataViewTypes, resolveFieldTypes } from './field-types.js';
import { newTermsAggregationRequests } from '../rule/new-terms-requests.js';
import { EXIT_OK, UserFacingError } from './exit.js';
import { parseOptions, ruleVersionOption } from './options.js';
import { loadActiveRule } from './rule-source.js';

const windowSchema = z.string().transform((s, ctx) => {
  const parts = s.split(',').map((p) => p.trim());
  const times = parts.map((p) => parseIsoTime(p));
  if (parts.length !== 2 || times.some((t) => t === undefined)) {
    ctx.addIssue({ code: 'custom', message: `expected two ISO-8601 times FROM,TO such as 2024-05-14T09:51:00Z,2024-05-14T10:00:00Z, got ${JSON.stringify(s)}` });
    return z.NEVER;
  }
  const [from, to] = times as [number, number];
  if (from > to) {
    ctx.addIssue({ code: 'custom', message: 'FROM must not be after TO' });
    return z.NEVER;
  }
  return { from: new Date(from), to: new Date(to) };
});

const termsSchema = z.string().transform((s, ctx) => {
  let v: unknown;
  try {
    v = JSON.parse(s);
  } catch {
    v = undefined;
  }
  const r = z.array(z.array(z.union([z.string(), z.number()])).min(1)).min(1).safeParse(v);
  if (!r.success) {
    ctx.addIssue({ code: 'custom', message: 'expected a JSON array of term combinations, e.g. [["/usr/bin/kmod","/usr/bin/bash"]]' });
    return z.NEVER;
  }
  return r.data;
});

const dslOptionsSchema = z.object({
  rule: z.string().min(1).optional(),
  ruleId: z.string().min(1).optional(),
  ruleVersion: ruleVersionOption.optional(),
  window: windowSchema.optional(),
  terms: termsSchema.optional(),
  mapping: z.string().min(1).optional(),
});

export async function runDsl(raw: Record<string, unknown>): Promise<number> {
  const opts = parseOptions(dslOptionsSchema, raw);
  const { rule, ast } = await loadActiveRule(opts.rule, opts.ruleId, opts.ruleVersion);
  if (opts.terms !== undefined && opts.window === undefined) throw new UserFacingError('--terms needs --window FROM,TO');
  // The data view's types for the query's fields: the same field types scan evaluates with.
  const fieldTypes = { ...ECS_FIELD_TYPES, ...dataViewTypes(ast, resolveFieldTypes(rule, opts.mapping)) };
  if (opts.window === undefined) {
    process.stdout.write(`${JSON.stringify(buildEsQuery(ast, { fieldTypes }), null, 2)}\n`);
    return EXIT_OK;
  }
  if (rule.type !== 'new_terms') throw new UserFacingError(`--window: rule "${rule.name}" is a ${rule.type} rule; aggregation requests exist for new_terms rules only`);
  const requests = newTermsAggregationRequests(rule, opts.window, { queryAst: ast, fieldTypes, ...(opts.terms !== undefined && { terms: opts.terms }) });
  process.stdout.write(`${JSON.stringify(requests, null, 2)}\n`);
  return EXIT_OK;
}
