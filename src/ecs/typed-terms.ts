/**
 * Terms by field type, as a composite aggregation's `terms` source sees them: which doc value a JSON
 * leaf gives the field, the JSON value the bucket key carries, and the order of keys.
 *
 * Elasticsearch (reference: "Field data types", "Composite aggregation" key order, "ignore_above",
 * "normalizer", "coerce"):
 * - keyword / constant_keyword / wildcard: the string (numbers and booleans as their JSON text);
 *   longer than ignore_above → no doc value; a `lowercase` normalizer lowercases it. Key: string,
 *   ordered by UTF-8 bytes.
 * - long / integer / short / byte / unsigned_long: numbers and numeric strings (coerce, on by
 *   default); a fractional value is truncated toward zero; out of the type's range or not a number →
 *   malformed (no doc value: the tool cannot index what Elasticsearch would reject). Key: number,
 *   numeric order.
 * - double / float / half_float / scaled_float: as stored — float keeps 32 bits (`0.1` is
 *   0.10000000149011612), scaled_float rounds to 1/scaling_factor. half_float is kept at float
 *   precision (deviation: ES keeps 16 bits). Key: number, numeric order.
 * - boolean: true/false/"true"/"false"/"" ("" is false). Key: JSON boolean, false < true.
 * - ip: IPv4 or IPv6, keyed in Elasticsearch's text form (IPv4-mapped IPv6 as IPv4, IPv6 compressed
 *   as RFC 5952), ordered by the 16-byte address.
 * Other types (date, text, …) keep the keyword reading (not modelled yet).
 */
import ipaddr from 'ipaddr.js';
import { compareKeywords } from './keyword-order.js';
import { ECS_KEYWORD_IGNORE_ABOVE, toKeywordTerm } from './fields.js';
import type { FieldMapping } from './field-types.js';

export type TermValue = string | number | boolean;

/** How one field's doc values are read, keyed and ordered. Terms are strings so they key maps. */
export interface TermCodec {
  /** The doc value a JSON leaf gives the field, as text; undefined when it gives none. */
  term(v: unknown): string | undefined;
  /** The bucket key's JSON value for a term. */
  value(term: string): TermValue;
  compare(a: string, b: string): number;
}

const INTEGER_RANGE: Readonly<Record<string, readonly [bigint, bigint]>> = {
  byte: [-128n, 127n],
  short: [-32768n, 32767n],
  integer: [-2147483648n, 2147483647n],
  long: [-9223372036854775808n, 9223372036854775807n],
  unsigned_long: [0n, 18446744073709551615n],
};

function numericText(v: unknown): string | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : undefined;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return v.trim();
  return undefined;
}

function integerCodec(type: string): TermCodec {
  const [lo, hi] = INTEGER_RANGE[type]!;
  return {
    term(v) {
      const text = numericText(v);
      if (text === undefined) return undefined;
      let n: bigint;
      if (/^[+-]?\d+$/.test(text)) n = BigInt(text);
      else {
        const x = Number(text);
        if (!Number.isFinite(x)) return undefined;
        n = BigInt(Math.trunc(x));
      }
      return n < lo || n > hi ? undefined : n.toString();
    },
    value: (t) => Number(t),
    compare: (a, b) => {
      const x = BigInt(a);
      const y = BigInt(b);
      return x < y ? -1 : x > y ? 1 : 0;
    },
  };
}

function floatCodec(mapping: FieldMapping): TermCodec {
  const store = (x: number): number => {
    switch (mapping.type) {
      case 'float':
      case 'half_float':
        return Math.fround(x);
      case 'scaled_float': {
        const f = mapping.scaling_factor ?? 1;
        return Math.round(x * f) / f;
      }
      default:
        return x;
    }
  };
  return {
    term(v) {
      const text = numericText(v);
      return text === undefined ? undefined : String(store(Number(text)));
    },
    value: (t) => Number(t),
    compare: (a, b) => Number(a) - Number(b),
  };
}

const booleanCodec: TermCodec = {
  term(v) {
    if (v === true || v === 'true') return 'true';
    if (v === false || v === 'false' || v === '') return 'false';
    return undefined;
  },
  value: (t) => t === 'true',
  compare: (a, b) => (a === b ? 0 : a === 'false' ? -1 : 1),
};

/** Elasticsearch's text form of an address (NetworkAddress.format), or undefined if not an address. */
export function canonicalIp(text: string): string | undefined {
  if (!ipaddr.isValid(text)) return undefined;
  let addr = ipaddr.parse(text);
  if (addr.kind() === 'ipv4' && !ipaddr.IPv4.isValidFourPartDecimal(text)) return undefined;
  if (addr instanceof ipaddr.IPv6 && addr.isIPv4MappedAddress()) addr = addr.toIPv4Address();
  return addr instanceof ipaddr.IPv6 ? addr.toRFC5952String() : addr.toString();
}

/** The 16 bytes Elasticsearch stores for an address (IPv4 as IPv4-mapped IPv6). */
export function ipBytes(text: string): number[] {
  const addr = ipaddr.parse(text);
  return addr instanceof ipaddr.IPv6 ? addr.toByteArray() : addr.toIPv4MappedAddress().toByteArray();
}

const ipCodec: TermCodec = {
  term: (v) => (typeof v === 'string' ? canonicalIp(v) : undefined),
  value: (t) => t,
  compare(a, b) {
    const x = ipBytes(a);
    const y = ipBytes(b);
    for (let i = 0; i < 16; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
    return 0;
  },
};

function keywordCodec(mapping: FieldMapping): TermCodec {
  const ignoreAbove = mapping.ignore_above ?? (mapping.type === 'keyword' ? Number.POSITIVE_INFINITY : ECS_KEYWORD_IGNORE_ABOVE);
  const lower = mapping.normalizer === 'lowercase';
  return {
    term(v) {
      const t = toKeywordTerm(v, ignoreAbove);
      return t !== undefined && lower ? t.toLowerCase() : t;
    },
    value: (t) => t,
    compare: compareKeywords,
  };
}

/** The codec for a field's mapping. */
export function termCodec(mapping: FieldMapping): TermCodec {
  switch (mapping.type) {
    case 'long':
    case 'integer':
    case 'short':
    case 'byte':
    case 'unsigned_long':
      return integerCodec(mapping.type);
    case 'double':
    case 'float':
    case 'half_float':
    case 'scaled_float':
      return floatCodec(mapping);
    case 'boolean':
      return booleanCodec;
    case 'ip':
      return ipCodec;
    default:
      return keywordCodec(mapping);
  }
}
