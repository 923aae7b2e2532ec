/**
 * Recursive-descent parser. Precedence, lowest first: `||`, `&&`, `== !=`, `< <= > >=`, `!`,
 * then member access, indexing and calls.
 */
import { type BinaryOperator, type ExprNode, FUNCTIONS, type Literal, ROOTS, type Root } from './ast.js';
import { ExpressionError } from './errors.js';
import { type Token, tokenize } from './lexer.js';

/** Deeper nesting is refused rather than risking the stack on hostile input. */
const MAX_DEPTH = 64;

const LITERAL_WORDS: Record<string, Literal> = { true: true, false: false, null: null };

export function parseExpression(source: string): ExprNode {
  const parser = new Parser(tokenize(source));
  if (parser.peek().kind === 'eof') throw new ExpressionError('expression is empty', 0);
  const node = parser.parseOr(0);
  const rest = parser.peek();
  if (rest.kind !== 'eof')
    throw new ExpressionError(`unexpected "${rest.text}" after the expression`, rest.start);
  return node;
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  peek(): Token {
    return this.tokens[this.pos] ?? (this.tokens[this.tokens.length - 1] as Token);
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'eof') this.pos++;
    return token;
  }

  private isOp(text: string): boolean {
    const token = this.peek();
    return (token.kind === 'op' || token.kind === 'punct') && token.text === text;
  }

  private expect(text: string): Token {
    const token = this.peek();
    if (!this.isOp(text))
      throw new ExpressionError(
        `expected "${text}" but found ${token.kind === 'eof' ? 'the end' : `"${token.text}"`}`,
        token.start,
      );
    return this.next();
  }

  private guard(depth: number): void {
    if (depth > MAX_DEPTH)
      throw new ExpressionError(`expression nests deeper than ${MAX_DEPTH} levels`, this.peek().start);
  }

  parseOr(depth: number): ExprNode {
    return this.binaryLevel(depth, ['||'], (d) =>
      this.binaryLevel(d, ['&&'], (d2) => this.parseEquality(d2)),
    );
  }

  private parseEquality(depth: number): ExprNode {
    return this.binaryLevel(depth, ['==', '!='], (d) =>
      this.binaryLevel(d, ['<=', '>=', '<', '>'], (d2) => this.parseUnary(d2)),
    );
  }

  private binaryLevel(depth: number, ops: BinaryOperator[], operand: (depth: number) => ExprNode): ExprNode {
    this.guard(depth);
    let left = operand(depth + 1);
    for (;;) {
      const token = this.peek();
      const op = ops.find((candidate) => token.kind === 'op' && token.text === candidate);
      if (!op) return left;
      this.next();
      const right = operand(depth + 1);
      left = { kind: 'binary', op, left, right, start: token.start };
    }
  }

  private parseUnary(depth: number): ExprNode {
    this.guard(depth);
    if (this.isOp('!')) {
      const token = this.next();
      return { kind: 'not', operand: this.parseUnary(depth + 1), start: token.start };
    }
    return this.parsePostfix(depth + 1);
  }

  private parsePostfix(depth: number): ExprNode {
    let node = this.parsePrimary(depth);
    for (;;) {
      if (this.isOp('.')) {
        this.next();
        const name = this.next();
        if (name.kind !== 'ident')
          throw new ExpressionError(`expected a property name after "."`, name.start);
        node = { kind: 'member', object: node, property: name.text, start: name.start };
      } else if (this.isOp('[')) {
        const open = this.next();
        const index = this.parseOr(depth + 1);
        this.expect(']');
        node = { kind: 'index', object: node, index, start: open.start };
      } else {
        return node;
      }
    }
  }

  private parsePrimary(depth: number): ExprNode {
    this.guard(depth);
    const token = this.next();
    switch (token.kind) {
      case 'number': {
        const value = Number(token.text);
        if (!Number.isFinite(value))
          throw new ExpressionError(`number ${token.text} is out of range`, token.start);
        return { kind: 'literal', value, start: token.start };
      }
      case 'string':
        return { kind: 'literal', value: token.text, start: token.start };
      case 'ident':
        return this.parseName(token, depth);
      case 'punct':
        if (token.text === '(') {
          const inner = this.parseOr(depth + 1);
          this.expect(')');
          return inner;
        }
        break;
      case 'eof':
        throw new ExpressionError('expression ends too early', token.start);
    }
    throw new ExpressionError(`unexpected "${token.text}"`, token.start);
  }

  private parseName(token: Token, depth: number): ExprNode {
    if (token.text in LITERAL_WORDS)
      return { kind: 'literal', value: LITERAL_WORDS[token.text] as Literal, start: token.start };
    if (this.isOp('(')) return this.parseCall(token, depth);
    if ((ROOTS as readonly string[]).includes(token.text))
      return { kind: 'root', name: token.text as Root, start: token.start };
    throw new ExpressionError(
      `unknown name "${token.text}"`,
      token.start,
      `Expressions start from ${ROOTS.join(', ')} (e.g. steps.<id>.outputs.<name>), or call a function.`,
    );
  }

  private parseCall(token: Token, depth: number): ExprNode {
    const arity = Object.hasOwn(FUNCTIONS, token.text) ? FUNCTIONS[token.text] : undefined;
    if (!arity)
      throw new ExpressionError(
        `unknown function "${token.text}"`,
        token.start,
        `Available functions: ${Object.keys(FUNCTIONS).join(', ')}.`,
      );
    this.expect('(');
    const args: ExprNode[] = [];
    if (!this.isOp(')')) {
      args.push(this.parseOr(depth + 1));
      while (this.isOp(',')) {
        this.next();
        args.push(this.parseOr(depth + 1));
      }
    }
    this.expect(')');
    if (args.length < arity.min || args.length > arity.max)
      throw new ExpressionError(
        `${token.text}() takes ${arity.min === arity.max ? arity.min : `${arity.min}–${arity.max}`} argument(s), got ${args.length}`,
        token.start,
      );
    return { kind: 'call', name: token.text, args, start: token.start };
  }
}
