/**
 * `dsl`: the Elasticsearch requests Kibana sends for the rule, ready to paste into Kibana Dev Tools:
 * the rule's query as a `_search`, or with --window one execution's new_terms requests (phase 1,
 * and phases 2 and 3 for the combinations given with --terms), each its own request. `--body` prints
 * bare JSON instead: the query clause, or the window and the requests as data.
 */
import { z } from 'zod';
import type { JsonObject } from '../ecs/fields.js';
import { evalDateMath, parseDateMath } from '../engine/datemath.js';
import { buildRuleEsQuery, ruleFilterJob } from '../rule/filters.js';
import { renderDevTools, searchRequest, type SearchRequest } from '../output/dev-tools.js';
import { stdoutSink } from '../output/sink.js';
import { newTermsAggregationRequests, type NewTermsRequests } from '../rule/new-terms-requests.js';
import { suppressionGroupingRequest } from '../rule/suppression-requests.js';
import type { Rule } from '../rule/schema.js';
import { resolveFieldTypes } from './field-types.js';
import { EXIT_OK, UserFacingError } from './exit.js';
import { parseOptions, ruleVersionOption } from './options.js';
import { loadActiveRule } from './rule-source.js';
import { parameterDiagnostics } from './diagnostics.js';
import { renderDiagnostics } from '../output/summary.js';

/** FROM,TO: ISO times or date math (`now-9m,now`, `2024-05-14T10:00:00Z||-9m,2024-05-14T10:00:00Z`). */
export function windowSchema(now: () => number = Date.now) {
  return z.string().transform((s, ctx) => {
    const parts = s.split(',').map((p) => p.trim());
    const at = now();
    const times = parts.map((p) => {
      const dm = parseDateMath(p);
      return dm === undefined ? undefined : evalDateMath(dm, at);
    });
    if (parts.length !== 2 || times.some((t) => t === undefined)) {
      ctx.addIssue({
        code: 'custom',
        message: `expected FROM,TO as ISO-8601 times or date math, such as now-9m,now or 2024-05-14T09:51:00Z,2024-05-14T10:00:00Z, got ${JSON.stringify(s)}`,
      });
      return z.NEVER;
    }
    const [from, to] = times as [number, number];
    if (from > to) {
      ctx.addIssue({ code: 'custom', message: 'FROM must not be after TO' });
      return z.NEVER;
    }
    return { from: new Date(from), to: new Date(to) };
  });
}

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
  allowUnsupported: z.boolean().default(false),
  window: windowSchema().optional(),
  terms: termsSchema.optional(),
  mapping: z.string().min(1).optional(),
  exceptions: z.string().min(1).optional(),
  body: z.boolean().default(false),
});

/** The new_terms requests of one window, each as its own Dev Tools request. */
export function windowRequests(rule: Rule, req: NewTermsRequests): SearchRequest[] {
  const { from, to, historyStart } = req.window;
  const fields = (rule.new_terms_fields ?? []).join(', ');
  const out = [searchRequest(`"${rule.name}": new_terms phase 1 of the run over [${from}, ${to}]:\nthe ${fields} combinations seen in the window (page through with after = after_key)`, req.phase1)];
  const batches = req.batches ?? [];
  batches.forEach((b, i) => {
    const of = batches.length > 1 ? ` (batch ${i + 1} of ${batches.length})` : '';
    out.push(searchRequest(`phase 2${of}: which of the given combinations are new: first seen in [${historyStart}, ${to}] after ${from}`, b.phase2));
    out.push(searchRequest(`phase 3${of}: the earliest event of each new combination (the alert's source)`, b.phase3));
  });
  return out;
}

export async function runDsl(raw: Record<string, unknown>): Promise<number> {
  const opts = parseOptions(dslOptionsSchema, raw);
  const active = await loadActiveRule(opts.rule, opts.ruleId, opts.ruleVersion, { allowUnsupported: opts.allowUnsupported, exceptions: opts.exceptions });
  const { rule, ast, exceptionFilter } = active;
  process.stderr.write(renderDiagnostics({ warnings: parameterDiagnostics(active), errors: [] }));
  if (opts.terms !== undefined && opts.window === undefined) throw new UserFacingError('--terms needs --window FROM,TO');
  // The data view is drawn from the same field types scan evaluates with (one model: ecs/field-types.ts).
  const types = resolveFieldTypes(rule, opts.mapping);
  // The rule's Kibana filters: positive ones after the query in bool.filter, negated ones in must_not.
  const filters = ruleFilterJob(rule, exceptionFilter).queries;
  let text: string;
  if (opts.window === undefined) {
    const query = buildRuleEsQuery(ast, filters, { types }) as JsonObject;
    text = opts.body
      ? `${JSON.stringify(query, null, 2)}\n`
      : renderDevTools([searchRequest(`"${rule.name}" v${rule.version}: the rule's query as Kibana builds it (each run adds its time range)`, { query }, rule.index)]);
  } else {
    if (rule.type === 'query' && rule.alert_suppression !== undefined) {
      if (opts.terms !== undefined) throw new UserFacingError('--terms: only new_terms rules take term combinations');
      const from = opts.window.from.toISOString();
      const to = opts.window.to.toISOString();
      const title = `"${rule.name}": alert suppression, the run over [${from}, ${to}]:\none bucket per ${rule.alert_suppression.group_by.join(', ')} group, its earliest event and time bounds (Kibana also excludes the groups earlier runs alerted)`;
      const req = searchRequest(title, suppressionGroupingRequest(rule, opts.window, { queryAst: ast, types, ...(exceptionFilter !== undefined && { exceptionFilter }) }));
      text = opts.body
        ? `${JSON.stringify({ window: { from, to }, requests: [{ title: req.title, method: req.method, path: req.path, body: req.body }] }, null, 2)}\n`
        : renderDevTools([req]);
      const out = stdoutSink();
      await out.write(text);
      await out.close();
      return EXIT_OK;
    }
    if (rule.type !== 'new_terms') throw new UserFacingError(`--window: rule "${rule.name}" is a ${rule.type} rule; aggregation requests exist for new_terms rules and query rules with alert_suppression only`);
    const req = newTermsAggregationRequests(rule, opts.window, { queryAst: ast, types, ...(exceptionFilter !== undefined && { exceptionFilter }), ...(opts.terms !== undefined && { terms: opts.terms }) });
    const requests = windowRequests(rule, req);
    if (opts.body) {
      text = `${JSON.stringify({ window: req.window, requests: requests.map((r) => ({ title: r.title, method: r.method, path: r.path, body: r.body })) }, null, 2)}\n`;
    } else {
      const hint = opts.terms === undefined ? `\n# phases 2 and 3 need the combinations phase 1 returns: run again with --terms '[["<${(rule.new_terms_fields ?? []).join('>","<')}>"]]'\n` : '';
      text = renderDevTools(requests) + hint;
    }
  }
  const out = stdoutSink();
  await out.write(text);
  await out.close();
  return EXIT_OK;
}
