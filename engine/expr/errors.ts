import { DrbotError } from '../errors.js';

/** A `${{ }}` expression could not be parsed (bad syntax, unknown name or function, unclosed `${{`). */
export class ExpressionError extends DrbotError {
  /** Character offset, inside the expression (or the scanned text for `findExpressions`), of the problem. */
  readonly offset: number;

  constructor(message: string, offset: number, hint?: string) {
    super(message, {
      code: 'EXPRESSION_INVALID',
      explanation:
        'Expressions use a small GitHub-Actions-like language: literals, spec/params/steps/run paths, ' +
        'comparisons, && || !, and the functions contains, startsWith, endsWith, length, join, toJSON.',
      action: hint ?? 'Fix the expression; see the runbook reference in the README for the grammar.',
      context: { offset },
    });
    this.offset = offset;
  }
}
