import { describe, expect, it } from 'vitest';
import { createCloudActions } from '../../../engine/actions/registry.js';
import { FakeClock, SeededRandom } from '../../../engine/adapters/memory/clock.js';
import { generateWorld } from '../../../engine/adapters/sim/generate-world.js';
import { SimCloud } from '../../../engine/adapters/sim/sim-cloud.js';
import { makeRunbook } from '../../helpers/runbook.js';
import { runAction } from './fixtures.js';

const RUNBOOK = makeRunbook({ name: 'fleet', defaults: { instanceType: 't3.large' } });

function fleet(instances: number, throttleRate: number, seed: number) {
  const clock = new FakeClock();
  const sim = new SimCloud({
    world: generateWorld({ instances, faults: { throttleRate } }),
    clock,
    random: new SeededRandom(seed),
  });
  return { clock, sim, actions: createCloudActions({ cloud: sim }) };
}

describe('recovery.latestPoint batches its describes (issue #13, #20)', () => {
  it('passes the RPO gate for 40 instances at throttleRate 0.1 in every one of 5 seeded runs', async () => {
    const outcomes: string[] = [];
    for (const seed of [1, 2, 3, 4, 5]) {
      const { clock, actions } = fleet(40, 0.1, seed);
      const outcome = await runAction(
        actions['recovery.latestPoint']!,
        clock,
        { maxAge: '1h' },
        { runbook: RUNBOOK },
      )
        .then((r) => `ok:${Object.keys(r.result.outputs!.points as object).length}`)
        .catch((e: { code?: string }) => `failed:${e.code}`);
      outcomes.push(outcome);
    }
    expect(outcomes).toEqual(['ok:40', 'ok:40', 'ok:40', 'ok:40', 'ok:40']);
  });

  it('passes at throttleRate 0.2 for 40 and for 1000 instances: throttled pages are retried within the attempt', async () => {
    const outcomes: string[] = [];
    for (const [instances, seed] of [
      [40, 1],
      [40, 2],
      [40, 3],
      [40, 4],
      [40, 5],
      [1000, 6],
      [1000, 7],
    ] as const) {
      const { clock, sim, actions } = fleet(instances, 0.2, seed);
      const outcome = await runAction(
        actions['recovery.latestPoint']!,
        clock,
        { maxAge: '1h' },
        { runbook: RUNBOOK },
      )
        .then((r) => `ok:${Object.keys(r.result.outputs!.points as object).length}`)
        .catch((e: { code?: string }) => `failed:${e.code}`);
      outcomes.push(outcome);
      // Throttles happened and were absorbed page by page, never by restarting the whole lookup.
      if (instances === 1000) {
        expect(sim.counters.throttled).toBeGreaterThan(0);
        expect(sim.counters.calls.DescribeSnapshots).toBeLessThan(
          2 * Math.ceil(instances / 200) + sim.counters.throttled,
        );
      }
    }
    expect(outcomes).toEqual(['ok:40', 'ok:40', 'ok:40', 'ok:40', 'ok:40', 'ok:1000', 'ok:1000']);
  });

  it('makes one DescribeSnapshots and one DescribeImages per 200 instances, whatever N', async () => {
    for (const n of [10, 200, 1000]) {
      const { clock, sim, actions } = fleet(n, 0, 1);
      const { result } = await runAction(actions['recovery.latestPoint']!, clock, {}, { runbook: RUNBOOK });
      expect(Object.keys(result.outputs!.points as object)).toHaveLength(n);
      expect(sim.counters.calls.DescribeSnapshots).toBe(Math.ceil(n / 200));
      expect(sim.counters.calls.DescribeImages).toBe(Math.ceil(n / 200));
    }
  });

  it('chooses the same points as the per-instance lookup', async () => {
    const { sim } = fleet(30, 0, 1);
    const { instances } = await sim.inspect();
    const sources = instances.map((i) => i.id);
    const batched = await sim.latestRecoveryPoints(sources, 'us-west-2');
    for (const id of sources) expect(batched[id]).toEqual(await sim.latestRecoveryPoint(id, 'us-west-2'));
  });

  it('ec2.launch without `from` looks its points up in one batch', async () => {
    const { clock, sim, actions } = fleet(250, 0, 1);
    await runAction(
      actions['ec2.launch']!,
      clock,
      { launchType: 'TEST', network: 'drill' },
      { runbook: RUNBOOK },
    );
    expect(sim.counters.calls.DescribeSnapshots).toBe(2);
    expect(sim.counters.launches).toBe(250);
  });
});
