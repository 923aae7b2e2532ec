/**
 * Runs one whole run locally, to completion: what `drbot run` does, callable in-process by tests.
 * Approval gates are answered as the `approveAs` users — only against the simulated cloud: one
 * person must never be able to play two approvers against real infrastructure.
 */
import { FakeClock, SeededRandom } from '../../engine/adapters/memory/clock.js';
import type { SimCloud } from '../../engine/adapters/sim/sim-cloud.js';
import type { WorldFaults } from '../../engine/adapters/sim/world.js';
import { NotAllowedError } from '../../engine/errors.js';
import type { Notifier } from '../../engine/ports.js';
import type { AuditEvent, Run } from '../../engine/run.js';
import type { Mode } from '../../engine/runbook/types.js';
import { findRunbook } from '../runbooks/repository.js';
import { createLocalRuntime } from './local.js';
import type { ProviderName } from './provider.js';

export interface LocalRunOptions {
  mode: Mode;
  /** Runbook name (in `runbooksDir`) or file path. */
  runbook: string;
  /** @default sim */
  provider?: ProviderName;
  /** Users who answer approval gates (sim only). */
  approveAs?: string[];
  /** The initiator. @default alice */
  as?: string;
  inMemory?: boolean;
  /** Skip time with a FakeClock instead of waiting (sim only). */
  fast?: boolean;
  faults?: WorldFaults;
  /** Seeds the sim's faults and the engine's jitter. @default random unless fast */
  seed?: number;
  dataDir?: string;
  runbooksDir?: string;
  latencyScale?: number;
  /** Receives progress (audit events as they happen). */
  notifier?: Notifier;
  /** Called with one line per approval answer. */
  onLine?: (line: string) => void;
  /** Run the real agent script in the sim. @default true */
  agent?: boolean;
}

export interface LocalRunResult {
  run: Run;
  audit: AuditEvent[];
  /** The sim's counters (sim provider only), for tests and benches. */
  counters?: SimCloud['counters'];
}

/** The only refusal of `--approve-as`: real infrastructure needs real, distinct approvers. */
export function approveAsRefusal(): NotAllowedError {
  return new NotAllowedError('--approve-as is refused with --provider aws', {
    code: 'APPROVE_AS_REFUSED',
    explanation:
      'Against real infrastructure one person must never play two approvers: a CUTOVER needs two distinct people, each approving for themselves.',
    action:
      'Start the run from Slack (/dr failover <runbook>) where each approver clicks Approve, or use --provider sim to rehearse.',
  });
}

export function checkLocalRunOptions(options: LocalRunOptions): void {
  if (options.provider === 'aws' && (options.approveAs?.length ?? 0) > 0) throw approveAsRefusal();
  if (options.provider === 'aws' && options.fast) {
    throw new NotAllowedError('--fast is refused with --provider aws', {
      code: 'FAST_REFUSED',
      explanation: 'Skipping time only works in the simulated cloud: real instances take real minutes.',
      action: 'Drop --fast, or use --provider sim.',
    });
  }
}

export async function runLocally(options: LocalRunOptions): Promise<LocalRunResult> {
  checkLocalRunOptions(options);
  const clock = options.fast ? new FakeClock(Date.now()) : undefined;
  const seed = options.seed ?? (options.fast ? 1 : undefined);
  const random = seed !== undefined ? new SeededRandom(seed) : undefined;
  const runtime = await createLocalRuntime({
    dataDir: options.dataDir,
    inMemory: options.inMemory,
    clock,
    random,
    latencyScale: options.latencyScale ?? (options.fast ? 1 : undefined),
    faults: options.faults,
    provider: options.provider,
    notifier: options.notifier,
    runbooksDir: options.runbooksDir,
    agent: options.agent,
  });
  try {
    const runbook = await findRunbook(options.runbook, options.runbooksDir ?? 'runbooks');
    const started = await runtime.engine.startRun({
      runbook,
      mode: options.mode,
      initiator: options.as ?? 'alice',
      meta: { source: 'cli' },
    });
    const approvers = options.approveAs ?? [];
    const run = await runtime.driver.runToCompletion(started.id, {
      onIdle: async (idle) => {
        const waiting = Object.entries(idle.steps).filter(([, s]) => s.status === 'waiting');
        let counted = 0;
        for (const [key, step] of waiting) {
          if (step.action !== 'approval') continue;
          for (const user of approvers) {
            const answer = await runtime.engine.approve(idle.id, key, user);
            options.onLine?.(`@${user} → ${key}: ${answer.explanation}`);
            if (answer.counted) counted++;
          }
        }
        if (counted === 0)
          throw waitingOnPeople(
            idle,
            waiting.map(([key]) => key),
            approvers,
          );
      },
    });
    const audit = await runtime.store.listAudit(run.id);
    const counters = runtime.cloud.name === 'sim' ? (runtime.cloud as SimCloud).counters : undefined;
    return { run, audit, counters };
  } finally {
    await runtime.close();
  }
}

function waitingOnPeople(run: Run, keys: string[], approvers: string[]): NotAllowedError {
  return new NotAllowedError(`Run ${run.id} is waiting on people: ${keys.join(', ')}`, {
    code: 'WAITING_ON_PEOPLE',
    explanation: approvers.length
      ? `The --approve-as users (${approvers.join(', ')}) could not open the gate: see their answers above.`
      : 'The run reached an approval gate or a manual step and no --approve-as users were given.',
    action:
      'Pass --approve-as with approvers of the gate other than the initiator (sim only), or run it from Slack.',
    context: { runId: run.id },
  });
}
