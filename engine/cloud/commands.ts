/**
 * The commands capability: run a document (SSM Run Command, Cloud Assistant …) on a fleet and
 * poll its invocations. The drbot agent's actions are built on it.
 */

export type CommandInvocationStatus =
  | 'pending'
  | 'in-progress'
  | 'success'
  | 'failed'
  | 'timed-out'
  | 'cancelled';

export interface CommandInvocation {
  instanceId: string;
  status: CommandInvocationStatus;
  exitCode?: number;
  stdout?: string;
  stderr?: string;
}

export interface CommandResult {
  commandId: string;
  done: boolean;
  invocations: CommandInvocation[];
}

export interface CommandsPort {
  runCommand(
    instanceIds: string[],
    region: string,
    document: string,
    parameters: Record<string, string[]>,
    idempotencyKey: string,
  ): Promise<{ commandId: string }>;
  commandStatus(commandId: string, region: string): Promise<CommandResult>;
  /** Whether a document (drbot's or AWS-published) exists in a region (AWS only; the sim has drbot's built in). */
  documentExists?(region: string, name: string): Promise<boolean>;
  /** Creates or updates drbot's documents in a region before first use (AWS only; the sim has them built in). */
  ensureDocuments?(
    region: string,
    docs: { name: string; content: string; format: 'YAML' | 'JSON' }[],
  ): Promise<Record<string, 'created' | 'updated' | 'unchanged'>>;
}
