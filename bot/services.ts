/**
 * What every front end (Slack listeners, the terminal shell, Lambda handlers) needs to execute a
 * command. Built once per process: by `createLocalRuntime` locally, by the Lambda wiring on AWS.
 */
import type { Engine } from '../engine/api.js';
import type { CloudProvider } from '../engine/cloud/provider.js';
import type { ReplicationPort } from '../engine/cloud/replication.js';
import type { NetworkCloud } from '../engine/network/ports.js';
import type { Clock, Directory, RunStore } from '../engine/ports.js';
import type { RunbookIssue } from '../engine/runbook/errors.js';
import type { Runbook } from '../engine/runbook/types.js';

/** Advances runs outside the request: a timer loop locally, an SQS message on Lambda. */
export interface RunKicker {
  /** Schedules `engine.advance(runId)` soon; returns once scheduled, not once advanced. */
  kick(runId: string): void | Promise<void>;
}

export interface BotServices {
  engine: Engine;
  store: RunStore;
  /** The runbooks by name, as currently loaded (called per command, so a reload is seen). */
  runbooks: () => Map<string, Runbook>;
  directory: Directory;
  clock: Clock;
  driver: RunKicker;
  /** Errors of runbook files that did not load, so a command naming one says why. @default none */
  runbookIssues?: () => readonly RunbookIssue[];
  /** Where runbooks live, for messages that tell a person which file to edit. @default 'runbooks/' */
  runbookDir?: string;
  /** Reports failures of background work (kicks after an ack). @default console.error */
  log?: (message: string, err?: unknown) => void;
  /**
   * Days without a successful drill after which `list` flags a runbook as stale
   * (DRBOT_STALE_DAYS). @default 14
   */
  staleDays?: number;
  /**
   * The cloud and its network side, for `doctor` (read-only checks). Absent where the process
   * has no cloud access (the Slack function on Lambda): `doctor` then says where to run it.
   */
  readiness?: { cloud: CloudProvider; network: NetworkCloud; replication?: ReplicationPort };
}
