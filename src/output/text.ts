/**
 * Terminal text helpers: how many columns a string takes, cutting it to a width, and making
 * untrusted values (command lines are attacker-controlled) safe to print on a terminal.
 */

// Built on first use: constructing a Segmenter costs milliseconds at start-up, and a scan with plain
// ASCII output (or no table at all) never needs one.
let segmenterInstance: Intl.Segmenter | undefined;
function segmenter(): Intl.Segmenter {
  return (segmenterInstance ??= new Intl.Segmenter('en', { granularity: 'grapheme' }));
}

// East Asian Wide/Fullwidth blocks and emoji: the ranges terminals draw two columns wide.
const WIDE = /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{1f300}-\u{1f64f}\u{1f900}-\u{1f9ff}\u{20000}-\u{3fffd}]/u;
const ZERO_WIDTH = /^[\p{M}\u200b-\u200f\u2060\ufe00-\ufe0f\ufeff]+$/u;

function graphemeWidth(g: string): number {
  if (ZERO_WIDTH.test(g)) return 0;
  if (WIDE.test(g) || /\p{Extended_Pictographic}\ufe0f/u.test(g)) return 2;
  return 1;
}

/** Columns `s` takes on a terminal (no ANSI codes expected: measure before colouring). */
export function displayWidth(s: string): number {
  // ASCII fast path: most cells are plain host names and paths.
  if (/^[\x20-\x7e]*$/.test(s)) return s.length;
  let w = 0;
  for (const { segment } of segmenter().segment(s)) w += graphemeWidth(segment);
  return w;
}

export const ELLIPSIS = '…';

/** `s` cut to at most `width` columns, ending in an ellipsis when something was cut. */
export function truncate(s: string, width: number): string {
  if (width <= 0) return '';
  if (displayWidth(s) <= width) return s;
  let out = '';
  let w = 0;
  for (const { segment } of segmenter().segment(s)) {
    const gw = graphemeWidth(segment);
    if (w + gw > width - 1) break;
    out += segment;
    w += gw;
  }
  return out + ELLIPSIS;
}

/** `s` padded with spaces on the right to `width` columns. */
export function padEnd(s: string, width: number): string {
  const w = displayWidth(s);
  return w >= width ? s : s + ' '.repeat(width - w);
}

const ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Replaces control characters (which could move the cursor, recolour or rewrite the terminal) and
 * bidi overrides (which could make a command line read differently from what ran) with visible
 * escapes. Everything printed from an event goes through this.
 */
export function sanitize(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => {
    const named = ESCAPES[c];
    if (named) return named;
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** `s` cut from the left to at most `width` columns, starting with an ellipsis when something was cut. */
export function truncateStart(s: string, width: number): string {
  if (width <= 0) return '';
  if (displayWidth(s) <= width) return s;
  const graphemes = [...segmenter().segment(s)].map((g) => g.segment);
  let out = '';
  let w = 0;
  for (let i = graphemes.length - 1; i >= 0; i--) {
    const gw = graphemeWidth(graphemes[i]!);
    if (w + gw > width - 1) break;
    out = graphemes[i]! + out;
    w += gw;
  }
  return ELLIPSIS + out;
}

/**
 * A path cut in the middle so its file name survives: `/usr/bin/kmod` in 11 columns is
 * `/usr/…/kmod`. Leading directories are kept whole, as many as fit; a file name too long for the
 * width keeps its end. Text without a separator is cut at the end like any cell.
 */
export function elidePath(s: string, width: number): string {
  if (width <= 0) return '';
  if (displayWidth(s) <= width) return s;
  const cut = Math.max(s.lastIndexOf('/'), s.lastIndexOf('\\'));
  if (cut < 0) return truncate(s, width);
  const tail = s.slice(cut);
  const budget = width - displayWidth(tail) - 1;
  if (budget < 0) return truncateStart(s, width);
  let head = '';
  for (let i = 0; i < cut; i++) {
    if (s[i] !== '/' && s[i] !== '\\') continue;
    const candidate = s.slice(0, i + 1);
    if (displayWidth(candidate) > budget) break;
    head = candidate;
  }
  return head + ELLIPSIS + tail;
}

/** Longest quoted input (a query, a line, a value) shown in a message. */
export const MAX_EXCERPT = 200;

/**
 * At most `max` characters of `text` around `column` (1-based, UTF-16 code units), with `…` where
 * it was cut, and the column of the same spot within the excerpt: a 10 KB query's error must not
 * echo 10 KB, but the caret must still point at the right character.
 */
export function excerpt(text: string, column: number, max = MAX_EXCERPT): { text: string; column: number } {
  if (text.length <= max) return { text, column };
  const room = Math.max(1, max - 2); // two ellipses
  const at = Math.min(Math.max(0, column - 1), text.length);
  let start = Math.max(0, at - Math.floor(room / 2));
  let end = Math.min(text.length, start + room);
  start = Math.max(0, end - room);
  // Never split a surrogate pair.
  if (start > 0 && isLowSurrogate(text.charCodeAt(start))) start++;
  if (end < text.length && isLowSurrogate(text.charCodeAt(end))) end--;
  const before = start > 0 ? ELLIPSIS : '';
  const after = end < text.length ? ELLIPSIS : '';
  return { text: before + text.slice(start, end) + after, column: at - start + 1 + before.length };
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** `text` cut to at most `max` characters around its middle (`head…tail`), for a value quoted without a column. */
export function clipMiddle(text: string, max = MAX_EXCERPT): string {
  if (text.length <= max) return text;
  const half = Math.floor((max - 1) / 2);
  let headEnd = half;
  if (isLowSurrogate(text.charCodeAt(headEnd))) headEnd--;
  let tailStart = text.length - (max - 1 - half);
  if (isLowSurrogate(text.charCodeAt(tailStart))) tailStart++;
  return text.slice(0, headEnd) + ELLIPSIS + text.slice(tailStart);
}
