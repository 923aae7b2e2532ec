/** Action-handler test set-up: the shop sim, a small runbook and a context driven by a FakeClock. */

import { createCloudActions } from '../../../engine/actions/registry.js';
import type { ActionContext, ActionHandler, ActionResult } from '../../../engine/actions/types.js';
import { FakeClock, SeededRandom } from '../../../engine/adapters/memory/clock.js';
import { SimCloud } from '../../../engine/adapters/sim/sim-cloud.js';
import type { WorldFaults } from '../../../engine/adapters/sim/world.js';
import type { Mode, Runbook } from '../../../engine/runbook/types.js';
import { makeRunbook } from '../../helpers/runbook.js';
import { shopWorld } from '../adapters/sim/fixtures.js';

export const RUNBOOK: Runbook = makeRunbook({
  steps: [],
  defaults: { instanceType: 't3.large', drillTtl: '4h', retention: 24 },
  dns: { zone: 'Z0DRBOTSHOP', record: 'shop.example.com' },
});

export function setup(faults: WorldFaults = {}, seed = 7) {
  const clock = new FakeClock();
  const sim = new SimCloud({ world: shopWorld(), clock, random: new SeededRandom(seed), faults });
  const actions = createCloudActions({ cloud: sim });
  return { clock, sim, actions };
}

export interface Ran {
  result: Extract<ActionResult, { status: 'done' }>;
  notes: string[];
  polls: number;
}

/** Runs an action like the executor would: start, then poll at pollAfterMs until done. */
export async function runAction(
  handler: ActionHandler,
  clock: FakeClock,
  inputs: Record<string, unknown>,
  options: {
    mode?: Mode;
    runId?: string;
    stepId?: string;
    runbook?: Runbook;
    startedAt?: number;
    params?: Record<string, string>;
  } = {},
): Promise<Ran> {
  const notes: string[] = [];
  const runId = options.runId ?? 'run-1';
  const stepId = options.stepId ?? 'step';
  const ctx: ActionContext = {
    runId,
    stepId,
    stepKey: stepId,
    attempt: 1,
    idempotencyKey: `${runId}:${stepId}:1`,
    mode: options.mode ?? 'drill',
    runbook: options.runbook ?? RUNBOOK,
    initiator: 'alice',
    params: options.params ?? {},
    inputs,
    runStartedAt: options.startedAt ?? clock.now(),
    now: () => clock.now(),
    note: (message) => void notes.push(message),
  };
  let result = await handler.start(ctx);
  let polls = 0;
  while (result.status === 'pending') {
    if (++polls > 500) throw new Error('action never finished');
    clock.advance(result.pollAfterMs);
    result = await handler.poll!({ ...ctx, handle: result.handle });
  }
  return { result, notes, polls };
}
