/**
 * The whitespace clean-up the detection-rules package build applies to a TOML rule before it ships it
 * to Kibana, so a rule loaded from TOML says in its alerts what the installed prebuilt rule says (its
 * description as one line, not the TOML's wrapped lines).
 *
 * Read (not copied): elastic/detection-rules detection_rules/rule_formatter.py — nested_normalize
 * (every string, recursively through tables and arrays, becomes cleanup_whitespace(s) =
 * `" ".join(line.strip() for line in s.strip().splitlines())`; a `query` key is left as written; the
 * Markdown fields `note` and `setup` (and `message`) keep their lines) — called from
 * TOMLRuleContents.to_dict in detection_rules/rule.py, which the package build uses.
 * Python's splitlines() also breaks at \v, \f, \x1c-\x1e, \x85, \u2028 and \u2029; strip() is taken
 * as JavaScript's trim() (they differ only on \ufeff and \x1c-\x1f at the ends).
 */
import { isPlainObject } from '../ecs/fields.js';

const PRESERVED = new Set(['note', 'setup', 'message']);
const LINE_BREAK = /\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/;

export function cleanupWhitespace(s: string): string {
  const trimmed = s.trim();
  return trimmed === '' ? '' : trimmed.split(LINE_BREAK).map((l) => l.trim()).join(' ');
}

/** nested_normalize: the value as the package build writes it. */
export function normalizeWhitespace(value: unknown, keepLines = false): unknown {
  if (typeof value === 'string') return keepLines ? value : cleanupWhitespace(value);
  if (Array.isArray(value)) return value.map((v) => normalizeWhitespace(v));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = k === 'query' ? v : normalizeWhitespace(v, PRESERVED.has(k));
    return out;
  }
  return value;
}
