/**
 * Test oracle: the Query DSL that src/kql/dsl.ts emits, evaluated as Elasticsearch evaluates it on
 * an index with a given mapping, written independently of the code under test (no src/ecs/typed-*,
 * date-field, es-date*, standard-analyzer or kql/typed-* import) and only for the value spellings the
 * property generates (ASCII keywords, IPv4 and IPv4-mapped IPv6, ISO-8601 UTC dates with `Z` and epoch
 * milliseconds, ASCII words). Per type (Elasticsearch reference, "Field data types"; term-level and
 * full-text queries):
 * - keyword: term / wildcard against the doc value (normalizer `lowercase` applied to doc and query;
 *   longer than ignore_above: not indexed); wildcard type: the same without ignore_above/normalizer.
 * - long/integer/double: match compares numbers ("1" is 1; a fractional value on an integer type
 *   matches nothing; a non-number fails the search); doc values coerced (integer types truncate).
 * - boolean: true/false and their strings ("" is false); a non-boolean fails the search.
 * - ip: an address or a CIDR; a non-address fails the search.
 * - date, date_nanos: range bounds read as dates (values generated at millisecond precision after 1970); lte/gt bounds rounded up to the end of what they name.
 * - text: the standard analyzer (UAX #29 words, lowercased) on both sides; match any token,
 *   match_phrase consecutive tokens.
 * - query_string (a KQL wildcard) on anything but keyword, wildcard and text fails the search.
 * A failed search is thrown as OracleError.
 */
export class OracleError extends Error {}

export interface OracleMapping {
  type: string;
  ignore_above?: number;
  normalizer?: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const single = (o: unknown): [string, unknown] => Object.entries(o as Obj)[0]!;

/** The leaves at a dotted path (objects walked, arrays flattened). */
function leavesAt(doc: unknown, path: string): unknown[] {
  const out: unknown[] = [];
  const walk = (v: unknown, rest: string): void => {
    if (Array.isArray(v)) {
      for (const x of v) walk(x, rest);
      return;
    }
    if (rest === '') {
      if (v !== null && v !== undefined) out.push(v);
      return;
    }
    if (!isObj(v)) return;
    const dot = rest.indexOf('.');
    const head = dot === -1 ? rest : rest.slice(0, dot);
    walk(v[head], dot === -1 ? '' : rest.slice(dot + 1));
  };
  walk(doc, path);
  return out;
}

function patternRe(pattern: string): RegExp {
  let src = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) src += pattern[++i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else if (c === '*') src += '[\\s\\S]*';
    else if (c === '?') src += '[\\s\\S]';
    else src += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${src}$`, 'u');
}

const words = (s: string): string[] => [...new Intl.Segmenter('und', { granularity: 'word' }).segment(s)].filter((x) => x.isWordLike).map((x) => x.segment.toLowerCase());

function ipv4(s: string): number | undefined {
  const m = /^(?:::ffff:)?(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/i.exec(s);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
}

/** A bound or doc date in epoch ms; roundUp: to the last millisecond of what the text names. */
function dateMs(v: unknown, roundUp: boolean): number | undefined {
  if (typeof v === 'number') return Number.isInteger(v) ? v : undefined;
  if (typeof v !== 'string') return undefined;
  if (/^\d+$/.test(v)) return Number(v);
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (day) {
    const start = Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3]));
    return roundUp ? start + 86_400_000 - 1 : start;
  }
  const full = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/.exec(v);
  if (!full) return undefined;
  const ms = Date.parse(v);
  return roundUp && full[1] === undefined ? ms + 999 : ms;
}

const INTEGER = new Set(['long', 'integer', 'short', 'byte']);
const NUMERIC = new Set([...INTEGER, 'double', 'float']);

/** The indexed values of one field of a document, in a comparable form per type. */
function docValues(doc: unknown, field: string, m: OracleMapping): Array<string | number | boolean> {
  const out: Array<string | number | boolean> = [];
  for (const v of leavesAt(doc, field)) {
    if (isObj(v)) continue;
    if (m.type === 'keyword' || m.type === 'wildcard') {
      if (typeof v !== 'string') continue;
      if (m.type === 'keyword' && v.length > (m.ignore_above ?? Infinity)) continue;
      out.push(m.normalizer === 'lowercase' ? v.toLowerCase() : v);
    } else if (NUMERIC.has(m.type)) {
      const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
      if (Number.isFinite(n)) out.push(INTEGER.has(m.type) ? Math.trunc(n) : n);
    } else if (m.type === 'boolean') {
      if (v === true || v === 'true') out.push(true);
      else if (v === false || v === 'false' || v === '') out.push(false);
    } else if (m.type === 'ip') {
      const a = typeof v === 'string' ? ipv4(v) : undefined;
      if (a !== undefined) out.push(a);
    } else if (m.type === 'date' || m.type === 'date_nanos') {
      // Values at millisecond precision after 1970: date_nanos orders them as date does.
      const ms = dateMs(v, false);
      if (ms !== undefined) out.push(ms);
    } else if (m.type === 'text') {
      if (typeof v === 'string') out.push(v);
    }
  }
  return out;
}

function queryNumber(field: string, v: unknown): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (!Number.isFinite(n)) throw new OracleError(`number_format_exception on ${field}`);
  return n;
}

function queryBoolean(field: string, v: unknown): boolean {
  if (v === true || v === 'true') return true;
  if (v === false || v === 'false') return false;
  throw new OracleError(`not a boolean on ${field}`);
}

/** An address or CIDR as [network, prefix bits]. */
function queryIp(field: string, v: unknown): [number, number] {
  const s = String(v);
  const [addr, bits] = s.split('/');
  const a = ipv4(addr!);
  const b = bits === undefined ? 32 : Number(bits);
  if (a === undefined || !(b >= 0 && b <= 32)) throw new OracleError(`not an ip on ${field}`);
  return [a, b];
}

const inCidr = (x: number, [net, bits]: [number, number]): boolean => bits === 0 || x >>> (32 - bits) === net >>> (32 - bits);

function cmp(a: string | number | boolean, b: string | number | boolean): number {
  if (typeof a === 'boolean') return Number(a) - Number(b);
  if (typeof a === 'number') return a - (b as number);
  return a < (b as string) ? -1 : a > (b as string) ? 1 : 0;
}

export function evaluateTypedDsl(query: unknown, doc: unknown, mappings: Readonly<Record<string, OracleMapping>>): boolean {
  const [kind, body] = single(query);
  const b = body as Obj;
  const mappingOf = (f: string): OracleMapping => mappings[f] ?? { type: 'keyword' };
  switch (kind) {
    case 'match_all':
      return true;
    case 'bool': {
      const list = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
      // Every clause is built (a failing one fails the search), then combined.
      const verdicts = (v: unknown) => list(v).map((c) => evaluateTypedDsl(c, doc, mappings));
      const filter = verdicts(b['filter']);
      const mustNot = verdicts(b['must_not']);
      const should = verdicts(b['should']);
      return filter.every(Boolean) && !mustNot.some(Boolean) && (should.length === 0 || should.filter(Boolean).length >= Number(b['minimum_should_match'] ?? 1));
    }
    case 'exists': {
      const f = String(b['field']);
      return docValues(doc, f, mappingOf(f)).length > 0 || leavesAt(doc, f).some((v) => isObj(v) && Object.keys(mappings).some((k) => k.startsWith(`${f}.`) && docValues(doc, k, mappingOf(k)).length > 0));
    }
    case 'term': {
      const [f, spec] = single(b);
      const m = mappingOf(f);
      const value = String((spec as Obj)['value']);
      const want = m.normalizer === 'lowercase' ? value.toLowerCase() : value;
      return docValues(doc, f, m).includes(want);
    }
    case 'wildcard': {
      const [f, spec] = single(b);
      const m = mappingOf(f);
      const pattern = String((spec as Obj)['value']);
      const re = patternRe(m.normalizer === 'lowercase' ? pattern.toLowerCase() : pattern);
      return docValues(doc, f, m).some((t) => re.test(String(t)));
    }
    case 'match':
    case 'match_phrase': {
      const [f, value] = single(b);
      const m = mappingOf(f);
      const values = docValues(doc, f, m);
      if (NUMERIC.has(m.type)) {
        const n = queryNumber(f, value);
        if (INTEGER.has(m.type) && !Number.isInteger(n)) return false;
        return values.includes(n);
      }
      if (m.type === 'boolean') return values.includes(queryBoolean(f, value));
      if (m.type === 'ip') {
        const net = queryIp(f, value);
        return values.some((x) => inCidr(x as number, net));
      }
      if (m.type === 'text') {
        const q = words(String(value));
        if (q.length === 0) return false;
        return values.some((v) => {
          const d = words(String(v));
          if (kind === 'match') return d.some((t) => q.includes(t));
          for (let i = 0; i + q.length <= d.length; i++) if (q.every((t, j) => d[i + j] === t)) return true;
          return false;
        });
      }
      // keyword-like (wildcard type): the whole value.
      return values.includes(String(value));
    }
    case 'query_string': {
      const f = (b['fields'] as string[])[0]!;
      const m = mappingOf(f);
      const pattern = String(b['query']);
      if (m.type === 'text') {
        const re = patternRe(pattern.toLowerCase());
        return docValues(doc, f, m).some((v) => words(String(v)).some((t) => re.test(t)));
      }
      if (m.type === 'keyword' || m.type === 'wildcard') {
        const re = patternRe(m.normalizer === 'lowercase' ? pattern.toLowerCase() : pattern);
        return docValues(doc, f, m).some((t) => re.test(String(t)));
      }
      throw new OracleError(`Can only use wildcard queries on keyword, text and wildcard fields - not on [${f}] which is of type [${m.type}]`);
    }
    case 'range': {
      const [f, spec] = single(b);
      const m = mappingOf(f);
      const s = spec as Obj;
      const values = docValues(doc, f, m);
      const holds = (op: string, bound: unknown): ((x: string | number | boolean) => boolean) => {
        let bv: string | number | boolean;
        if (m.type === 'date' || m.type === 'date_nanos') {
          const ms = dateMs(bound, op === 'gt' || op === 'lte');
          if (ms === undefined) throw new OracleError(`failed to parse date field [${String(bound)}]`);
          bv = ms;
        } else if (NUMERIC.has(m.type)) bv = queryNumber(f, bound);
        else if (m.type === 'boolean') bv = queryBoolean(f, bound);
        else if (m.type === 'ip') {
          const a = ipv4(String(bound));
          if (a === undefined) throw new OracleError(`not an ip on ${f}`);
          bv = a;
        } else bv = m.normalizer === 'lowercase' ? String(bound).toLowerCase() : String(bound);
        return (x) => {
          const c = cmp(x, bv);
          return op === 'gt' ? c > 0 : op === 'gte' ? c >= 0 : op === 'lt' ? c < 0 : c <= 0;
        };
      };
      const tests = Object.entries(s).filter(([k]) => k !== 'time_zone').map(([op, bound]) => holds(op, bound));
      if (m.type === 'text') return values.some((v) => words(String(v)).some((t) => tests.every((h) => h(t))));
      return values.some((x) => tests.every((h) => h(x)));
    }
    default:
      throw new Error(`dsl-eval-typed: no reading for ${kind}`);
  }
}
