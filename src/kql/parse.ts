/**
 * KQL text → KueryNode, with Kibana's grammar (./grammar/kql.peggy). The only error this module
 * throws is KqlSyntaxError; warnings flag what Kibana accepts but a person probably did not mean.
 */
import type { KueryNode, ValueNode } from './ast.js';
import { KqlSyntaxError, lineColumnAt } from './errors.js';
import { parse as peggyParse, SyntaxError as PeggySyntaxError, type Expectation } from './grammar/parser.js';

/** Deeper groups than this are refused before parsing, so the recursive parser cannot overflow the stack. */
export const MAX_NESTING_DEPTH = 1000;

export type KqlWarningCode = 'dangling-keyword' | 'leading-keyword' | 'value-only' | 'null-field';

export interface KqlWarning {
  code: KqlWarningCode;
  message: string;
  /** 0-based offset of the spot the warning is about. */
  offset: number;
  line: number;
  column: number;
}

interface TrackInfo {
  kind: 'unquoted' | 'valueOnly';
  start: number;
  end: number;
}

/**
 * Finds the first `(` or `{` that opens a group deeper than `limit`, outside quoted strings and
 * escapes. Recursion in the grammar only happens through these brackets, so this bounds it.
 */
function findTooDeepGroup(query: string, limit: number): number {
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < query.length; i++) {
    const c = query[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '"') quoted = !quoted;
    else if (quoted) continue;
    else if (c === '(' || c === '{') {
      if (++depth > limit) return i;
    } else if ((c === ')' || c === '}') && depth > 0) depth--;
  }
  return -1;
}

function expectationText(e: Expectation): string {
  switch (e.type) {
    case 'other':
      return e.description;
    case 'literal':
      return `"${e.text}"`;
    case 'end':
      return 'end of input';
    default:
      // Kibana prints character classes as nothing; our grammar names every rule that could surface one.
      return '';
  }
}

function runParser(query: string, track: (node: object, info: TrackInfo) => void): KueryNode {
  const deep = findTooDeepGroup(query, MAX_NESTING_DEPTH);
  if (deep >= 0) {
    throw new KqlSyntaxError({
      query,
      offset: deep,
      expected: [`at most ${MAX_NESTING_DEPTH} nested groups`],
      found: query[deep] ?? null,
    });
  }
  try {
    return peggyParse(query, { track }) as KueryNode;
  } catch (err) {
    if (err instanceof PeggySyntaxError) {
      throw new KqlSyntaxError({
        query,
        offset: err.location.start.offset,
        expected: (err.expected ?? []).map(expectationText),
        found: err.found ?? null,
      });
    }
    if (err instanceof RangeError) {
      // Belt and braces: the depth pre-scan should make this unreachable.
      throw new KqlSyntaxError({ query, offset: 0, expected: [], found: query[0] ?? null, shortMessage: 'Query is nested too deeply to parse.' });
    }
    throw err;
  }
}

/** Parses a KQL query into Kibana's KueryNode JSON shape; throws KqlSyntaxError on bad syntax. */
export function parseKql(query: string): KueryNode {
  return runParser(query, () => {});
}

const KEYWORD_AT_END = /(?:^|[ \t\r\n\u00a0])(and|or|not)$/i;
const KEYWORD_AT_START = /^(and|or)[ \t\r\n\u00a0]/i;

/** Parses like parseKql and also reports constructs Kibana accepts that are probably mistakes. */
export function parseKqlWithWarnings(query: string): { ast: KueryNode; warnings: KqlWarning[] } {
  const seen = new WeakMap<object, TrackInfo>();
  const ast = runParser(query, (node, info) => seen.set(node, info));
  const warnings: KqlWarning[] = [];
  const reported = new Set<object>();
  const warn = (code: KqlWarningCode, offset: number, message: string) => {
    const { line, column } = lineColumnAt(query, offset);
    warnings.push({ code, message, offset, line, column });
  };

  const checkLiteral = (node: ValueNode, role: 'field name' | 'value') => {
    const info = seen.get(node);
    if (!info || info.kind !== 'unquoted' || reported.has(node)) return;
    reported.add(node);
    // The raw text, so an escaped keyword (`b \and`) is not mistaken for a dangling one.
    const raw = query.slice(info.start, info.end).trim();
    const rawStart = info.start + query.slice(info.start, info.end).search(/\S/);
    const tail = KEYWORD_AT_END.exec(raw);
    if (tail) {
      const kw = tail[1]!;
      warn(
        'dangling-keyword',
        rawStart + raw.length - kw.length,
        `The ${role} ${JSON.stringify(String(node.value))} ends with "${kw}": Kibana reads a keyword with nothing after it as part of the ${role}. Is an operand missing, or should the keyword be escaped (\\${kw})?`,
      );
    }
    const head = KEYWORD_AT_START.exec(raw);
    if (head) {
      const kw = head[1]!;
      warn(
        'leading-keyword',
        rawStart,
        `The ${role} ${JSON.stringify(String(node.value))} starts with "${kw}": Kibana reads a keyword with nothing before it as part of the ${role}. Is an operand missing?`,
      );
    }
  };

  const visit = (node: KueryNode): void => {
    switch (node.function) {
      case 'and':
      case 'or':
        node.arguments.forEach(visit);
        return;
      case 'not':
        visit(node.arguments[0]);
        return;
      case 'nested':
        checkLiteral(node.arguments[0], 'field name');
        visit(node.arguments[1]);
        return;
      case 'range':
        checkLiteral(node.arguments[0], 'field name');
        checkLiteral(node.arguments[2], 'value');
        return;
      case 'exists':
        return;
      case 'is': {
        const [field, value] = node.arguments;
        const clause = seen.get(node);
        if (clause?.kind === 'valueOnly') {
          warn(
            'value-only',
            clause.start,
            `${JSON.stringify(String(value.value))} has no field: Kibana searches every field for it (this tool approximates that as "any value in the event"). Did you mean field:value?`,
          );
        } else if (field.type === 'literal' && field.value === null && !field.isQuoted) {
          const info = seen.get(field);
          warn('null-field', info ? info.start : 0, 'The field name null is read as "no field": the value is searched in every field.');
        }
        checkLiteral(field, 'field name');
        checkLiteral(value, 'value');
        return;
      }
    }
  };
  visit(ast);
  warnings.sort((a, b) => a.offset - b.offset);
  return { ast, warnings };
}
