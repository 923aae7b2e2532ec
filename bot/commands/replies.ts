/**
 * What executing a command produces, independent of the front end: Slack renders it as Block
 * Kit, the shell as text. Errors are always `{ message, explanation, action }`.
 */
import type { ApprovalAnswer } from '../../engine/api.js';
import type { UserFacingError } from '../../engine/errors.js';
import type { DoctorReport } from '../../engine/network/doctor.js';
import type { Plan } from '../../engine/plan/index.js';
import type { AuditEvent, Run, RunSummary } from '../../engine/run.js';
import type { Mode, Runbook } from '../../engine/runbook/types.js';
import type { TierState } from '../../engine/tier/types.js';
import type { PointRow } from '../render/tier.js';
import type { RunView } from '../render/view.js';
import type { Staleness } from '../scorecard/staleness.js';
import type { Surface, UsageError } from './grammar.js';

export interface RunbookEntry {
  name: string;
  description?: string;
  rto: string;
  rpo: string;
  modes: Mode[];
  lastDrill?: RunSummary;
  /** Whether the runbook has a successful drill within the staleness threshold. */
  staleness: Staleness;
  /** The tier state: active site, protection, uncommitted failover. */
  tier?: TierState;
  /** The tier state in one line (render/tier.ts `tierSummary`). */
  tierLine?: string;
}

export type Reply =
  | { kind: 'started'; run: Run; runbook: Runbook }
  | { kind: 'status'; views: RunView[]; empty?: string }
  | { kind: 'runs'; runs: RunSummary[]; now: number }
  | { kind: 'timeline'; run: Run; runbook?: Runbook; audit: AuditEvent[]; now: number }
  | { kind: 'list'; entries: RunbookEntry[] }
  | { kind: 'plan'; plan: Plan }
  | { kind: 'doctor'; report: DoctorReport }
  | { kind: 'help'; surface: Surface; topic?: string }
  | {
      kind: 'approval';
      decision: 'approve' | 'reject';
      answer: ApprovalAnswer;
      runId: string;
      /** The run's runbook, so the reply can name the run it answers. */
      runbook?: string;
      stepKey: string;
    }
  | { kind: 'aborted'; run: Run }
  | { kind: 'confirmed'; run: Run; stepKey: string }
  | { kind: 'tier'; tier: TierState; rpoMs: number; now: number; headline?: string }
  | { kind: 'points'; runbook: string; rows: PointRow[]; now: number }
  | { kind: 'usage'; error: UsageError }
  | { kind: 'error'; error: UserFacingError };

/**
 * A reply plus the work to do after it is delivered (kicking the driver): Slack acks first, then
 * runs `followUp`, so the 3-second ack never waits on the driver.
 */
export interface Outcome {
  reply: Reply;
  followUp?: () => Promise<void>;
}

/** Replies everyone in the channel may see; the rest are shown only to the person who asked. */
export function isPublic(reply: Reply): boolean {
  return reply.kind === 'plan';
}
