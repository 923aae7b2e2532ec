/**
 * Runbook problems. Every issue pinpoints `file:line:col`, the YAML path, a stable code, a message
 * and (when we can tell) a hint, so `drbot lint` reads like a compiler.
 */
import { DrbotError } from '../errors.js';

export type IssueSeverity = 'error' | 'warning';

export interface RunbookIssue {
  file: string;
  /** 1-based line of the offending node. */
  line: number;
  /** 1-based column of the offending node. */
  col: number;
  /** YAML path, e.g. `spec.modes.drill.steps[2].needs[0]`; empty for the whole document. */
  path: string;
  /** Stable machine code, e.g. `NEEDS_UNKNOWN_STEP`. */
  code: string;
  message: string;
  /** How to fix it, e.g. `did you mean "launch"?`. */
  hint?: string;
  severity: IssueSeverity;
}

/** gcc-style: `runbooks/app-tier.yaml:12:7 error NEEDS_UNKNOWN_STEP: … (hint: …)`. */
export function formatIssue(issue: RunbookIssue): string {
  const where = issue.path ? ` [${issue.path}]` : '';
  const hint = issue.hint ? ` (hint: ${issue.hint})` : '';
  return `${issue.file}:${issue.line}:${issue.col} ${issue.severity} ${issue.code}: ${issue.message}${where}${hint}`;
}

/** Thrown by the loader when a runbook has at least one error; `issues` lists warnings too. */
export class RunbookError extends DrbotError {
  readonly issues: readonly RunbookIssue[];
  readonly file: string;

  constructor(file: string, issues: RunbookIssue[]) {
    const errors = issues.filter((issue) => issue.severity === 'error');
    const first = errors[0];
    const summary = first ? formatIssue(first) : `${file}: invalid runbook`;
    const more =
      errors.length > 1 ? ` (and ${errors.length - 1} more error${errors.length > 2 ? 's' : ''})` : '';
    super(`${summary}${more}`, {
      code: 'RUNBOOK_INVALID',
      explanation: `The runbook ${file} does not pass the schema and safety checks, so drbot will not run it.`,
      action: `Run \`drbot lint ${file}\` to see every problem with its line and column, fix them, and retry.`,
      context: { file },
    });
    this.file = file;
    this.issues = Object.freeze([...issues]);
  }
}

/** Converts path segments to `spec.modes.drill.steps[2].needs[0]`. */
export function formatPath(segments: readonly (string | number)[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}
