/**
 * KQL `is`, range and exists by field type, as Elasticsearch answers the queries Kibana builds
 * (kbn-es-query functions/is.ts: `match` for an unquoted value, `match_phrase` for a quoted one,
 * `query_string` for a wildcard; range.ts: `range`; exists.ts: `exists`).
 *
 * Per type (Elasticsearch reference: field data types, term-level and full-text queries):
 * - keyword: the query value goes through the field's normalizer (the `lowercase` of Elastic
 *   Defend's `.caseless`) like the doc values; values over ignore_above are not indexed.
 *   wildcard / constant_keyword: a keyword without ignore_above.
 * - numeric (long, integer, short, byte, unsigned_long, double, float, half_float, scaled_float):
 *   `f:1` and `f:"1"` match the doc values 1, "1", 1.0 (coerced); a fractional value on an integer
 *   field matches nothing; a value that is not a number is Elasticsearch's error
 *   (number_format_exception: the rule run fails), raised here at compile time as KqlTypeError;
 *   so is a wildcard (query_string on a numeric field). Ranges compare numbers.
 * - boolean: `true`/`false` (and their strings); anything else is an error. Ranges order false < true.
 * - ip: an address matches that address in any spelling (`::ffff:10.0.0.1` is `10.0.0.1`); a CIDR
 *   (`10.0.0.0/8`, `2001:db8::/32`) matches every address in it; anything else is an error. Ranges
 *   compare addresses.
 * - text, match_only_text: the standard analyzer on both sides (ecs/standard-analyzer.ts): an
 *   unquoted value (`match`, operator OR) matches when some query token is a doc token; a quoted
 *   value (`match_phrase`) when the query tokens occur consecutively in one value; a wildcard
 *   (`query_string`, analyze_wildcard) when some doc token matches the lowercased pattern. Ranges
 *   compare doc tokens as keywords.
 * - exists: the field has an indexed value: for keyword within ignore_above; for the other types a
 *   valid value ("" counts for text).
 * - date, date_nanos: kql/date-clauses.ts (ranges over the field's formats, date math, `now`).
 * Other types (geo, …) are read as keywords here.
 */
import ipaddr from 'ipaddr.js';
import type { RangeOperator, ValueNode } from './ast.js';
import { holds } from './range.js';
import { compileWildcardMatcher, wildcardAsText } from './wildcard.js';
import { compareKeywords } from '../ecs/keyword-order.js';
import { isPlainObject, visitLeafValues } from '../ecs/fields.js';
import type { FieldMapping } from '../ecs/field-types.js';
import { standardTokens } from '../ecs/standard-analyzer.js';
import { canonicalIp, ipBytes, termCodec } from '../ecs/typed-terms.js';
import { DATE_TYPES } from '../ecs/date-field.js';
import { dateExistsTest, dateIsTest, dateRangeTest } from './date-clauses.js';
import { defaultQueryNow } from '../ecs/query-clock.js';

export type ValueTest = (value: unknown) => boolean;

/** A clause Elasticsearch would refuse for the field's type: the rule run would fail. */
export class KqlTypeError extends Error {
  override name = 'KqlTypeError';
}

const NUMERIC = new Set(['long', 'integer', 'short', 'byte', 'unsigned_long', 'double', 'float', 'half_float', 'scaled_float']);
const INTEGER = new Set(['long', 'integer', 'short', 'byte', 'unsigned_long']);
const TEXT = new Set(['text', 'match_only_text']);

export type TypeFamily = 'keyword' | 'numeric' | 'boolean' | 'ip' | 'text' | 'date';

export function typeFamily(m: FieldMapping): TypeFamily {
  if (NUMERIC.has(m.type)) return 'numeric';
  if (m.type === 'boolean') return 'boolean';
  if (m.type === 'ip') return 'ip';
  if (TEXT.has(m.type)) return 'text';
  if (DATE_TYPES.has(m.type)) return 'date';
  return 'keyword';
}

/** Whether the field is read exactly as the untyped (keyword, ignore_above 1024) reading reads it. */
export function isPlainKeyword(m: FieldMapping): boolean {
  return typeFamily(m) === 'keyword' && m.normalizer === undefined;
}

const literalText = (node: ValueNode): string | undefined =>
  node.type === 'wildcard' ? wildcardAsText(node.value) : node.value === null ? undefined : String(node.value);

function fail(field: string, m: FieldMapping, what: string): never {
  throw new KqlTypeError(`field "${field}" is mapped as ${m.type}: ${what}`);
}

/** Leaves of a value, objects walked (exists on an object field holds when some leaf gives a value). */
function anyLeaf(test: ValueTest): ValueTest {
  return (v) => (isPlainObject(v) ? visitLeafValues(v, test) : test(v));
}

export function keywordOf(m: FieldMapping): FieldMapping {
  // wildcard and constant_keyword have no ignore_above; a keyword without one in a mapping has none.
  return m.type === 'keyword' ? m : { type: 'keyword' };
}

/**
 * `f:v` (value not a lone wildcard); `quoted` selects match_phrase. `now` (epoch ms) is the
 * evaluation time of date math on date fields; default the process's query clock (ecs/query-clock.ts).
 */
export function typedIsTest(field: string, m: FieldMapping, value: ValueNode, now: number = defaultQueryNow()): ValueTest {
  const family = typeFamily(m);
  if (value.type === 'literal' && value.value === null) return () => false;
  if (family === 'text') return textIsTest(value);
  if (family === 'date') return dateIsTest(field, m, value, now);
  if (value.type === 'wildcard') {
    if (family !== 'keyword') fail(field, m, `a wildcard query (${wildcardAsText(value.value)}) is refused on this type`);
    const codec = termCodec(keywordOf(m));
    const pattern = m.normalizer === 'lowercase' ? value.value.toLowerCase() : value.value;
    const matches = compileWildcardMatcher(pattern);
    return (v) => {
      const t = codec.term(v);
      return t !== undefined && matches(t);
    };
  }
  const text = literalText(value)!;
  switch (family) {
    case 'numeric': {
      if (text.trim() === '' || !Number.isFinite(Number(text))) fail(field, m, `"${text}" is not a number (number_format_exception)`);
      const n = Number(text);
      if (INTEGER.has(m.type) && !Number.isInteger(n)) return () => false;
      const codec = termCodec(m);
      const wanted = codec.term(n);
      if (wanted === undefined) return () => false;
      return (v) => codec.term(v) === wanted;
    }
    case 'boolean': {
      if (text !== 'true' && text !== 'false') fail(field, m, `"${text}" is not a boolean (expected true or false)`);
      const codec = termCodec(m);
      return (v) => codec.term(v) === text;
    }
    case 'ip':
      return ipIsTest(field, m, text);
    default: {
      const codec = termCodec(keywordOf(m));
      const wanted = codec.term(text);
      if (wanted === undefined) return () => false;
      return (v) => codec.term(v) === wanted;
    }
  }
}

function ipIsTest(field: string, m: FieldMapping, text: string): ValueTest {
  if (text.includes('/')) {
    let range: [ipaddr.IPv4 | ipaddr.IPv6, number];
    try {
      range = ipaddr.parseCIDR(text);
    } catch {
      fail(field, m, `"${text}" is not an IP string literal or CIDR`);
    }
    const [net, bits] = range;
    const netBytes = ipBytes(net.toString());
    const prefix = net.kind() === 'ipv4' ? bits + 96 : bits;
    return (v) => {
      if (typeof v !== 'string') return false;
      const t = canonicalIp(v);
      if (t === undefined) return false;
      const b = ipBytes(t);
      for (let i = 0; i < prefix; i++) {
        const mask = 0x80 >> (i % 8);
        if ((b[i >> 3]! & mask) !== (netBytes[i >> 3]! & mask)) return false;
      }
      return true;
    };
  }
  const wanted = canonicalIp(text);
  if (wanted === undefined) fail(field, m, `"${text}" is not an IP string literal`);
  return (v) => typeof v === 'string' && canonicalIp(v) === wanted;
}

function textIsTest(value: ValueNode): ValueTest {
  if (value.type === 'wildcard') {
    const matches = compileWildcardMatcher(value.value.toLowerCase());
    return (v) => typeof v === 'string' && standardTokens(v).some(matches);
  }
  const query = standardTokens(String(value.value));
  if (query.length === 0) return () => false;
  if (!value.isQuoted) {
    const wanted = new Set(query);
    return (v) => typeof v === 'string' && standardTokens(v).some((t) => wanted.has(t));
  }
  return (v) => {
    if (typeof v !== 'string') return false;
    const doc = standardTokens(v);
    outer: for (let i = 0; i + query.length <= doc.length; i++) {
      for (let j = 0; j < query.length; j++) if (doc[i + j] !== query[j]) continue outer;
      return true;
    }
    return false;
  };
}

export function typedExistsTest(m: FieldMapping, field = ''): ValueTest {
  const family = typeFamily(m);
  if (family === 'date') return dateExistsTest(field, m);
  if (family === 'text') return anyLeaf((v) => typeof v === 'string');
  const codec = termCodec(family === 'keyword' ? keywordOf(m) : m);
  return anyLeaf((v) => codec.term(v) !== undefined);
}

export function typedRangeTest(field: string, m: FieldMapping, op: RangeOperator, bound: ValueNode, now: number = defaultQueryNow()): ValueTest {
  const text = literalText(bound);
  if (text === undefined) return () => false;
  const family = typeFamily(m);
  if (family === 'date') return dateRangeTest(field, m, op, bound, now);
  switch (family) {
    case 'numeric': {
      if (text.trim() === '' || !Number.isFinite(Number(text))) fail(field, m, `range bound "${text}" is not a number (number_format_exception)`);
      const b = Number(text);
      const codec = termCodec(m);
      return (v) => {
        const t = codec.term(v);
        return t !== undefined && holds(Number(t) - b, op);
      };
    }
    case 'boolean': {
      if (text !== 'true' && text !== 'false') fail(field, m, `range bound "${text}" is not a boolean`);
      const codec = termCodec(m);
      return (v) => {
        const t = codec.term(v);
        return t !== undefined && holds(codec.compare(t, text), op);
      };
    }
    case 'ip': {
      const b = canonicalIp(text);
      if (b === undefined) fail(field, m, `range bound "${text}" is not an IP string literal`);
      const codec = termCodec(m);
      return (v) => {
        const t = codec.term(v);
        return t !== undefined && holds(codec.compare(t, b), op);
      };
    }
    case 'text':
      return (v) => typeof v === 'string' && standardTokens(v).some((t) => holds(compareKeywords(t, text), op));
    default: {
      const codec = termCodec(keywordOf(m));
      const b = m.normalizer === 'lowercase' ? text.toLowerCase() : text;
      return (v) => {
        const t = codec.term(v);
        return t !== undefined && holds(compareKeywords(t, b), op);
      };
    }
  }
}
