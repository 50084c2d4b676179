/**
 * The cheap check a line gets when a prefilter passes over it: enough to tell a plausible JSON
 * object from garbage without decoding, so corrupt lines are still reported even when no rule could
 * match them. Truncation in the middle of an object is not caught here; that would need a parse.
 */
import { isUtf8 } from 'node:buffer';

/** JSON insignificant whitespace, as bytes. */
export function isJsonSpace(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0d || b === 0x0a;
}

/** True when `buf[start, end)` holds only JSON whitespace (or nothing). */
export function isBlank(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (!isJsonSpace(buf[i]!)) return false;
  return true;
}

/** First non-blank byte `{` and last non-blank byte `}` (the structural check without UTF-8). */
export function hasObjectBraces(buf: Buffer, start: number, end: number): boolean {
  let s = start;
  let e = end - 1;
  while (s <= e && isJsonSpace(buf[s]!)) s++;
  while (e >= s && isJsonSpace(buf[e]!)) e--;
  return s < e && buf[s] === 0x7b && buf[e] === 0x7d;
}

/** Valid UTF-8 whose first non-blank byte is `{` and last non-blank byte is `}`. */
export function structurallyPlausible(buf: Buffer, start: number, end: number): boolean {
  return hasObjectBraces(buf, start, end) && isUtf8(buf.subarray(start, end));
}
