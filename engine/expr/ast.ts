/** The expression syntax tree. Every node keeps `start`, its offset in the expression, for errors. */

export type Literal = string | number | boolean | null;
export type BinaryOperator = '==' | '!=' | '<' | '<=' | '>' | '>=' | '&&' | '||';

/** The names an expression may start from. */
export const ROOTS = ['spec', 'params', 'steps', 'run'] as const;
export type Root = (typeof ROOTS)[number];

/** Built-in functions and how many arguments each takes. */
export const FUNCTIONS: Readonly<Record<string, { min: number; max: number }>> = {
  contains: { min: 2, max: 2 },
  startsWith: { min: 2, max: 2 },
  endsWith: { min: 2, max: 2 },
  length: { min: 1, max: 1 },
  join: { min: 1, max: 2 },
  toJSON: { min: 1, max: 1 },
};

export type ExprNode =
  | { kind: 'literal'; value: Literal; start: number }
  | { kind: 'root'; name: Root; start: number }
  | { kind: 'member'; object: ExprNode; property: string; start: number }
  | { kind: 'index'; object: ExprNode; index: ExprNode; start: number }
  | { kind: 'not'; operand: ExprNode; start: number }
  | { kind: 'binary'; op: BinaryOperator; left: ExprNode; right: ExprNode; start: number }
  | { kind: 'call'; name: string; args: ExprNode[]; start: number };
