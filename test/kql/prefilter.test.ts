import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { WILDCARD_SENTINEL, type KueryNode } from '../../src/kql/ast.js';
import { choosePrefilter, derivePrefilter, type NeedleAtom, type Prefilter } from '../../src/kql/prefilter.js';
import { calibratePrefilter, prefilterBatch, byteLinesOf } from '../../src/kql/prefilter-scan.js';
import { BUILTIN_RULE } from '../../src/rule/builtin.js';
import { parseKql } from '../../src/kql/parse.js';
import { compileKql } from '../../src/kql/compile.js';
import { and, exists, is, nested, not, or, range, V210_AST, wc } from './ast-builders.js';
import { evaluate } from './reference-eval.js';
import { mulberry32, spellJson } from './json-spelling.js';

const texts = (pf: Prefilter | null): string[] | null => (pf === null ? null : pf.needles.map((n) => n.text).sort());
const lines = (...ls: string[]) => byteLinesOf(Buffer.from(ls.join('\n'), 'utf8'));
const maskOf = (q: KueryNode, ...ls: string[]) => [...prefilterBatch(derivePrefilter(q)!, lines(...ls))];

describe('derivePrefilter: needle derivation', () => {
  it('an is with a string literal needs that exact value, quoted', () => {
    const pf = derivePrefilter(is('process.name', 'lsmod'));
    expect(pf?.needles).toEqual([{ text: 'lsmod', quoteBefore: true, quoteAfter: true, field: 'process.name' }]);
  });

  it('or unions the needles of its children', () => {
    expect(texts(derivePrefilter(or(is('a', 'x1'), is('b', 'y2'), is('a', 'x1'))))).toEqual(['x1', 'y2']);
  });

  it('or has no needles when any child has none', () => {
    expect(derivePrefilter(or(is('a', 'x1'), not(is('b', 'y2'))))).toBeNull();
    expect(derivePrefilter(or(is('a', 'x1'), exists('b')))).toBeNull();
  });

  it('and takes one child only, ignoring children without needles', () => {
    expect(texts(derivePrefilter(and(not(is('a', 'x1')), is('b', 'needle'))))).toEqual(['needle']);
    const pf = derivePrefilter(and(is('a', 'one'), is('b', 'two')));
    expect(pf?.needles).toHaveLength(1);
  });

  it('and prefers the child with fewer, longer needles', () => {
    expect(texts(derivePrefilter(and(or(is('a', 'ab'), is('a', 'cd'), is('a', 'ef')), is('b', 'longer-value'))))).toEqual(['longer-value']);
  });

  it('not, exists, range and value-only queries give no prefilter', () => {
    expect(derivePrefilter(not(is('a', 'x1')))).toBeNull();
    expect(derivePrefilter(exists('a'))).toBeNull();
    expect(derivePrefilter(range('a', 'gt', 'b'))).toBeNull();
    expect(derivePrefilter(is(null, 'lsmod'))).toBeNull();
    expect(derivePrefilter(is('a', wc('*')))).toBeNull();
    expect(derivePrefilter(is('*', wc('*')))).toBeNull();
  });

  it('a wildcard needs its longest literal run, anchored by quotes only at the pattern ends', () => {
    const pf = derivePrefilter(is('p', wc('/var/lib/*-generic.post*')));
    expect(pf?.needles).toEqual([{ text: '/var/lib/', quoteBefore: true, quoteAfter: false, field: 'p' }]);
    expect(texts(derivePrefilter(is('p', wc('*ab*longest*cd'))))).toEqual(['longest']);
    expect(derivePrefilter(is('p', wc('*mid*')))?.needles[0]).toMatchObject({ quoteBefore: false, quoteAfter: false });
  });

  it('literals and wildcard runs a JSON number could spell another way give no needle', () => {
    expect(derivePrefilter(is('a', '5'))).toBeNull();
    expect(derivePrefilter(is('a', '1e+21'))).toBeNull();
    expect(derivePrefilter(is('a', wc('12*')))).toBeNull();
    expect(texts(derivePrefilter(is('a', wc('12*x'))))).toEqual(['x']);
  });

  it('a wildcard that cuts a surrogate pair leaves the halves out of its needles', () => {
    expect(texts(derivePrefilter(is('p', wc('x\ud83d*\ude00yz'))))).toEqual(['yz']);
    expect(maskOf(is('p', wc('x\ud83d*\ude00yz')), '{"p":"x😀yz"}')).toEqual([1]);
  });

  it('true and false also match unquoted JSON booleans', () => {
    expect(derivePrefilter(is('a', true))?.needles[0]).toMatchObject({ text: 'true', quoteBefore: false, quoteAfter: false });
    expect(derivePrefilter(is('a', 'false'))?.needles[0]).toMatchObject({ text: 'false', quoteBefore: false, quoteAfter: false });
  });

  it('nested takes its inner query', () => {
    expect(texts(derivePrefilter(nested('users', is('name', 'alice'))))).toEqual(['alice']);
  });

  it('the v210 rule needs one of the four process names, not the common ECS values', () => {
    expect(texts(derivePrefilter(V210_AST))).toEqual(['depmod', 'kmod', 'lsmod', 'modinfo']);
  });

  it('the hand-built v210 AST is the built-in rule query', () => {
    expect(parseKql(BUILTIN_RULE.query)).toEqual(V210_AST);
  });
});

describe('prefilterBatch: marking lines', () => {
  const q = is('process.name', 'lsmod');

  it('marks lines holding the quoted value and passes over the others', () => {
    expect(maskOf(q, '{"process":{"name":"lsmod"}}', '{"process":{"name":"bash"}}', '{"process.name":["lsmod"]}')).toEqual([1, 0, 1]);
  });

  it('passes over the text when it is not a whole string', () => {
    expect(maskOf(q, '{"x":"/usr/bin/lsmod"}', '{"x":"lsmod2"}', '{"x":"lsmod"}')).toEqual([0, 0, 1]);
  });

  it('marks every line holding a \\u escape, and \\/ when a needle holds a slash', () => {
    expect(maskOf(q, '{"x":"\\u006csmod"}', '{"x":"a\\/b"}')).toEqual([1, 0]);
    expect(maskOf(is('p', 'a/b'), '{"p":"a\\/b"}', '{"p":"a/b"}', '{"p":"ab"}')).toEqual([1, 1, 0]);
  });

  it('searches quotes, backslashes and control characters in their escaped form', () => {
    expect(maskOf(is('p', 'q"x'), '{"p":"q\\"x"}', '{"p":"qx"}')).toEqual([1, 0]);
    expect(maskOf(is('p', 'c:\\w'), '{"p":"c:\\\\w"}', '{"p":"c:w"}')).toEqual([1, 0]);
    expect(maskOf(is('p', 'a\nb'), '{"p":"a\\nb"}', '{"p":"ab"}')).toEqual([1, 0]);
  });

  it('finds needles sharing a substring with one pass and verifies each around the hit', () => {
    const pf = derivePrefilter(or(is('n', 'lsmod'), is('n', 'depmod'), is('n', 'kmod')))!;
    const mask = prefilterBatch(pf, lines('{"n":"depmod"}', '{"n":"mod"}', '{"n":"kmod","m":"lsmod"}', '{"n":"modprobe"}', '{"n":"xkmod"}'));
    expect([...mask]).toEqual([0b1, 0, 1, 0, 0]);
  });

  it('excludes the trailing CR of CRLF lines and handles hits at line edges', () => {
    const batch = byteLinesOf(Buffer.from('"lsmod"\r\n{"a":1}\r\n"lsmod"', 'utf8'));
    expect([...prefilterBatch(derivePrefilter(q)!, batch)]).toEqual([1, 0, 1]);
  });

  it('works on a batch whose lines sit inside a larger buffer', () => {
    const buf = Buffer.from('XX"lsmod"\n{"a":"lsmod"}\n"lsmod"YY', 'utf8');
    const batch = { buf, starts: [10, 24], ends: [23, 31], count: 2 };
    expect([...prefilterBatch(derivePrefilter(q)!, batch)]).toEqual([1, 1]);
    expect([...prefilterBatch(derivePrefilter(q)!, { buf, starts: [], ends: [], count: 0 })]).toEqual([]);
  });
});

describe('calibratePrefilter', () => {
  it('chooses, among and children, the needles that hit fewest sample lines', () => {
    const query = and(is('host.name', 'web-01'), is('user.name', 'root'));
    const sample = lines(...Array.from({ length: 20 }, (_, i) => `{"host":{"name":"web-01"},"user":{"name":"${i === 3 ? 'root' : 'u'}"}}`));
    expect(texts(calibratePrefilter(derivePrefilter(query)!, sample))).toEqual(['root']);
  });
});

// ---- soundness: a line the prefilter passes over never matches ---------------------------------

const FIELDS = ['process.name', 'process.args', 'a', 'a.b', 'lsmod', 'p/q'];
const STRINGS = [
  'lsmod', 'modinfo', 'kmod', 'depmod', 'list', '-a', '--all', 'exec', 'exec_event', 'process', 'linux', 'start', 'systemd', 'dkms',
  'a/b', '/usr/bin/kmod', 'q"uote', 'back\\slash', 'line\nbreak', 'tab\tx', '\u0001ctl', 'é', 'x😀y', 'true', 'false', '5', '1e+21',
  '0.1', 'name', 'mod', 'lsmod ', '', '\uFFFD', '\uD800lone', 'a.b', 'process.name',
];
const NUMBERS = [5, 0.1, 1e21, -3, 0, 42, 1.5];

const scalar = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...STRINGS) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(...NUMBERS, true, false, null) },
);
const leafValue = fc.oneof({ weight: 3, arbitrary: scalar }, { weight: 1, arbitrary: fc.array(scalar, { maxLength: 3 }) });

interface Assignment {
  path: string;
  value: unknown;
  /** How many leading segments are nested objects; the rest form one dotted key. */
  split: number;
  /** Wrap the object at the first level in an array. */
  wrap: boolean;
}

const assignment = fc.record({ path: fc.constantFrom(...FIELDS), value: leafValue, split: fc.nat(3), wrap: fc.boolean() });

const ruleLike = (name: string, args: string[], parent: string): Assignment[] =>
  [
    ['event.category', ['process']], ['host.os.type', 'linux'], ['event.type', ['start']], ['event.action', 'exec'],
    ['process.name', name], ['process.args', args], ['process.parent.name', parent],
  ].map(([path, value]) => ({ path: path as string, value, split: 9, wrap: false }));

const baseEvent = fc.constantFrom<Assignment[]>(
  [],
  ruleLike('lsmod', ['lsmod'], 'bash'),
  ruleLike('kmod', ['kmod', 'list'], 'sshd'),
  ruleLike('depmod', ['depmod', '-a'], 'bash'),
  ruleLike('modinfo', ['modinfo', 'x'], 'systemd'),
);

function build(assignments: Assignment[]): Record<string, unknown> {
  const doc: Record<string, unknown> = {};
  for (const { path, value, split, wrap } of assignments) {
    const segs = path.split('.');
    const nestedCount = Math.min(split, segs.length - 1);
    let obj = doc;
    let ok = true;
    for (let i = 0; i < nestedCount && ok; i++) {
      const seg = segs[i]!;
      const cur = obj[seg];
      if (cur === undefined) {
        const child: Record<string, unknown> = {};
        obj[seg] = i === 0 && wrap ? [child] : child;
        obj = child;
      } else if (Array.isArray(cur) && typeof cur[0] === 'object' && cur[0] !== null && !Array.isArray(cur[0])) {
        obj = cur[0] as Record<string, unknown>;
      } else if (typeof cur === 'object' && cur !== null && !Array.isArray(cur)) {
        obj = cur as Record<string, unknown>;
      } else ok = false;
    }
    if (ok) obj[segs.slice(nestedCount).join('.')] = value;
  }
  return doc;
}

const eventArb = fc.tuple(baseEvent, fc.array(assignment, { maxLength: 6 })).map(([b, extra]) => build([...b, ...extra]));

const wildcardOf = (s: string, i: number, j: number, lead: boolean, trail: boolean): string => {
  const a = Math.min(i, s.length);
  const b = Math.min(Math.max(a, j), s.length);
  return `${lead ? '*' : ''}${s.slice(0, a)}*${s.slice(b)}${trail ? '*' : ''}`;
};

const queryArb: fc.Arbitrary<KueryNode> = fc.letrec<{ q: KueryNode }>((tie) => ({
  q: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.tuple(fc.constantFrom(...FIELDS), fc.constantFrom<string | boolean>(...STRINGS, ...NUMBERS.map(String), true, false)).map(([f, v]) => is(f, v)),
    fc
      .tuple(fc.constantFrom(...FIELDS), fc.constantFrom(...STRINGS), fc.nat(8), fc.nat(8), fc.boolean(), fc.boolean())
      .map(([f, s, i, j, l, t]) => is(f, wc(wildcardOf(s, i, j, l, t).replace(/\\/g, '')))),
    fc.constantFrom(...FIELDS).map((f) => exists(f)),
    tie('q').map((q) => not(q)),
    fc.array(tie('q'), { minLength: 1, maxLength: 4 }).map((qs) => and(...qs)),
    fc.array(tie('q'), { minLength: 1, maxLength: 4 }).map((qs) => or(...qs)),
    tie('q').map((q) => nested('a', q)),
  ),
})).q;

/**
 * Assignments that give the query's own fields the query's own values (wildcards filled in, numeric
 * and boolean texts sometimes as JSON numbers and booleans), so that random events often match.
 */
function plant(query: KueryNode, rnd: () => number, out: Assignment[] = []): Assignment[] {
  if (query.function === 'is') {
    const [f, v] = query.arguments;
    if (typeof f.value !== 'string' || rnd() < 0.3) return out;
    let value: unknown;
    if (v.type === 'wildcard') {
      value = v.value.split(WILDCARD_SENTINEL).join(STRINGS[Math.floor(rnd() * STRINGS.length)]!.slice(0, Math.floor(rnd() * 4)));
    } else value = v.value;
    if (typeof value === 'string' && rnd() < 0.5) {
      if (value.trim() !== '' && Number.isFinite(Number(value))) value = Number(value);
      else if (value === 'true' || value === 'false') value = value === 'true';
    }
    out.push({ path: f.value, value: rnd() < 0.3 ? [value] : value, split: Math.floor(rnd() * 4), wrap: rnd() < 0.2 });
  } else if (query.function === 'and' || query.function === 'or') {
    for (const c of query.arguments) plant(c, rnd, out);
  } else if (query.function === 'not') plant(query.arguments[0], rnd, out);
  else if (query.function === 'nested') {
    const inner = plant(query.arguments[1], rnd).map((a) => ({ ...a, path: `${String(query.arguments[0].value)}.${a.path}`, split: a.split + 1 }));
    out.push(...inner);
  }
  return out;
}

/** Any cost function gives a sound choice; derive one from a seed. */
const seededCost = (seed: number) => (a: NeedleAtom) => mulberry32(seed ^ (a.text.length * 7919 + a.text.charCodeAt(0)))();

describe('prefilter soundness (property)', () => {
  const stats = { lines: 0, passedOver: 0 };

  it('a line the prefilter passes over never matches the query', () => {
    fc.assert(
      fc.property(
        fc.oneof({ weight: 1, arbitrary: fc.constant(V210_AST) }, { weight: 4, arbitrary: queryArb }),
        fc.array(fc.tuple(fc.array(assignment, { maxLength: 4 }), fc.boolean(), fc.boolean(), fc.integer()), { minLength: 1, maxLength: 8 }),
        fc.integer(),
        fc.integer(),
        (query, drafts, spellSeed, costSeed) => {
          const derived = derivePrefilter(query);
          if (derived === null) return;
          const rnd = mulberry32(spellSeed);
          const events = drafts.map(([extra, asHit, crlf, plantSeed]) => {
            const planted = plant(query, mulberry32(plantSeed));
            const mixed = plantSeed % 2 === 0 ? [...planted, ...extra] : [...extra, ...planted];
            return [build(mixed), asHit, crlf] as const;
          });
          const mode = rnd();
          const opts = mode < 0.6 ? { escapeString: 0, escapeChar: 0 } : mode < 0.8 ? { escapeString: 1, escapeChar: 0.5, slashOnly: true } : { escapeString: 0.3, escapeChar: 0.3 };
          const ls = events.map(([ev, asHit]) => (asHit ? `{"_index":"logs-endpoint.events.process-x","_id":"1","_source":${spellJson(ev, rnd, opts)}}` : spellJson(ev, rnd, opts)));
          ls.forEach((l, i) => expect(JSON.parse(l)).toEqual(events[i]![1] ? { _index: 'logs-endpoint.events.process-x', _id: '1', _source: events[i]![0] } : events[i]![0]));
          const text = ls.map((l, i) => l + (events[i]![2] ? '\r\n' : '\n')).join('');
          const batch = byteLinesOf(Buffer.from(text, 'utf8'));
          const compiled = compileKql(query);
          for (const pf of [derived, choosePrefilter(derived.requirement, seededCost(costSeed)), calibratePrefilter(derived, batch)]) {
            const mask = prefilterBatch(pf, batch);
            events.forEach(([ev], i) => {
              stats.lines++;
              if (mask[i] === 0) {
                stats.passedOver++;
                expect(evaluate(query, ev)).toBe(false);
                expect(compiled(ev)).toBe(false);
              }
            });
          }
        },
      ),
      { numRuns: 5000 },
    );
    // Not vacuous: the prefilter did pass over a good share of the lines it was tried on.
    expect(stats.passedOver).toBeGreaterThan(stats.lines / 10);
  });

  it('the v210 rule: matching events survive whatever their spelling', () => {
    fc.assert(
      fc.property(eventArb, fc.integer(), (ev, seed) => {
        const line = spellJson(ev, mulberry32(seed), { escapeString: 0.5, escapeChar: 0.5 });
        const mask = prefilterBatch(derivePrefilter(V210_AST)!, lines(line));
        if (evaluate(V210_AST, ev) || compileKql(V210_AST)(ev)) expect(mask[0]).toBe(1);
      }),
      { numRuns: 3000 },
    );
  });
});
