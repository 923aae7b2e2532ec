/**
 * Tokeniser for `${{ }}` expressions. Identifiers may contain hyphens (`steps.rpo-gate`), which is
 * why the grammar has no subtraction: `a-b` is one name, as in GitHub Actions.
 */
import { ExpressionError } from './errors.js';

export type TokenKind = 'number' | 'string' | 'ident' | 'punct' | 'op' | 'eof';

export interface Token {
  kind: TokenKind;
  /** The literal text for punct/op/ident; the decoded value for strings; the source text for numbers. */
  text: string;
  start: number;
}

/** Longest operators first so `==` wins over `=` and `<=` over `<`. */
const OPERATORS = ['==', '!=', '<=', '>=', '&&', '||', '<', '>', '!'];
const PUNCTUATION = new Set(['.', '[', ']', '(', ')', ',']);
const IDENT_START = /[A-Za-z_]/;
const IDENT_PART = /[A-Za-z0-9_-]/;
const NUMBER = /^-?(?:0x[0-9a-fA-F]+|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/;

/** Bounds the work any one expression can cause (runbooks are untrusted input). */
export const MAX_EXPRESSION_LENGTH = 4096;

export function tokenize(source: string): Token[] {
  if (source.length > MAX_EXPRESSION_LENGTH)
    throw new ExpressionError(`expression is longer than ${MAX_EXPRESSION_LENGTH} characters`, 0);
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i] as string;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const start = i;
    if (ch === "'" || ch === '"') {
      const { value, next } = readString(source, i, ch);
      tokens.push({ kind: 'string', text: value, start });
      i = next;
      continue;
    }
    const number = NUMBER.exec(source.slice(i));
    if (number && (ch !== '-' || /\d/.test(source[i + 1] ?? ''))) {
      tokens.push({ kind: 'number', text: number[0], start });
      i += number[0].length;
      continue;
    }
    if (IDENT_START.test(ch)) {
      let end = i + 1;
      while (end < source.length && IDENT_PART.test(source[end] as string)) end++;
      tokens.push({ kind: 'ident', text: source.slice(i, end), start });
      i = end;
      continue;
    }
    if (PUNCTUATION.has(ch)) {
      tokens.push({ kind: 'punct', text: ch, start });
      i++;
      continue;
    }
    const op = OPERATORS.find((candidate) => source.startsWith(candidate, i));
    if (op) {
      tokens.push({ kind: 'op', text: op, start });
      i += op.length;
      continue;
    }
    throw new ExpressionError(
      `unexpected character "${ch}" at offset ${i}`,
      i,
      ch === '='
        ? 'Use == to compare.'
        : 'Strings are quoted with single quotes; arithmetic is not supported.',
    );
  }
  tokens.push({ kind: 'eof', text: '', start: source.length });
  return tokens;
}

/** Reads a quoted string; a doubled quote (`'it''s'`) is an escaped quote, as in GitHub Actions. */
function readString(source: string, open: number, quote: string): { value: string; next: number } {
  let value = '';
  let i = open + 1;
  while (i < source.length) {
    const ch = source[i] as string;
    if (ch === quote) {
      if (source[i + 1] === quote) {
        value += quote;
        i += 2;
        continue;
      }
      return { value, next: i + 1 };
    }
    value += ch;
    i++;
  }
  throw new ExpressionError('unterminated string literal', open, `Close the string with ${quote}.`);
}
