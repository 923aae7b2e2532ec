import { describe, expect, it } from 'vitest';
import type { DynamoRunStore } from '../../../../engine/adapters/dynamodb/store.js';
import { FakeClock, SeededRandom } from '../../../../engine/adapters/memory/clock.js';
import { generateWorld } from '../../../../engine/adapters/sim/generate-world.js';
import { SimCloud } from '../../../../engine/adapters/sim/sim-cloud.js';
import type { SimState } from '../../../../engine/adapters/sim/state.js';
import { type SimStateHeader, SimStateStore, split } from '../../../../engine/adapters/sim/state-store.js';
import type { LaunchRequest } from '../../../../engine/cloud/compute.js';
import type { RunStore } from '../../../../engine/ports.js';
import { useDynalite } from '../../../helpers/dynalite.js';

const dynalite = useDynalite();
const TARGET = 'us-west-2';

/** A 1000-instance world (~700 KB of state, more than one DynamoDB item) saving through `store`. */
function bigSim(store: Pick<RunStore, 'getDoc' | 'putDoc'>) {
  const states = new SimStateStore(store);
  const clock = new FakeClock();
  const world = generateWorld({ instances: 1000 });
  const sim = new SimCloud({ world, clock, random: new SeededRandom(1), persist: (s) => states.save(s) });
  return { sim, states, clock, world };
}

async function launchOne(sim: SimCloud, key: string): Promise<string> {
  const point = (await sim.latestRecoveryPoint('i-0bench00000000', TARGET))!;
  const request: LaunchRequest = {
    blueprints: [
      {
        sourceInstanceId: 'i-0bench00000000',
        recoveryPointId: point.id,
        region: TARGET,
        instanceType: 'm5.large',
      },
    ],
    launchType: 'TEST',
    tags: { runId: key, mode: 'drill' },
    idempotencyKey: key,
  };
  return (await sim.launch(request))[0]!.instanceId;
}

/** The store, with putDoc failing (a crash) from the `failAt`-th write on, while `armed`. */
function crashingStore(inner: DynamoRunStore) {
  let writes = 0;
  const control = { armed: false, failAt: 1 };
  const store: Pick<RunStore, 'getDoc' | 'putDoc'> = {
    getDoc: (kind, id) => inner.getDoc(kind, id),
    putDoc: async (kind, id, doc) => {
      if (control.armed && ++writes >= control.failAt) throw new Error(`crash before writing ${kind}/${id}`);
      await inner.putDoc(kind, id, doc);
    },
  };
  return { store, control };
}

describe('SimStateStore', () => {
  it('shards a 1000-instance world across documents and restores it exactly (dynalite)', async () => {
    const store = dynalite.newStore();
    const { sim, world, clock } = bigSim(store);
    const launched = await launchOne(sim, 'run-1:launch:1');
    const header = await store.getDoc<SimStateHeader>('sim', 'state');
    expect(header).toMatchObject({ format: 'sim-state-shards', generation: 1 });
    expect(header!.shards).toBeGreaterThanOrEqual(2);
    const loaded = await new SimStateStore(store).load();
    expect(loaded).toEqual(sim.snapshot());
    // the restored world continues: same instance, same token
    const restored = SimCloud.restore(loaded!, { world, clock, random: new SeededRandom(1) });
    expect(await launchOne(restored, 'run-1:launch:1')).toBe(launched);
    expect(restored.counters).toMatchObject({ launches: 1, duplicateLaunchTokens: 1 });
  });

  it('keeps a small state in one plain document, readable as before', async () => {
    const store = dynalite.newStore();
    const states = new SimStateStore(store);
    const sim = new SimCloud({
      world: generateWorld({ instances: 3 }),
      clock: new FakeClock(),
      random: new SeededRandom(1),
      persist: (s) => states.save(s),
    });
    await launchOne(sim, 'run-1:launch:1');
    expect(await store.getDoc<SimState>('sim', 'state')).toEqual(sim.snapshot());
    expect(await new SimStateStore(store).load()).toEqual(sim.snapshot());
  });

  it.each([
    ['between two shard writes', (_shards: number) => 2, /crash before writing sim\/state-0-1$/],
    [
      'after every shard, before the header',
      (shards: number) => shards + 1,
      /crash before writing sim\/state$/,
    ],
  ])('restores the previous generation after a crash %s', async (_when, failAt, crashed) => {
    const inner = dynalite.newStore();
    const { store, control } = crashingStore(inner);
    const { sim } = bigSim(store);
    await launchOne(sim, 'run-1:launch:1');
    const first = sim.snapshot();
    const { shards } = (await inner.getDoc<SimStateHeader>('sim', 'state'))!;
    // the next save writes as many shards (one more instance): the crash lands where it says
    control.failAt = failAt(shards);
    control.armed = true;
    await expect(launchOne(sim, 'run-2:launch:1')).rejects.toThrow(crashed);
    expect(await new SimStateStore(inner).load()).toEqual(first);
    expect((await inner.getDoc<SimStateHeader>('sim', 'state'))?.generation).toBe(1);
  });

  it('writes the next generation into the other slot, so a later save after a crash wins', async () => {
    const inner = dynalite.newStore();
    const { store, control } = crashingStore(inner);
    const { sim } = bigSim(store);
    await launchOne(sim, 'run-1:launch:1');
    control.armed = true;
    await expect(launchOne(sim, 'run-2:launch:1')).rejects.toThrow(/crash/);
    control.armed = false;
    await launchOne(sim, 'run-3:launch:1');
    const loaded = (await new SimStateStore(inner).load())!;
    expect(loaded).toEqual(sim.snapshot());
    expect(Object.keys(loaded.tokens.launch)).toEqual([
      'run-1:launch:1:0',
      'run-2:launch:1:0',
      'run-3:launch:1:0',
    ]);
  });

  it('refuses a header whose shard is from another save, with an explanation', async () => {
    const store = dynalite.newStore();
    const { sim } = bigSim(store);
    await launchOne(sim, 'run-1:launch:1');
    await store.putDoc('sim', 'state-1-0', { generation: 7, index: 0, text: '{' });
    await expect(new SimStateStore(store).load()).rejects.toMatchObject({
      code: 'SIM_STATE_TORN',
      action: expect.stringContaining('only one drbot process'),
    });
  });
});

describe('split', () => {
  it('cuts text into pieces whose JSON encoding fits the budget and joins back exactly', () => {
    const text = JSON.stringify({ quotes: '"'.repeat(500), emoji: '😀'.repeat(300), back: '\\'.repeat(200) });
    const pieces = split(text, 256);
    expect(pieces.join('')).toBe(text);
    for (const piece of pieces)
      expect(Buffer.byteLength(JSON.stringify(piece), 'utf8')).toBeLessThanOrEqual(256);
    expect(JSON.parse(pieces.map((p) => JSON.parse(JSON.stringify(p)) as string).join(''))).toEqual(
      JSON.parse(text),
    );
  });
});
