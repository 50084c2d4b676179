import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ClauseCounter, explainKql, summarizeExplanation, type Explanation } from '../../src/kql/explain.js';
import { toKqlText } from '../../src/kql/clause-text.js';
import { and, is, lit, not, or, range, V210_AST, values, wc } from './helpers/ast.js';

const samples = readFileSync(new URL('../../fixtures/kql/sample_events.ndjson', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as Record<string, unknown>)
  .map((d) => (d._source ?? d) as Record<string, unknown>);

const proc = (name: string, args: string[], parent = 'bash', extra: Record<string, unknown> = {}) => ({
  event: { category: ['process'], type: ['start'], action: 'exec' },
  host: { os: { type: 'linux' } },
  process: { name, args, parent: { name: parent, executable: `/usr/bin/${parent}` }, executable: `/usr/bin/${name}` },
  ...extra,
});

describe('explainKql and summarizeExplanation on the v210 rule', () => {
  it('names the lsmod/modinfo branch and the value that satisfied it for the Defend lsmod sample', () => {
    const s = summarizeExplanation(explainKql(V210_AST, samples[0]));
    expect(s.matched).toBe(true);
    expect(s.branches).toEqual([
      {
        clause: 'process.name:(lsmod or modinfo) or (process.name:kmod and process.args:list) or (process.name:depmod and process.args:(--all or -a))',
        taken: 'process.name:(lsmod or modinfo)',
        evidence: [{ clause: 'process.name:lsmod', field: 'process.name', values: ['lsmod'] }],
      },
    ]);
    expect(s.evidence).toContainEqual({ clause: 'event.action:exec', field: 'event.action', values: ['exec'] });
    expect(s.text).toBe('matched branch process.name:(lsmod or modinfo) (process.name = "lsmod")');
  });

  it('reports the dkms exclusion for the depmod -a sample', () => {
    const s = summarizeExplanation(explainKql(V210_AST, samples[1]));
    expect(s.matched).toBe(false);
    expect(s.failure?.reason).toBe('exclusion');
    expect(s.failure?.evidence).toEqual([{ clause: 'process.parent.name:dkms', field: 'process.parent.name', values: ['dkms'] }]);
    expect(s.text).toMatch(/^excluded by not process\.parent\.name:\(mkinitramfs or .*: process\.parent\.name = "dkms"$/);
  });

  it('matches the Endgame modinfo sample through exec_event', () => {
    const s = summarizeExplanation(explainKql(V210_AST, samples[2]));
    expect(s.matched).toBe(true);
    expect(s.evidence).toContainEqual({ clause: 'event.action:exec_event', field: 'event.action', values: ['exec_event'] });
  });

  it('names the kmod list and depmod --all branches with their field values', () => {
    const kmod = summarizeExplanation(explainKql(V210_AST, proc('kmod', ['kmod', 'list'])));
    expect(kmod.branches[0]!.taken).toBe('process.name:kmod and process.args:list');
    expect(kmod.branches[0]!.evidence).toEqual([
      { clause: 'process.name:kmod', field: 'process.name', values: ['kmod'] },
      { clause: 'process.args:list', field: 'process.args', values: ['list'] },
    ]);
    const depmod = summarizeExplanation(explainKql(V210_AST, proc('depmod', ['depmod', '--all'])));
    expect(depmod.branches[0]!.taken).toBe('process.name:depmod and process.args:(--all or -a)');
    expect(depmod.branches[0]!.evidence[1]).toEqual({ clause: 'process.args:--all', field: 'process.args', values: ['--all'] });
  });

  it('reports the first failing clause with the values it saw', () => {
    const fork = proc('lsmod', ['lsmod']);
    fork.event.action = 'fork';
    const s = summarizeExplanation(explainKql(V210_AST, fork));
    expect(s.failure).toEqual({
      clause: 'event.action:(exec or exec_event)',
      reason: 'mismatch',
      evidence: [{ clause: 'event.action:(exec or exec_event)', field: 'event.action', values: ['fork'] }],
    });
    expect(s.text).toBe('failed event.action:(exec or exec_event): event.action = "fork"');
  });

  it('says a field is missing when no value was there to compare', () => {
    const s = summarizeExplanation(explainKql(V210_AST, { ...proc('x', []), host: {} }));
    expect(s.failure?.reason).toBe('missing');
    expect(s.text).toBe('failed host.os.type:linux: host.os.type missing');
  });

  it('is case-sensitive and whole-value: -A and --all=x do not satisfy process.args:(--all or -a)', () => {
    expect(explainKql(V210_AST, proc('depmod', ['depmod', '-A', '--all=x'])).verdict).toBe(false);
  });

  it('a kmod resolved binary running as lsmod is the rule blind spot (no branch holds)', () => {
    const s = summarizeExplanation(explainKql(V210_AST, proc('kmod', ['lsmod'])));
    expect(s.matched).toBe(false);
    expect(s.failure?.evidence).toContainEqual({ clause: 'process.name:(lsmod or modinfo)', field: 'process.name', values: ['kmod'] });
  });
});

describe('explainKql leaves', () => {
  it('reads dotted keys, nested objects and arrays alike, listing examined and satisfying terms', () => {
    const e = explainKql(is('process.args', 'list'), { 'process.args': ['kmod', 'list', 'list', 5, null] });
    expect(e).toMatchObject({ kind: 'is', verdict: true, fields: [{ field: 'process.args', examined: ['kmod', 'list', '5'], satisfied: ['list'] }] });
    expect(explainKql(is('a.b', '5'), { a: { b: 5 } }).verdict).toBe(true);
    expect(explainKql(is('a.b', 'true'), { a: { b: true } }).verdict).toBe(true);
  });

  it('treats a wildcard value as an anchored glob where ? is literal', () => {
    const q = is('process.parent.executable', wc('/var/lib/dpkg/info/linux-modules*-generic.post*'));
    expect(explainKql(q, { process: { parent: { executable: '/var/lib/dpkg/info/linux-modules-6.8.0-31-generic.postinst' } } }).verdict).toBe(true);
    expect(explainKql(q, { process: { parent: { executable: 'x/var/lib/dpkg/info/linux-modules-generic.post' } } }).verdict).toBe(false);
    expect(explainKql(is('f', wc('a?*')), { f: 'ab' }).verdict).toBe(false);
    expect(explainKql(is('f', wc('a?*')), { f: 'a?b' }).verdict).toBe(true);
  });

  it('exists holds for any indexed value including "" and objects holding one, not for null or []', () => {
    const ex = is('f', wc('*'));
    expect(explainKql(ex, { f: '' }).verdict).toBe(true);
    expect(explainKql(ex, { f: { g: 1 } }).verdict).toBe(true);
    expect(explainKql(ex, { f: { g: null, h: [] } }).verdict).toBe(false);
    expect(explainKql(ex, { f: null }).verdict).toBe(false);
    expect(explainKql(ex, { f: [] }).verdict).toBe(false);
    expect(explainKql(ex, { f: [null] }).verdict).toBe(false);
  });

  it('a clause on a missing field is false and its negation true', () => {
    expect(explainKql(is('f', 'x'), {}).verdict).toBe(false);
    expect(explainKql(not(is('f', 'x')), {}).verdict).toBe(true);
  });

  it('a literal null value never matches, a quoted value compares like an unquoted one', () => {
    expect(explainKql(is('f', lit(null)), { f: null }).verdict).toBe(false);
    expect(explainKql(is('f', lit('a*', true)), { f: 'a*' }).verdict).toBe(true);
    expect(explainKql(is('f', lit('a*', true)), { f: 'ab' }).verdict).toBe(false);
  });

  it('range compares numbers numerically and text by code points', () => {
    expect(explainKql(range('n', 'gt', '9'), { n: 10 }).verdict).toBe(true);
    expect(explainKql(range('s', 'gt', '9'), { s: '10' }).verdict).toBe(false);
    expect(explainKql(range('s', 'lte', 'b'), { s: ['c', 'a'] })).toMatchObject({ verdict: true, expected: '<= b', fields: [{ satisfied: ['a'] }] });
  });

  it('value-only queries look at every field; wildcard field names at every matching one', () => {
    const e = explainKql(is(null, 'lsmod'), { process: { name: 'lsmod', args: ['lsmod'] }, x: 'y' });
    expect(e).toMatchObject({ verdict: true, field: null });
    expect((e as { fields: Array<{ field: string }> }).fields.map((f) => f.field)).toEqual(['process.name', 'process.args']);
    const w = explainKql({ type: 'function', function: 'is', arguments: [wc('process.*.name'), lit('bash')] }, { process: { parent: { name: 'bash' } } });
    expect(w.verdict).toBe(true);
  });

  it('nested evaluates the inner query per object of the path', () => {
    const q = { type: 'function', function: 'nested', arguments: [lit('items'), and(is('a', '1'), is('b', '2'))] } as const;
    expect(explainKql(q as never, { items: [{ a: '1', b: '3' }, { a: '0', b: '2' }] }).verdict).toBe(false);
    expect(explainKql(q as never, { items: [{ a: '1', b: '3' }, { a: '1', b: '2' }] }).verdict).toBe(true);
  });
});

describe('explainKql laws', () => {
  const field = fc.constantFrom('a', 'b', 'c.d');
  const value = fc.constantFrom('x', 'y', 'z');
  const leafArb = fc.tuple(field, value).map(([f, v]) => is(f, v));
  const { tree } = fc.letrec((tie) => ({
    tree: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leafArb,
      fc.array(tie('tree'), { minLength: 2, maxLength: 3 }).map((cs) => and(...(cs as never[]))),
      fc.array(tie('tree'), { minLength: 2, maxLength: 3 }).map((cs) => or(...(cs as never[]))),
      tie('tree').map((c) => not(c as never)),
    ),
  }));
  const scalarOrArray = fc.oneof(value, fc.array(value, { maxLength: 3 }), fc.constant(null));
  const doc = fc.record({ a: scalarOrArray, b: scalarOrArray, cd: scalarOrArray }, { requiredKeys: [] });
  const nestedForm = (d: { a?: unknown; b?: unknown; cd?: unknown }) => ({ a: d.a, b: d.b, c: { d: d.cd } });
  const dottedForm = (d: { a?: unknown; b?: unknown; cd?: unknown }) => ({ a: d.a, b: d.b, 'c.d': d.cd });

  it('every node verdict follows from its children (and = all, or = any, not = negation)', () => {
    const consistent = (e: Explanation): boolean => {
      switch (e.kind) {
        case 'and':
          return e.verdict === e.children.every((c) => c.verdict) && e.children.every(consistent);
        case 'or':
          return e.verdict === e.children.some((c) => c.verdict) && e.children.every(consistent);
        case 'not':
          return e.verdict === !e.child.verdict && consistent(e.child);
        case 'is':
        case 'exists':
        case 'range':
          return e.verdict === e.fields.some((f) => f.satisfied.length > 0);
        default:
          return true;
      }
    };
    fc.assert(fc.property(tree, doc, (t, d) => consistent(explainKql(t as never, nestedForm(d)))));
  });

  it('nested objects and dotted keys give the same explanation', () => {
    fc.assert(fc.property(tree, doc, (t, d) => {
      expect(explainKql(t as never, dottedForm(d))).toEqual(explainKql(t as never, nestedForm(d)));
    }));
  });

  it('an is leaf on an array holds iff some element equals the value', () => {
    fc.assert(fc.property(fc.array(value), value, (arr, v) => explainKql(is('a', v), { a: arr }).verdict === arr.includes(v)));
  });

  it('the summary verdict is the root verdict and prints KQL the AST came from', () => {
    fc.assert(fc.property(tree, doc, (t, d) => summarizeExplanation(explainKql(t as never, nestedForm(d))).matched === explainKql(t as never, nestedForm(d)).verdict));
    expect(toKqlText(values('process.args', '--all', '-a'))).toBe('process.args:(--all or -a)');
  });
});

describe('ClauseCounter', () => {
  it('counts branches, exclusions and exclusion values over the samples and made-up events', () => {
    const counter = new ClauseCounter(V210_AST);
    for (const s of samples) counter.add(s);
    counter.add(proc('kmod', ['kmod', 'list']));
    counter.add(proc('lsmod', ['lsmod'], 'systemd'));
    counter.add(proc('bash', ['bash']));
    const c = counter.counts();
    expect(c.events).toBe(6);
    expect(c.matched).toBe(3);
    expect(c.matchedBeforeExclusions).toBe(5);
    const row = (clause: string) => c.rows.find((r) => r.clause === clause)!;
    expect(row('process.name:(lsmod or modinfo)')).toMatchObject({ kind: 'alternative', held: 3, matched: 2 });
    expect(row('process.name:kmod and process.args:list')).toMatchObject({ kind: 'alternative', held: 1, matched: 1 });
    expect(row('process.name:depmod and process.args:(--all or -a)')).toMatchObject({ held: 1, matched: 0 });
    const exclusion = c.rows.find((r) => r.kind === 'exclusion')!;
    expect(exclusion).toMatchObject({ held: 2, suppressed: 2 });
    expect(row('process.parent.name:dkms')).toMatchObject({ kind: 'exclusion-value', held: 1, suppressed: 1 });
    expect(row('process.parent.name:systemd')).toMatchObject({ held: 1, suppressed: 1 });
    expect(row('process.parent.name:zfs')).toMatchObject({ held: 0, suppressed: 0 });
    expect(row('event.category:process')).toMatchObject({ kind: 'clause', held: 6 });
  });
});
