import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Accounting, MALFORMED_KINDS, formatProblem, type MalformedKind } from '../../src/io/accounting.js';
import { InputError } from '../../src/io/errors.js';

type Op =
  | { t: 'line'; outcome: 'evaluated' | 'skippedByIndex' | 'blank' | 'prefiltered'; n: number; file: string }
  | { t: 'bad'; kind: MalformedKind; n: number; file: string };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ t: fc.constant('line' as const), outcome: fc.constantFrom('evaluated' as const, 'skippedByIndex' as const, 'blank' as const, 'prefiltered' as const), n: fc.nat(5), file: fc.constantFrom('a', 'b') }),
  fc.record({ t: fc.constant('bad' as const), kind: fc.constantFrom(...MALFORMED_KINDS), n: fc.integer({ min: 1, max: 3 }), file: fc.constantFrom('a', 'b') }),
);

function apply(acct: Accounting, ops: Op[]): void {
  ops.forEach((o, i) => (o.t === 'line' ? acct.lines(o.file, o.outcome, o.n) : acct.malformed(o.file, i + 1, o.kind, `bad ${i}`, o.n)));
}

describe('Accounting', () => {
  it('read = evaluated + skippedByIndex + blank + malformed + prefiltered, per file and in total (property)', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const acct = new Accounting();
        apply(acct, ops);
        const all = [acct.total, ...acct.files.values()];
        for (const c of all) {
          expect(c.read).toBe(c.evaluated + c.skippedByIndex + c.blank + c.malformed + c.prefiltered);
          expect(c.malformed).toBe(MALFORMED_KINDS.reduce((a, k) => a + c.malformedByKind[k], 0));
        }
        expect(acct.total.read).toBe([...acct.files.values()].reduce((a, c) => a + c.read, 0));
      }),
    );
  });

  it('merging split work equals doing it in one place (property)', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 30 }), fc.nat(30), (ops, cut) => {
        const whole = new Accounting({ maxProblems: 4 });
        apply(whole, ops);
        const left = new Accounting({ maxProblems: 4 });
        const right = new Accounting({ maxProblems: 4 });
        ops.forEach((o, i) => {
          const a = i < cut ? left : right;
          if (o.t === 'line') a.lines(o.file, o.outcome, o.n);
          else a.malformed(o.file, i + 1, o.kind, `bad ${i}`, o.n);
        });
        left.merge(right.snapshot());
        expect(left.snapshot().total).toEqual(whole.snapshot().total);
        expect(left.problems).toEqual(whole.problems);
      }),
    );
  });

  it('counts events apart from lines', () => {
    const acct = new Accounting();
    acct.events('f', 'search-response', 3, 2);
    acct.lines('f', 'evaluated');
    expect(acct.total).toMatchObject({ read: 1, evaluated: 1, events: 5, eventsEvaluated: 3, eventsSkippedByIndex: 2, eventsByShape: { 'search-response': 5 } });
  });

  it('keeps the first N problems as file:line: what', () => {
    const acct = new Accounting({ maxProblems: 2 });
    acct.malformed('x.ndjson', 3, 'invalid-json', 'invalid JSON: oops');
    acct.malformed('x.ndjson', 7, 'not-an-object', 'not an object: a number');
    acct.malformed('x.ndjson', 9, 'invalid-utf8', 'invalid UTF-8');
    expect(acct.problemLines()).toEqual(['x.ndjson:3: invalid JSON: oops', 'x.ndjson:7: not an object: a number']);
    expect(formatProblem(acct.problems[0]!)).toBe('x.ndjson:3: invalid JSON: oops');
    expect(acct.total.malformed).toBe(3);
  });

  it('in strict mode throws at the first problem with file, line and kind', () => {
    const acct = new Accounting({ strict: true });
    acct.lines('x', 'blank');
    const err = (() => {
      try {
        acct.malformed('x.ndjson', 4, 'too-long', 'line too long');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(InputError);
    expect(err).toMatchObject({ path: 'x.ndjson', line: 4, reason: 'too-long', message: 'x.ndjson:4: line too long' });
  });
});
