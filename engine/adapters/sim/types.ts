/**
 * Contract between the simulated cloud and the on-instance agent: for `Drbot*` SSM documents the
 * sim runs the real agent script against a per-instance sandbox directory, so RPO markers travel
 * with recovery points and a local drill measures real data loss.
 */
export interface AgentInvocation {
  instanceId: string;
  /** The instance's sandbox root; the agent treats it as `/` for data dirs, hooks and state. */
  instanceDir: string;
  document: string;
  parameters: Record<string, string[]>;
  /** Simulated time (epoch ms): the agent uses it instead of the wall clock. */
  now: number;
}

export interface AgentOutput {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export type AgentRunner = (invocation: AgentInvocation) => Promise<AgentOutput>;
