/**
 * Runs one whole run locally, to completion: what `drbot run` does, callable in-process by tests.
 * Approval gates are answered as the `approveAs` users — only against the simulated cloud: one
 * person must never be able to play two approvers against real infrastructure.
 */
import { FakeClock, SeededRandom } from '../../engine/adapters/memory/clock.js';
import type { SimCloud } from '../../engine/adapters/sim/sim-cloud.js';
import type { WorldFaults } from '../../engine/adapters/sim/world.js';
import type { Engine } from '../../engine/api.js';
import { NotAllowedError } from '../../engine/errors.js';
import type { Clock, Notifier } from '../../engine/ports.js';
import { type AuditEvent, isTerminal, type Run } from '../../engine/run.js';
import type { Mode } from '../../engine/runbook/types.js';
import { findRunbook } from '../runbooks/repository.js';
import { answerWaitingSteps, type ScriptedPeople, waitingOnPeopleError } from './answer-people.js';
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
  /** Confirm `manual` steps as the initiator (sim only: a rehearsal has no real operator task). */
  confirmManual?: boolean;
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
  // a real cloud: AWS or Alibaba Cloud
  const real = options.provider !== undefined && options.provider !== 'sim';
  if (real && (options.approveAs?.length ?? 0) > 0) throw approveAsRefusal();
  if (real && options.confirmManual) {
    throw new NotAllowedError(`--confirm-manual is refused with --provider ${options.provider}`, {
      code: 'CONFIRM_MANUAL_REFUSED',
      explanation:
        'A manual step asks a person to do real work (deploy a network, check data); against real infrastructure no flag may skip it.',
      action:
        'Do the work and confirm each step from Slack or `drbot shell`, or use --provider sim to rehearse.',
    });
  }
  if (real && options.fast) {
    throw new NotAllowedError(`--fast is refused with --provider ${options.provider}`, {
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
    const people = {
      approveAs: options.approveAs ?? [],
      confirmManual: options.confirmManual ?? false,
      onLine: options.onLine,
    };
    const run = await driveToEnd(runtime.engine, started.id, people, runtime.clock);
    const audit = await runtime.store.listAudit(run.id);
    const counters = runtime.cloud.name === 'sim' ? (runtime.cloud as SimCloud).counters : undefined;
    return { run, audit, counters };
  } finally {
    await runtime.close();
  }
}

/** No real run needs this many wake-ups; stops a runaway loop. */
const MAX_WAKEUPS = 100_000;

/**
 * Advances the run to its end. People are answered as soon as they are asked (before any time
 * is skipped), so a gate's timeout never fires while scripted approvers stand ready. Exported for
 * in-process sequences of runs on one runtime (the network round-trip e2e).
 */
export async function driveToEnd(
  engine: Engine,
  runId: string,
  people: ScriptedPeople,
  clock: Clock,
): Promise<Run> {
  const waitFor = (at: number) => waitUntil(clock, at);
  const answered = new Set<string>();
  for (let i = 0; i < MAX_WAKEUPS; i++) {
    const result = await engine.advance(runId);
    if (isTerminal(result.status)) return result.run;
    if ((await answerWaitingSteps(engine, result.run, people, answered)) > 0) continue;
    // only people can move the run on, and some of them are not scripted: say so now rather
    // than wait (or skip) until the gate times out
    const unanswered = Object.entries(result.run.steps).some(
      ([k, st]) => st.status === 'waiting' && !answered.has(k),
    );
    if (result.status === 'waiting' && unanswered) throw waitingOnPeopleError(result.run, people.approveAs);
    if (!result.advanced)
      await waitFor(clock.now() + 1_000); // another worker holds the lease
    else if (result.wakeAt !== undefined) await waitFor(result.wakeAt);
    else throw waitingOnPeopleError(result.run, people.approveAs);
  }
  throw new Error(`run ${runId} did not finish after ${MAX_WAKEUPS} wake-ups`);
}

/** Skips a FakeClock to `at`; waits in real time otherwise. */
async function waitUntil(clock: Clock, at: number): Promise<void> {
  if (clock instanceof FakeClock) {
    clock.advanceTo(at);
    return;
  }
  const ms = Math.max(0, at - clock.now());
  await new Promise((resolve) => setTimeout(resolve, ms));
}
