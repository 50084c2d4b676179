/**
 * A JSON writer that picks, from a seed, among the spellings JSON allows for the same document:
 * `\uXXXX` in either hex case, `\/`, alternative number forms, whitespace between tokens. JSON.parse
 * of its output equals the input; the bytes differ from JSON.stringify's.
 */
export { rng as mulberry32 } from '../fixtures-gen/builders.js';

export interface SpellingOptions {
  /** Probability that a string is written with random escapes at all. */
  escapeString: number;
  /** Within such a string, probability that a character is escaped. */
  escapeChar: number;
  /** Escape only `/` (as `\/`), the one escape that leaves no `\u` behind. */
  slashOnly?: boolean;
}

const SHORT: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function hex4(code: number, upper: boolean): string {
  const h = code.toString(16).padStart(4, '0');
  return `\\u${upper ? h.toUpperCase() : h}`;
}

function spellString(s: string, rnd: () => number, opts: SpellingOptions): string {
  const escaping = rnd() < opts.escapeString;
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    const code = s.charCodeAt(i);
    const next = s.charCodeAt(i + 1);
    const pair = code >= 0xd800 && code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff;
    const lone = !pair && code >= 0xd800 && code <= 0xdfff;
    const escapeThis = escaping && rnd() < opts.escapeChar;
    if (pair) {
      out += escapeThis ? hex4(code, rnd() < 0.5) + hex4(next, rnd() < 0.5) : s.slice(i, i + 2);
      i++;
    } else if (lone || code < 0x20 || c === '"' || c === '\\') {
      out += SHORT[c] !== undefined && !(escapeThis && rnd() < 0.5) ? SHORT[c] : hex4(code, rnd() < 0.5);
    } else if (escapeThis && opts.slashOnly) {
      out += c === '/' ? '\\/' : c;
    } else if (escapeThis) {
      out += c === '/' && rnd() < 0.5 ? '\\/' : hex4(code, rnd() < 0.5);
    } else {
      out += c;
    }
  }
  return `${out}"`;
}

function spellNumber(x: number, rnd: () => number): string {
  const canonical = JSON.stringify(x);
  const forms = [canonical, x.toExponential(), `${canonical}`.includes('e') ? canonical : `${canonical}e0`];
  if (Number.isInteger(x) && Math.abs(x) < 1e15) forms.push(`${x}.0`, `${x}0e-1`, `${x}E0`, x.toFixed(25).slice(0, 30));
  if (Number.isInteger(x) && x > 0 && x < 1e6) forms.push(`${x - 1}.99999999999999999999`);
  if (Math.abs(x) >= 1e21) forms.push(BigInt(x).toString());
  const pick = forms[Math.floor(rnd() * forms.length)]!;
  return Number(pick) === x && /^-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?$/.test(pick) ? pick : canonical;
}

function ws(rnd: () => number): string {
  return rnd() < 0.1 ? ' ' : '';
}

export function spellJson(value: unknown, rnd: () => number, opts: SpellingOptions): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return spellNumber(value, rnd);
    case 'string':
      return spellString(value, rnd, opts);
  }
  if (Array.isArray(value)) return `[${value.map((v) => ws(rnd) + spellJson(v, rnd, opts) + ws(rnd)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>);
  return `{${entries.map(([k, v]) => `${ws(rnd)}${spellString(k, rnd, opts)}${ws(rnd)}:${ws(rnd)}${spellJson(v, rnd, opts)}`).join(',')}}`;
}
