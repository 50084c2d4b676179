/**
 * KQL on `date` / `date_nanos` fields as Elasticsearch answers what the detection engine sends
 * (kbn-es-query is.ts/range.ts with a field-caps data view: `f: v` is a range gte v lte v; ES's
 * DateFieldType.rangeQuery rounds the upper bound up; JavaDateMathParser reads date math). `now` is
 * fixed per test through CompileKqlOptions.now.
 */
import { describe, expect, it } from 'vitest';
import { compileKql } from '../../src/kql/compile.js';
import { KqlTypeError } from '../../src/kql/typed-clauses.js';
import type { FieldMapping } from '../../src/ecs/field-types.js';

const NOW = Date.parse('2026-12-02T10:30:15.250Z');
const on = (m: FieldMapping, field = 't') => (query: string) => {
  const p = compileKql(query, { fieldTypes: { [field]: m }, now: NOW });
  return (value: unknown) => p({ [field]: value });
};
const date = on({ type: 'date' });

describe('is on a date field: the span the value names', () => {
  it('a day matches every instant of that day and nothing of the next', () => {
    const q = date('t: 2024-05-14');
    expect(q('2024-05-14T00:00:00.000Z')).toBe(true);
    expect(q('2024-05-14T23:59:59.999Z')).toBe(true);
    expect(q('2024-05-15T00:00:00.000Z')).toBe(false);
    expect(q('2024-05-13T23:59:59.999Z')).toBe(false);
  });
  it('a time to the second matches that whole second (lte rounds the missing fraction up), in any spelling', () => {
    const q = date('t: "2024-05-14T10:00:00Z"');
    expect(q('2024-05-14T12:00:00+02:00')).toBe(true);
    expect(q('2024-05-14T10:00:00.000999Z')).toBe(true);
    expect(q(String(Date.parse('2024-05-14T10:00:00Z')))).toBe(true);
    expect(q(Date.parse('2024-05-14T10:00:00Z'))).toBe(true);
    expect(q('2024-05-14T10:00:00.999Z')).toBe(true);
    expect(q('2024-05-14T10:00:01Z')).toBe(false);
    expect(q('2024-05-14T09:59:59.999Z')).toBe(false);
  });
  it('a time to the millisecond matches that millisecond only', () => {
    const q = date('t: "2024-05-14T10:00:00.000Z"');
    expect(q('2024-05-14T10:00:00Z')).toBe(true);
    expect(q('2024-05-14T10:00:00.001Z')).toBe(false);
  });
  it('an epoch value (KQL number) is epoch_millis', () => {
    expect(date('t: 1715680800000')('2024-05-14T10:00:00Z')).toBe(true);
  });
  it('date math: now/d is today, now-1d/d yesterday, anchored math after ||', () => {
    expect(date('t: now/d')('2026-12-02T00:00:00Z')).toBe(true);
    expect(date('t: now/d')('2026-12-02T23:59:59.999Z')).toBe(true);
    expect(date('t: now/d')('2026-12-03T00:00:00Z')).toBe(false);
    expect(date('t: now-1d/d')('2026-12-01T08:00:00Z')).toBe(true);
    expect(date('t: "2024-01-31||+1M/d"')('2024-02-29T12:00:00Z')).toBe(true);
  });
  it('now alone is one millisecond: the evaluation time', () => {
    expect(date('t: now')(new Date(NOW).toISOString())).toBe(true);
    expect(date('t: now')(new Date(NOW + 1).toISOString())).toBe(false);
  });
  it('a value the format cannot read fails the search (KqlTypeError), as ES does', () => {
    expect(() => date('t: yesterday')).toThrow(KqlTypeError);
    expect(() => date('t: yesterday')).toThrow(/failed to parse date field \[yesterday\] with format \[strict_date_optional_time\|\|epoch_millis\]/);
    expect(() => date('t: 2024-02-30')).toThrow(KqlTypeError);
    expect(() => date('t: now+1x')).toThrow(/unit \[x\] not supported/);
    expect(() => date('t: now/2d')).toThrow(/rounding/);
  });
  it('a wildcard is refused on a date field (prefix/wildcard query on a date)', () => {
    expect(() => date('t: 2024*')).toThrow(/wildcard/);
  });
  it('document values the format cannot read are not indexed: they match nothing', () => {
    expect(date('t: 2024-05-14')('14/05/2024')).toBe(false);
    expect(date('t: 2024-05-14')(true)).toBe(false);
    expect(date('t:*')('14/05/2024')).toBe(false);
    expect(date('t:*')('2024-05-14')).toBe(true);
  });
});

describe('ranges on a date field', () => {
  it('lte rounds a date up to the end of what it names; lt does not', () => {
    expect(date('t <= 2024-05-14')('2024-05-14T23:00:00Z')).toBe(true);
    expect(date('t < 2024-05-14')('2024-05-14T00:00:00Z')).toBe(false);
    expect(date('t < 2024-05-14')('2024-05-13T23:59:59.999Z')).toBe(true);
  });
  it('gt rounds up then excludes; gte takes the start', () => {
    expect(date('t > 2024-05-14')('2024-05-14T23:00:00Z')).toBe(false);
    expect(date('t > 2024-05-14')('2024-05-15T00:00:00Z')).toBe(true);
    expect(date('t >= 2024-05-14')('2024-05-14T00:00:00Z')).toBe(true);
  });
  it('now-relative bounds use the evaluation time; /w rounds to Monday (ES, not moment)', () => {
    expect(date('t > now-1h')('2026-12-02T09:45:00Z')).toBe(true);
    expect(date('t > now-1h')('2026-12-02T09:00:00Z')).toBe(false);
    // 2026-12-02 is a Wednesday: the week began on Monday 2026-11-30.
    expect(date('t >= now/w')('2026-11-30T00:00:00Z')).toBe(true);
    expect(date('t >= now/w')('2026-11-29T23:59:59.999Z')).toBe(false);
    expect(date('t <= now/w')('2026-12-06T23:59:59.999Z')).toBe(true);
    expect(date('t <= now/w')('2026-12-07T00:00:00Z')).toBe(false);
  });
  it('a bad bound is an error, not a miss', () => {
    expect(() => date('t > soon')).toThrow(KqlTypeError);
  });
});

describe('formats and resolution', () => {
  it('a mapping format is honoured: epoch_second reads seconds, not a calendar date', () => {
    const f = on({ type: 'date', format: 'epoch_second' });
    expect(f('t: 1715680800')(1715680800)).toBe(true);
    expect(f('t: 1715680800')('1715680800')).toBe(true);
    expect(f('t:*')('2024-05-14')).toBe(false);
    expect(() => f('t: 2024-05-14')).toThrow(/with format \[epoch_second\]/);
  });
  it('a Java pattern format is refused by name rather than guessed', () => {
    expect(() => on({ type: 'date', format: 'yyyy-MM-dd HH:mm:ss' })('t: 2024')).toThrow(/not read by this tool/);
  });
  it('date stores milliseconds: sub-millisecond digits are floored on both sides', () => {
    expect(date('t: "2024-05-14T10:00:00.000500Z"')('2024-05-14T10:00:00.000Z')).toBe(true);
  });
  it('date_nanos keeps nanoseconds and cannot store instants before 1970', () => {
    const n = on({ type: 'date_nanos' });
    expect(n('t: "2024-05-14T10:00:00.000000500Z"')('2024-05-14T10:00:00.000000500Z')).toBe(true);
    expect(n('t: "2024-05-14T10:00:00.000000500Z"')('2024-05-14T10:00:00.000000501Z')).toBe(false);
    expect(n('t:*')('1969-12-31T23:59:59Z')).toBe(false);
    expect(n('t < 2024')('1969-12-31T23:59:59Z')).toBe(false);
    expect(n('t < 2024')('1970-01-01T00:00:00Z')).toBe(true);
  });
});

describe('explain on a date field', () => {
  it('says which instants the clause accepts, with the same verdict as the predicate', async () => {
    const { explainKql } = await import('../../src/kql/explain.js');
    const { parseKql } = await import('../../src/kql/parse.js');
    const types = { t: { type: 'date' } };
    const e = explainKql(parseKql('t: 2024-05-14'), { t: '2024-05-14T10:00:00Z' }, types);
    expect(e).toMatchObject({ kind: 'is', verdict: true, accepts: '[2024-05-14T00:00:00.000Z, 2024-05-14T23:59:59.999Z]' });
    const r = explainKql(parseKql('t > 2024-05-14'), { t: '2024-05-14T10:00:00Z' }, types);
    expect(r).toMatchObject({ kind: 'range', verdict: false, accepts: '[2024-05-15T00:00:00.000Z, …)' });
    const n = explainKql(parseKql('t < "2024-05-14T10:00:00.000000001Z"'), { t: '2024-05-14T10:00:00Z' }, { t: { type: 'date_nanos' } });
    expect(n).toMatchObject({ verdict: true, accepts: '(…, 2024-05-14T10:00:00.000000000Z]' });
  });
});
