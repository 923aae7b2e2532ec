/**
 * EC2 calls per instance for a drill of N = 10, 100, 1000 instances, on the sim's call counter:
 * RPO gate → launch → wait healthy → terminate run-owned → wait terminated, driven like the
 * executor drives the action handlers (start, then poll at pollAfterMs on a FakeClock).
 * Prints one JSON line per N. Describe calls per poll round must stay 1 whatever N.
 */

import { createCloudActions } from '../engine/actions/registry.js';
import type { ActionContext, ActionHandler, ActionResult } from '../engine/actions/types.js';
import { FakeClock, SeededRandom } from '../engine/adapters/memory/clock.js';
import { EC2_APIS, totalCalls } from '../engine/adapters/sim/counters.js';
import { generateWorld } from '../engine/adapters/sim/generate-world.js';
import { SimCloud } from '../engine/adapters/sim/sim-cloud.js';
import { makeRunbook } from '../test/helpers/runbook.js';

const RUNBOOK = makeRunbook({ name: 'bench', defaults: { instanceType: 't3.large' } });

interface StepStats {
  polls: number;
  describes: number;
}

async function step(
  sim: SimCloud,
  clock: FakeClock,
  handler: ActionHandler,
  stepId: string,
  inputs: Record<string, unknown>,
): Promise<{ outputs: Record<string, unknown>; stats: StepStats }> {
  const ctx: ActionContext = {
    runId: 'bench-run',
    stepId,
    stepKey: stepId,
    attempt: 1,
    idempotencyKey: `bench-run:${stepId}:1`,
    mode: 'drill',
    runbook: RUNBOOK,
    initiator: 'bench',
    params: {},
    inputs,
    runStartedAt: clock.now(),
    now: () => clock.now(),
    note: () => undefined,
  };
  let result: ActionResult = await handler.start(ctx);
  let polls = 0;
  let describes = 0;
  while (result.status === 'pending') {
    clock.advance(result.pollAfterMs);
    const before = sim.counters.calls.DescribeInstances ?? 0;
    result = await handler.poll!({ ...ctx, handle: result.handle });
    describes += (sim.counters.calls.DescribeInstances ?? 0) - before;
    polls++;
  }
  return { outputs: result.outputs ?? {}, stats: { polls, describes } };
}

async function drill(n: number): Promise<Record<string, unknown>> {
  const clock = new FakeClock();
  const sim = new SimCloud({ world: generateWorld({ instances: n }), clock, random: new SeededRandom(1) });
  const actions = createCloudActions({ cloud: sim });
  const started = performance.now();
  const gate = await step(sim, clock, actions['recovery.latestPoint']!, 'rpo-gate', { maxAge: '1h' });
  const launch = await step(sim, clock, actions['ec2.launch']!, 'launch', {
    launchType: 'TEST',
    from: gate.outputs.points,
    network: 'drill',
  });
  const healthy = await step(sim, clock, actions['ec2.waitHealthy']!, 'wait-healthy', {
    instances: launch.outputs.instanceIds,
  });
  const cleanup = await step(sim, clock, actions['ec2.terminate']!, 'terminate', { runOwned: true });
  const ec2Calls = totalCalls(sim.counters, EC2_APIS);
  const pollRounds = healthy.stats.polls + cleanup.stats.polls;
  return {
    bench: 'api-calls',
    instances: n,
    ec2Calls,
    ec2CallsPerInstance: Number((ec2Calls / n).toFixed(3)),
    calls: sim.counters.calls,
    pollRounds,
    describeCallsPerPollRound: Number(
      ((healthy.stats.describes + cleanup.stats.describes) / pollRounds).toFixed(3),
    ),
    launches: sim.counters.launches,
    duplicateLaunchTokens: sim.counters.duplicateLaunchTokens,
    terminations: sim.counters.terminations,
    wallMs: Math.round(performance.now() - started),
  };
}

for (const n of [10, 100, 1000]) console.log(JSON.stringify(await drill(n)));
