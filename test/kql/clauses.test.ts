import { describe, expect, it } from 'vitest';
import { diffClauses, fieldValues, queryClauses } from '../../src/kql/clauses.js';
import { toKqlText } from '../../src/kql/clause-text.js';
import { parseKql } from '../../src/kql/parse.js';

const texts = (q: string) => {
  const c = queryClauses(parseKql(q));
  return { clauses: c.clauses.map(toKqlText), exclusions: c.exclusions.map(toKqlText) };
};

describe('queryClauses', () => {
  it('splits the top-level and into clauses and the alternatives of each not into exclusions', () => {
    expect(texts('a:1 and (b:2 or c:3) and not (d:(x or y) or e:z) and not f:w')).toEqual({
      clauses: ['a:1', 'b:2 or c:3'],
      exclusions: ['d:x', 'd:y', 'e:z', 'f:w'],
    });
  });

  it('treats a query that is not an and as one clause', () => {
    expect(texts('a:1 or b:2')).toEqual({ clauses: ['a:1 or b:2'], exclusions: [] });
  });
});

describe('fieldValues', () => {
  it('reads a one-field value list, and nothing else', () => {
    expect(fieldValues(parseKql('f:(a or b*)'))).toEqual({ field: 'f', values: ['a', 'b*'] });
    expect(fieldValues(parseKql('f:a or g:b'))).toBeUndefined();
    expect(fieldValues(parseKql('f:a and f:b'))).toBeUndefined();
  });
});

describe('diffClauses', () => {
  it('reports values removed from a clause rather than a clause swapped', () => {
    expect(diffClauses(parseKql('a:(x or y) and b:1'), parseKql('a:x and b:1'))).toEqual([
      { kind: 'clause', text: 'a:y', change: 'removed', field: 'a', values: ['y'] },
    ]);
  });

  it('reports exclusion values added per field, and whole new exclusions', () => {
    const d = diffClauses(parseKql('q:1 and not p:(a or b)'), parseKql('q:1 and not (p:(a or b or c) or e:/x/*)'));
    expect(d).toEqual([
      { kind: 'exclusion', text: 'p:c', change: 'added', field: 'p', values: ['c'] },
      { kind: 'exclusion', text: 'e:/x/*', change: 'added' },
    ]);
  });

  it('finds nothing between queries that differ only in layout', () => {
    expect(diffClauses(parseKql('a:1 and\n  not (b:(x or y))'), parseKql('a:1 and not b:(x or\n y)'))).toEqual([]);
  });

  it('reports a removed exclusion and a changed compound clause as text', () => {
    expect(diffClauses(parseKql('(a:1 or b:2) and not c:0'), parseKql('(a:1 or b:3)'))).toEqual([
      { kind: 'clause', text: 'a:1 or b:2', change: 'removed' },
      { kind: 'clause', text: 'a:1 or b:3', change: 'added' },
      { kind: 'exclusion', text: 'c:0', change: 'removed' },
    ]);
  });
});
