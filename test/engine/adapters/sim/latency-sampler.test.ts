import { describe, expect, it } from 'vitest';
import { FakeClock, SeededRandom } from '../../../../engine/adapters/memory/clock.js';
import { generateWorld } from '../../../../engine/adapters/sim/generate-world.js';
import { Latency } from '../../../../engine/adapters/sim/latency.js';
import { SimCloud } from '../../../../engine/adapters/sim/sim-cloud.js';
import { DEFAULT_LATENCIES } from '../../../../engine/adapters/sim/world.js';

describe('sim latency sampler (bench/rto.ts)', () => {
  it('draws each operation from the sampler, given the world value as the median, then scales it', () => {
    const asked: [string, number][] = [];
    const latency = new Latency(DEFAULT_LATENCIES, 0.5, (name, medianMs) => {
      asked.push([name, medianMs]);
      return medianMs + 1000;
    });
    expect(latency.of('launch')).toBe(10_500);
    expect(asked).toEqual([['launch', 20_000]]);
  });

  it('gives every launched instance its own draw, so instances become healthy at different times', async () => {
    const clock = new FakeClock();
    let n = 0;
    const sim = new SimCloud({
      world: generateWorld({ instances: 3 }),
      clock,
      random: new SeededRandom(1),
      latencySampler: (name, medianMs) => (name === 'launch' ? 1000 * ++n : medianMs),
    });
    const { instances } = await sim.inspect();
    const points = await sim.latestRecoveryPoints(
      instances.map((i) => i.id),
      'us-west-2',
    );
    const launched = await sim.launch({
      launchType: 'TEST',
      idempotencyKey: 'k',
      tags: { runId: 'r', mode: 'drill' },
      blueprints: instances.map((i) => ({
        sourceInstanceId: i.id,
        recoveryPointId: points[i.id]!.id,
        region: 'us-west-2',
        instanceType: 'm5.large',
        subnetId: 'subnet-0w2d',
        securityGroupIds: ['sg-0w2drill'],
      })),
    } as never);
    clock.advance(1500);
    const states = await sim.describe(
      launched.map((l) => l.instanceId),
      'us-west-2',
    );
    expect(states.map((i) => i.state)).toEqual(['running', 'pending', 'pending']);
  });
});
