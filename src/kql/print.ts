/**
 * KueryNode → KQL text that parses back to the same tree (for any tree the parser can produce).
 * Unquoted text is escaped against Kibana's grammar, not with Kibana's own escaper: that one writes
 * `not ` as `\not `, which its grammar reads as a newline followed by "ot".
 */
import { WILDCARD_SENTINEL, type KueryNode, type LiteralNode, type ValueNode } from './ast.js';

const SPECIAL = new Set(['\\', '(', ')', ':', '<', '>', '"', '*', '{', '}']);
const SPACE = /^[ \u00a0]$/;
const OPS: Record<string, string> = { gt: '>', gte: '>=', lt: '<', lte: '<=' };

/** Thrown for trees no KQL text can produce (e.g. an unquoted value with outer whitespace). */
export class KqlPrintError extends Error {
  override readonly name = 'KqlPrintError';
}

type Token = string | typeof WILDCARD_SENTINEL;

function isSpaceAt(chars: readonly Token[], i: number): boolean {
  const c = chars[i];
  return c !== undefined && c !== WILDCARD_SENTINEL && SPACE.test(c);
}

function wordAt(chars: readonly Token[], i: number, word: string): boolean {
  for (let k = 0; k < word.length; k++) {
    const c = chars[i + k];
    if (c === undefined || c === WILDCARD_SENTINEL || c.toLowerCase() !== word[k]) return false;
  }
  return true;
}

/** Escapes one unquoted literal or wildcard; `tokens` holds characters and wildcard positions. */
function escapeUnquoted(tokens: readonly Token[]): string {
  let out = '';
  for (let i = 0; i < tokens.length; i++) {
    const c = tokens[i]!;
    if (c === WILDCARD_SENTINEL) {
      out += '*';
      continue;
    }
    const atBoundaryBefore = i === 0 || isSpaceAt(tokens, i - 1);
    const orAnd = wordAt(tokens, i, 'or') ? 2 : wordAt(tokens, i, 'and') ? 3 : 0;
    if (orAnd && atBoundaryBefore && (i + orAnd === tokens.length || isSpaceAt(tokens, i + orAnd))) {
      // `\or` / `\and` are escaped keywords; they keep their case.
      out += '\\' + tokens.slice(i, i + orAnd).join('');
      i += orAnd - 1;
      continue;
    }
    if (wordAt(tokens, i, 'not') && (i + 3 === tokens.length || isSpaceAt(tokens, i + 3))) {
      // `\not` would read as `\n` + "ot"; a unicode escape for the first letter breaks the keyword instead.
      out += `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
      continue;
    }
    if (SPECIAL.has(c)) out += '\\' + c;
    else if (c === '\t') out += '\\t';
    else if (c === '\r') out += '\\r';
    else if (c === '\n') out += '\\n';
    else out += c;
  }
  return out;
}

function printQuoted(value: string): string {
  return `"${value.replace(/[\\"]/g, '\\$&').replace(/\t/g, '\\t').replace(/\r/g, '\\r').replace(/\n/g, '\\n')}"`;
}

function charsOf(text: string): string[] {
  return text.split('');
}

function printLiteral(node: LiteralNode): string {
  const { value, isQuoted } = node;
  if (isQuoted) {
    if (typeof value !== 'string') throw new KqlPrintError(`a quoted literal holds text, not ${JSON.stringify(value)}`);
    return printQuoted(value);
  }
  if (value === null || typeof value === 'boolean') return String(value);
  if (typeof value === 'number') throw new KqlPrintError(`the number ${value} has no KQL spelling (unquoted numbers parse as text)`);
  if (value === '' || value.trim() !== value) throw new KqlPrintError(`the unquoted value ${JSON.stringify(value)} would be trimmed`);
  if (value === 'null' || value === 'true' || value === 'false') {
    throw new KqlPrintError(`the unquoted text ${JSON.stringify(value)} would parse as a ${value} literal`);
  }
  return escapeUnquoted(charsOf(value));
}

function printValue(node: ValueNode): string {
  if (node.type === 'literal') return printLiteral(node);
  if (!node.value.includes(WILDCARD_SENTINEL)) throw new KqlPrintError(`the wildcard ${JSON.stringify(node.value)} has no wildcard`);
  if (node.value.trim() !== node.value) throw new KqlPrintError(`the wildcard ${JSON.stringify(node.value)} would be trimmed`);
  const tokens: Token[] = [];
  node.value.split(WILDCARD_SENTINEL).forEach((piece, i) => {
    if (i > 0) tokens.push(WILDCARD_SENTINEL);
    tokens.push(...charsOf(piece));
  });
  return escapeUnquoted(tokens);
}

function printField(node: ValueNode): string {
  if (node.type === 'literal' && node.value === null && !node.isQuoted) {
    throw new KqlPrintError('a null field has no spelling in front of ":"');
  }
  return printValue(node);
}

/** Prints `node` where `parent` would otherwise absorb it: same-level and/or would flatten. */
function printChild(node: KueryNode, parent: 'and' | 'or' | 'not'): string {
  const text = toKqlExpression(node);
  const needsGroup =
    (parent === 'not' && (node.function === 'and' || node.function === 'or' || node.function === 'not')) ||
    (parent === 'and' && (node.function === 'and' || node.function === 'or')) ||
    (parent === 'or' && node.function === 'or');
  return needsGroup ? `(${text})` : text;
}

/** KQL text that parses back to `node`; throws `KqlPrintError` for trees no text can produce. */
export function toKqlExpression(node: KueryNode): string {
  switch (node.function) {
    case 'and':
    case 'or':
      if (node.arguments.length < 2) throw new KqlPrintError(`"${node.function}" needs two or more arguments to be written`);
      return node.arguments.map((n) => printChild(n, node.function)).join(` ${node.function} `);
    case 'not':
      return `not ${printChild(node.arguments[0], 'not')}`;
    case 'is': {
      const [field, value] = node.arguments;
      if (field.type === 'literal' && field.value === null && !field.isQuoted) return printValue(value);
      return `${printField(field)}:${printValue(value)}`;
    }
    case 'range': {
      const [field, op, value] = node.arguments;
      return `${printField(field)} ${OPS[op]} ${printValue(value)}`;
    }
    case 'nested':
      return `${printField(node.arguments[0])}:{ ${toKqlExpression(node.arguments[1])} }`;
    case 'exists':
      // Parses back as is(field, *), which means the same thing.
      return `${printField(node.arguments[0])}:*`;
  }
}
