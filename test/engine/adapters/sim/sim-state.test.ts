import { describe, expect, it } from 'vitest';
import { FakeClock, SeededRandom } from '../../../../engine/adapters/memory/clock.js';
import { EC2_APIS, totalCalls } from '../../../../engine/adapters/sim/counters.js';
import { generateWorld } from '../../../../engine/adapters/sim/generate-world.js';
import { SimCloud } from '../../../../engine/adapters/sim/sim-cloud.js';
import type { SimState } from '../../../../engine/adapters/sim/state.js';
import { loadWorld, SimWorldError } from '../../../../engine/adapters/sim/world-load.js';
import { blueprintFor, launchRequest, makeSim, shopWorld, TARGET, WEB1 } from './fixtures.js';

describe('SimCloud persistence and worlds', () => {
  it('hands its state to persist after each mutation and continues from it after a restart', async () => {
    const saved: SimState[] = [];
    const { sim, clock } = makeSim({ persist: (s) => void saved.push(s) });
    const request = launchRequest([await blueprintFor(sim, WEB1)]);
    const [launched] = await sim.launch(request);
    expect(saved).toHaveLength(1);
    const restored = SimCloud.restore(JSON.parse(JSON.stringify(saved[0])), {
      world: shopWorld(),
      clock,
      random: new SeededRandom(7),
    });
    clock.advance(60_000);
    expect((await restored.describe([launched!.instanceId], TARGET))[0]).toMatchObject({
      state: 'running',
      healthy: true,
    });
    // the ClientToken survives the restart: no second launch
    expect(await restored.launch(request)).toEqual([launched]);
    expect(restored.counters.launches).toBe(1);
  });

  it('is deterministic: the same seed and calls give the same ids and faults', async () => {
    const run = async () => {
      const sim = new SimCloud({
        world: shopWorld(),
        clock: new FakeClock(),
        random: new SeededRandom(3),
        faults: { throttleRate: 0.5 },
      });
      const outcomes: string[] = [];
      for (let i = 0; i < 10; i++)
        outcomes.push(
          await sim.describe([WEB1], 'us-east-1').then(
            () => 'ok',
            () => 'throttled',
          ),
        );
      return outcomes.join(',');
    };
    expect(await run()).toBe(await run());
  });

  it('generates worlds of N instances whose describes stay one call per round', async () => {
    const world = generateWorld({ instances: 1000 });
    expect(world.instances).toHaveLength(1000);
    const sim = new SimCloud({ world, clock: new FakeClock(), random: new SeededRandom(1) });
    const fleet = await sim.listProtected({ tags: { 'dr-tier': 'app' } }, 'us-east-1');
    await sim.describe(
      fleet.map((i) => i.id),
      'us-east-1',
    );
    expect(sim.counters.calls.DescribeInstances).toBe(2);
    expect(totalCalls(sim.counters, EC2_APIS)).toBe(2);
  });

  it('reports every problem of a broken world file with its path', () => {
    const text =
      'apiVersion: drbot/v1\nkind: SimWorld\nmetadata: { name: x }\nregions: { a: { subnets: [] } }\ninstances: [{ id: i-01, region: b }]\nfaults: { throttleRate: 2 }\n';
    const err = (() => {
      try {
        loadWorld(text, 'bad.yaml');
      } catch (e) {
        return e;
      }
    })() as SimWorldError;
    expect(err).toBeInstanceOf(SimWorldError);
    expect(err.problems).toEqual(
      expect.arrayContaining([
        'faults.throttleRate must be in [0, 1]',
        'regions.a.subnets must list at least one subnet',
        'instances[0].region must name a region of the world',
      ]),
    );
    expect(err.action).toContain('bad.yaml');
  });

  it('reports YAML syntax errors with their line', () => {
    expect(() => loadWorld('a: [1,\nb: 2\n', 'w.yaml')).toThrow(/line \d/);
  });
});
