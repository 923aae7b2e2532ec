/**
 * Fault injection and simulated API errors. Every error says it was simulated (injected or part
 * of the world) so nobody hunts a real AWS problem in a local drill.
 */
import { DrbotError, NonRetryableError, RetryAfterError } from '../../errors.js';
import type { Random } from '../../ports.js';
import type { SimState } from './state.js';
import type { WorldFaults } from './world.js';

/** How long a throttled caller is told to wait (sim time, before latencyScale). */
export const THROTTLE_RETRY_MS = 2_000;

export class FaultInjector {
  constructor(
    private readonly faults: WorldFaults,
    private readonly random: Random,
    private readonly state: SimState,
  ) {}

  /** Region outage, then throttling: checked at the start of every API call, before any change. */
  beforeCall(api: string, region: string | undefined): void {
    if (region && this.faults.regionOutage?.includes(region)) {
      throw new DrbotError(`${api} failed: region ${region} is unavailable (simulated outage)`, {
        code: 'REGION_UNAVAILABLE',
        explanation: `The simulated world has ${region} in faults.regionOutage, so every call there fails.`,
        action: 'Remove the region from faults.regionOutage, or fail over to the other region.',
        context: { api, region },
      });
    }
    const rate = this.faults.throttleRate ?? 0;
    if (rate > 0 && this.random.next() < rate) {
      this.state.counters.throttled++;
      throw new RetryAfterError(`${api} was throttled (RequestLimitExceeded, simulated)`, THROTTLE_RETRY_MS, {
        code: 'THROTTLED',
        explanation: `The sim throttles ${Math.round(rate * 100)}% of calls (faults.throttleRate).`,
        action: 'Nothing: drbot retries throttled calls after a short wait.',
        context: { api, region },
      });
    }
  }

  /** True (and one use of the budget spent) when a launch of `type` hits an injected capacity error. */
  takeCapacityError(type: string): boolean {
    const budget = this.faults.capacityErrors?.[type] ?? 0;
    const used = this.state.faultsUsed.capacity[type] ?? 0;
    if (used >= budget) return false;
    this.state.faultsUsed.capacity[type] = used + 1;
    return true;
  }

  /** Throws an injected launch failure when the budget allows one. */
  checkLaunchFailure(): void {
    if (this.state.faultsUsed.launchFailures >= (this.faults.launchFailures ?? 0)) return;
    this.state.faultsUsed.launchFailures++;
    throw new DrbotError('RunInstances failed with an internal error (simulated launch failure)', {
      code: 'LAUNCH_FAILED',
      explanation: 'The simulated world injects launch failures (faults.launchFailures).',
      action: 'Retry the step; lower faults.launchFailures to stop injecting them.',
    });
  }

  /** The outcome of one SSM invocation: ok, an injected failure, or an injected timeout. */
  takeSsmOutcome(): 'ok' | 'failed' | 'timed-out' {
    if (this.state.faultsUsed.ssmFailures < (this.faults.ssmFailures ?? 0)) {
      this.state.faultsUsed.ssmFailures++;
      return 'failed';
    }
    if (this.state.faultsUsed.ssmTimeouts < (this.faults.ssmTimeouts ?? 0)) {
      this.state.faultsUsed.ssmTimeouts++;
      return 'timed-out';
    }
    return 'ok';
  }
}

/** InvalidInstanceID.NotFound and friends: the same input would fail the same way. */
export function notFound(what: string, ids: string[], region: string): NonRetryableError {
  return new NonRetryableError(`${what} not found in ${region}: ${ids.join(', ')}`, {
    code: 'NOT_FOUND',
    explanation: `The simulated cloud has no ${what.toLowerCase()} with these ids in ${region}.`,
    action: 'Check the ids and the region (recovery vs protected side) the step acts on.',
    context: { ids, region },
  });
}

/** Drill safety: refuse to touch what this drill did not launch. */
export function drillSafety(api: string, ids: string[], runId: string): NonRetryableError {
  return new NonRetryableError(`Refused ${api} on ${ids.join(', ')}: not launched by drill ${runId}`, {
    code: 'DRILL_SAFETY',
    explanation:
      'A drill may only stop or terminate instances tagged drbot:run-id with its own run id, so a drill can never harm production.',
    action:
      'Use runOwned: true (or the ids from this run’s launch step); real instances are only touched in failover/failback.',
    context: { api, ids, runId },
  });
}

export function incorrectState(api: string, ids: string[], state: string): DrbotError {
  return new DrbotError(`${api} failed: ${ids.join(', ')} in state ${state} (IncorrectInstanceState)`, {
    code: 'INCORRECT_INSTANCE_STATE',
    explanation: `The instances are ${state}, which does not allow ${api} yet.`,
    action: 'Retry once the instances have settled (drbot retries this step by its retry policy).',
    context: { api, ids },
  });
}
