/**
 * Errors of the agent helpers. They carry the same `{ message, explanation, action, code }` a
 * user sees as engine errors (agent/ shares only types with the engine, so this is a structural
 * match; the action handlers wrap them into engine errors).
 */
import type { UserFacingError } from '../engine/errors.js';

export interface AgentErrorOptions {
  code: string;
  explanation: string;
  action: string;
  cause?: unknown;
}

export class AgentError extends Error {
  readonly code: string;
  readonly explanation: string;
  readonly action: string;

  constructor(message: string, options: AgentErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code;
    this.explanation = options.explanation;
    this.action = options.action;
  }

  toUser(): UserFacingError {
    return { message: this.message, explanation: this.explanation, action: this.action, code: this.code };
  }
}

/** A document parameter drbot was asked to send cannot be expressed safely. */
export class AgentParameterError extends AgentError {}

/** What an agent printed is not the JSON object its subcommand promises. */
export class AgentOutputError extends AgentError {}
