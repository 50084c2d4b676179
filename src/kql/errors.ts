/**
 * KQL syntax errors, worded as Kibana words them (kbn-es-query `kuery_syntax_error.ts`): "Expected
 * <sorted, de-duplicated expectations> but <found> found.", with grammar rule names translated to
 * `field name`, `value`, `literal`, `whitespace`. Unlike Kibana, the error also carries line and
 * column, because rule files hold multi-line queries.
 */
import { excerpt } from '../output/text.js';

/** 1-based line and column of a 0-based offset; a line ends at LF, CRLF or a lone CR. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number; lineStart: number; lineEnd: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
      line++;
      lineStart = i + 1;
    }
  }
  let lineEnd = lineStart;
  while (lineEnd < text.length && text[lineEnd] !== '\n' && text[lineEnd] !== '\r') lineEnd++;
  return { line, column: offset - lineStart + 1, lineStart, lineEnd };
}

const RULE_NAMES: Record<string, string> = {
  fieldName: 'field name',
  value: 'value',
  literal: 'literal',
  whitespace: 'whitespace',
};

export interface KqlSyntaxErrorInit {
  query: string;
  offset: number;
  expected: string[];
  found: string | null;
  /** Overrides the "Expected … but … found." wording (used for limits, not for grammar errors). */
  shortMessage?: string;
}

/**
 * A KQL syntax error as Kibana reports it (`Expected … but … found.`), with the 1-based line and column
 * and `format()` for the query with a caret under the place.
 */
export class KqlSyntaxError extends Error {
  override readonly name = 'KqlSyntaxError';
  /** 0-based offset into `query` where parsing failed. */
  readonly offset: number;
  /** 1-based line of `offset`. */
  readonly line: number;
  /** 1-based column of `offset` within its line (UTF-16 code units). */
  readonly column: number;
  /** Kibana's expectation names: `field name`, `value`, `"("`, `AND`, `end of input`, … */
  readonly expected: string[];
  /** The character found at `offset`, or null at the end of input. */
  readonly found: string | null;
  /** One line: "Expected … but … found." */
  readonly shortMessage: string;
  readonly query: string;

  constructor(init: KqlSyntaxErrorInit) {
    const expected = [...new Set(init.expected.map((e) => RULE_NAMES[e] ?? e))].sort();
    const shortMessage =
      init.shortMessage ??
      `Expected ${expected.join(', ')} but ${init.found === null ? 'end of input' : `"${init.found}"`} found.`;
    const { line, column } = lineColumnAt(init.query, init.offset);
    // Kibana's three lines (message, query, dashes then caret) for single-line queries.
    super([shortMessage, init.query, '-'.repeat(init.offset) + '^'].join('\n'));
    this.offset = init.offset;
    this.line = line;
    this.column = column;
    this.expected = expected;
    this.found = init.found;
    this.shortMessage = shortMessage;
    this.query = init.query;
  }

  /**
   * The message, the offending line of the query and a caret under the spot; for humans on stderr.
   * A long line is cut to a window of at most 200 characters around the spot (a 10,000-parenthesis
   * query must not echo 10 KB), marked with `…`.
   */
  format(): string {
    const { lineStart, lineEnd } = lineColumnAt(this.query, this.offset);
    const where = this.query.includes('\n') || this.query.includes('\r') ? `line ${this.line}, column ${this.column}: ` : '';
    const shown = excerpt(this.query.slice(lineStart, lineEnd), this.column);
    return [`${where}${this.shortMessage}`, shown.text, '-'.repeat(shown.column - 1) + '^'].join('\n');
  }
}
