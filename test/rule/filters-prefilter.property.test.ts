/**
 * A filter only narrows: the job's predicate is the query AND the filters, so the literal prefilter
 * derived from the query alone stays sound — no line the prefilter passes over holds an event the
 * job would keep. Checked on the read job itself, for random filters and events.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createScanJob } from '../../src/engine/read-job.js';
import { compileKql } from '../../src/kql/compile.js';
import { derivePrefilter } from '../../src/kql/prefilter.js';
import { byteLinesOf } from '../../src/kql/prefilter-scan.js';
import { filtersClause, buildQueryFromFilters } from '../../src/rule/filters.js';
import { BUILTIN_RULE } from '../../src/rule/builtin.js';
import { parseKql } from '../../src/kql/parse.js';

const AST = parseKql(BUILTIN_RULE.query);
const NAMES = ['kmod', 'lsmod', 'modinfo', 'depmod', 'bash', 'KMOD'];
const leaf = fc.oneof(
  fc.constantFrom(...NAMES).map((n) => ({ term: { 'process.name': n } })),
  fc.constantFrom('k*', '*mod', 'K?OD', 'ls*').map((p) => ({ wildcard: { 'process.name': { value: p, case_insensitive: true } } })),
  fc.constantFrom('list', '-a', '--all').map((a) => ({ match_phrase: { 'process.args': a } })),
  fc.constant({ exists: { field: 'user.name' } }),
  fc.constantFrom('/usr/', '/bin').map((p) => ({ prefix: { 'process.executable': p } })),
);
const clause = fc.oneof(leaf, fc.array(leaf, { minLength: 1, maxLength: 3 }).map((should) => ({ bool: { should } })));
const filters = fc.array(fc.record({ meta: fc.record({ negate: fc.boolean(), disabled: fc.boolean() }), query: clause }), { maxLength: 4 });
const event = fc.record({
  event: fc.record({ category: fc.constantFrom('process', 'file'), type: fc.constantFrom('start', 'end'), action: fc.constantFrom('exec', 'exec_event', 'fork') }),
  host: fc.record({ os: fc.record({ type: fc.constantFrom('linux', 'windows') }) }),
  process: fc.record({
    name: fc.constantFrom(...NAMES),
    args: fc.array(fc.constantFrom('list', '-a', '--all', 'x'), { maxLength: 3 }),
    executable: fc.constantFrom('/usr/bin/kmod', '/bin/lsmod', '/opt/x'),
    parent: fc.record({ name: fc.constantFrom('bash', 'dkms', 'systemd', 'sshd') }),
  }),
  user: fc.option(fc.record({ name: fc.constantFrom('root', 'alice') }), { nil: undefined }),
});

describe('filters and the literal prefilter', () => {
  it('no line the prefilter passes over holds an event the job keeps (query AND filters)', () => {
    const pf = derivePrefilter(AST)!;
    fc.assert(
      fc.property(filters, fc.array(event, { minLength: 1, maxLength: 12 }), (fs, events) => {
        const clauseOfFilters = filtersClause(buildQueryFromFilters(fs));
        const { job } = createScanJob({ query: AST, prefilter: pf, indexPatterns: [], ...(clauseOfFilters !== undefined && { filters: clauseOfFilters }) });
        const text = events.map((e) => JSON.stringify(e));
        const buf = Buffer.from(text.join('\n'), 'utf8');
        const { starts, ends, count } = byteLinesOf(buf);
        const mask = job.prefilter!({ file: 'events.ndjson', buf, starts: Array.from(starts), ends: Array.from(ends), firstLine: 1, count })!;
        const query = compileKql(AST);
        events.forEach((e, i) => {
          const kept = job.predicate!(e as unknown as Record<string, unknown>);
          if (kept) expect(query(e)).toBe(true); // the filters only narrow
          if (mask[i] === 0) expect(kept).toBe(false);
        });
      }),
      { numRuns: 300 },
    );
  });
});
