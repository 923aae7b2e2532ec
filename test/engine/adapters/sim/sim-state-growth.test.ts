import { describe, expect, it } from 'vitest';
import { FakeClock, SeededRandom } from '../../../../engine/adapters/memory/clock.js';
import { generateWorld } from '../../../../engine/adapters/sim/generate-world.js';
import { DEFAULT_RETENTION } from '../../../../engine/adapters/sim/retention.js';
import { SimCloud } from '../../../../engine/adapters/sim/sim-cloud.js';
import type { SimState } from '../../../../engine/adapters/sim/state.js';
import type { Blueprint, LaunchRequest } from '../../../../engine/cloud/compute.js';

const SOURCE = 'us-east-1';
const TARGET = 'us-west-2';
const INSTANCES = 50;
const MINUTE = 60_000;
/** One DynamoDB item holds 400 KB; the state must stay well under it. */
const ONE_DOCUMENT = 300 * 1024;

async function blueprintsOf(sim: SimCloud): Promise<Blueprint[]> {
  const fleet = await sim.listProtected({ tags: { 'dr-tier': 'app' } }, SOURCE);
  return Promise.all(
    fleet.map(async (source) => ({
      sourceInstanceId: source.id,
      recoveryPointId: (await sim.latestRecoveryPoint(source.id, TARGET))!.id,
      region: TARGET,
      instanceType: 'm5.large',
    })),
  );
}

const drillLaunch = (blueprints: Blueprint[], n: number): LaunchRequest => ({
  blueprints,
  launchType: 'TEST',
  tags: { runId: `run-${n}`, mode: 'drill' },
  idempotencyKey: `run-${n}:launch:1`,
});

/** `drills` drills of 50: launch, 10 minutes up, terminate, 10 minutes until the next one. */
async function runDrills(drills: number) {
  const clock = new FakeClock();
  const sizes: number[] = [];
  const sim = new SimCloud({
    world: generateWorld({ instances: INSTANCES }),
    clock,
    random: new SeededRandom(1),
    persist: (state) => void sizes.push(JSON.stringify(state).length),
  });
  const blueprints = await blueprintsOf(sim);
  const launched: string[][] = [];
  for (let n = 1; n <= drills; n++) {
    const ids = (await sim.launch(drillLaunch(blueprints, n))).map((l) => l.instanceId);
    launched.push(ids);
    clock.advance(10 * MINUTE);
    await sim.terminate(ids, TARGET, { runId: `run-${n}`, mode: 'drill' });
    clock.advance(10 * MINUTE);
  }
  return { sim, clock, sizes, blueprints, launched };
}

describe('SimCloud state retention', () => {
  it('keeps the persisted state bounded over many drills instead of growing with each', async () => {
    const { sizes, sim } = await runDrills(80);
    expect(sim.counters.launches).toBe(80 * INSTANCES);
    expect(sim.counters.terminations).toBe(80 * INSTANCES);
    expect(Math.max(...sizes)).toBeLessThan(ONE_DOCUMENT);
    // once the caps are reached the size is flat: the last 20 drills add nothing
    const at60 = sizes[2 * 60 - 1]!;
    const at80 = sizes[2 * 80 - 1]!;
    expect(at80).toBeLessThanOrEqual(at60 * 1.02);
    const state = sim.snapshot();
    expect(Object.keys(state.retired).length).toBeLessThanOrEqual(DEFAULT_RETENTION.maxRetiredLaunches);
    // only the drills terminated within the visible hour (3 of them) and the last one keep full records
    const launchedRecords = Object.values(state.instances).filter((i) => !i.seeded);
    expect(launchedRecords.length).toBeLessThanOrEqual(4 * INSTANCES);
  });

  it('answers a recent ClientToken with the same instances and counts it as a duplicate', async () => {
    const { sim, blueprints, launched } = await runDrills(30);
    // drill 28 terminated ~50 sim minutes ago (full record); drill 25 over an hour ago (tombstone)
    for (const n of [28, 25]) {
      const before = { ...sim.counters };
      const again = await sim.launch(drillLaunch(blueprints, n));
      expect(again.map((l) => l.instanceId)).toEqual(launched[n - 1]);
      expect(again[0]).toMatchObject({
        sourceInstanceId: blueprints[0]!.sourceInstanceId,
        instanceType: 'm5.large',
      });
      expect(sim.counters.launches).toBe(before.launches);
      expect(sim.counters.duplicateLaunchTokens).toBe(before.duplicateLaunchTokens + INSTANCES);
      expect(sim.counters.idempotencyKeys[`run-${n}:launch:1:0`]).toBe(2);
    }
    expect(sim.snapshot().instances[launched[24]![0]!]).toBeUndefined();
  });

  it('describes a dropped instance as terminated, and terminating it again is a no-op', async () => {
    const { sim, launched } = await runDrills(10);
    const gone = launched[0]!;
    expect(sim.snapshot().retired[gone[0]!]).toBeDefined();
    const described = await sim.describe(gone, TARGET);
    expect(described.map((i) => i.state)).toEqual(gone.map(() => 'terminated'));
    const terminations = sim.counters.terminations;
    await sim.terminate(gone, TARGET, { runId: 'run-1', mode: 'drill' });
    expect(sim.counters.terminations).toBe(terminations);
  });

  it('forgets a token after the idempotency window: the instance is then unknown', async () => {
    const { sim, clock, launched } = await runDrills(2);
    clock.advance(DEFAULT_RETENTION.idempotencyWindowMs + DEFAULT_RETENTION.terminatedVisibleMs);
    await expect(sim.describe(launched[0]!, TARGET)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const state = sim.snapshot();
    expect(state.tokens.launch).toEqual({});
    expect(state.retired).toEqual({});
    expect(Object.keys(state.counters.idempotencyKeys)).toEqual([]);
    expect(state.counters.launches).toBe(2 * INSTANCES);
  });

  it('drops finished SSM commands and DNS changes with their keys after the window', async () => {
    const { sim, clock } = await runDrills(1);
    const ids = (await sim.launch(drillLaunch((await blueprintsOf(sim)).slice(0, 2), 99))).map(
      (l) => l.instanceId,
    );
    clock.advance(10 * MINUTE);
    const { commandId } = await sim.runCommand(ids, TARGET, 'AWS-RunShellScript', {}, 'cmd-key');
    const { changeId } = await sim.switchDns('Z1', 'app.example.com', '10.0.0.4', 'dns-key');
    clock.advance(10 * MINUTE);
    expect((await sim.commandStatus(commandId, TARGET)).done).toBe(true);
    expect(await sim.dnsStatus(changeId)).toBe('INSYNC');
    clock.advance(DEFAULT_RETENTION.idempotencyWindowMs);
    await sim.describe([], TARGET);
    const state: SimState = sim.snapshot();
    expect(state.commands).toEqual({});
    expect(state.dnsChanges).toEqual({});
    expect(state.tokens.command).toEqual({});
    expect(state.tokens.dns).toEqual({});
    expect(state.counters.idempotencyKeys['cmd-key']).toBeUndefined();
    expect(state.counters.calls.SendCommand).toBe(1);
    // the record itself is the world's current DNS, not history: it stays
    expect(sim.dnsRecord('Z1', 'app.example.com')).toBe('10.0.0.4');
  });

  it('upgrades a state saved before retention existed and drops its old terminated instances', async () => {
    const { sim, clock, launched } = await runDrills(1);
    const old = sim.snapshot() as Partial<SimState> & SimState;
    for (const inst of Object.values(old.instances)) delete inst.terminatedAt;
    delete (old as Partial<SimState>).retired;
    const restored = SimCloud.restore(old, {
      world: generateWorld({ instances: INSTANCES }),
      clock,
      random: new SeededRandom(1),
    });
    await restored.describe([], TARGET);
    clock.advance(DEFAULT_RETENTION.terminatedVisibleMs);
    const described = await restored.describe(launched[0]!, TARGET);
    expect(described.every((i) => i.state === 'terminated')).toBe(true);
    expect(restored.snapshot().instances[launched[0]![0]!]).toBeUndefined();
    expect(restored.snapshot().retired[launched[0]![0]!]).toBeDefined();
  });
});
