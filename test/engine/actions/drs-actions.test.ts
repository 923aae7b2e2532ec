import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createCloudActions } from '../../../engine/actions/registry.js';
import { FakeClock, SeededRandom } from '../../../engine/adapters/memory/clock.js';
import { loadSimDrsSeed } from '../../../engine/adapters/sim/drs/seed.js';
import { SimCloud } from '../../../engine/adapters/sim/sim-cloud.js';
import { DRS_TAGS, type ReplicationPort } from '../../../engine/cloud/replication.js';
import type { Runbook } from '../../../engine/runbook/types.js';
import { makeRunbook } from '../../helpers/runbook.js';
import { shopWorld, WORLD_FILE } from '../adapters/sim/fixtures.js';
import { runAction } from './fixtures.js';

const base = makeRunbook({
  steps: [],
  defaults: { instanceType: 't3.large', drillTtl: '4h' },
  objectives: { rto: '15m', rpo: '1m' },
});
const WARM: Runbook = {
  ...base,
  spec: { ...base.spec, protect: { method: 'drs', tags: { 'dr-tier': 'warm' } } },
};
const TARGET = 'us-west-2';

function setup(seedText = readFileSync(WORLD_FILE, 'utf8')) {
  const clock = new FakeClock();
  const sim = new SimCloud({
    world: shopWorld(),
    clock,
    random: new SeededRandom(7),
    drs: loadSimDrsSeed(seedText),
  });
  const actions = createCloudActions({ cloud: sim, replication: sim.replication, pollIntervalMs: 5_000 });
  return { clock, sim, actions, drs: sim.replication };
}

const stalledSeed = `drs:
  sourceServers:
    - { instance: i-0c33api00000006, region: us-west-2, state: CONTINUOUS, lag: 4s }
    - { instance: i-0c33api00000007, region: us-west-2, state: STALLED, lag: 20m }
`;

describe('drs.readiness', () => {
  it('passes when every source server replicates continuously within the RPO', async () => {
    const { clock, actions } = setup();
    const { result } = await runAction(actions['drs.readiness']!, clock, {}, { runbook: WARM });
    expect(result.outputs?.ready).toBe(true);
    expect(Object.keys(result.outputs?.servers as object)).toHaveLength(2);
  });

  it('blocks a failover with the exact state and the remedy of a stalled server', async () => {
    const { clock, actions } = setup(stalledSeed);
    const run = runAction(actions['drs.readiness']!, clock, {}, { runbook: WARM, mode: 'failover' });
    await expect(run).rejects.toMatchObject({ code: 'DRS_NOT_READY' });
    await expect(run).rejects.toThrow(
      /i-0c33api00000007\) is STALLED: not in continuous replication; replication is stalled.*TCP 1500/,
    );
  });

  it('lets a failover started with force=true proceed, saying so in the thread', async () => {
    const { clock, actions } = setup(stalledSeed);
    const { result, notes } = await runAction(
      actions['drs.readiness']!,
      clock,
      {},
      {
        runbook: WARM,
        mode: 'failover',
        params: { force: 'true' },
      },
    );
    expect(result.outputs).toMatchObject({ ready: false, forced: true });
    expect(notes.join('\n')).toMatch(/Proceeding with force.*STALLED/);
  });

  it('ignores force in a drill', async () => {
    const { clock, actions } = setup(stalledSeed);
    await expect(
      runAction(actions['drs.readiness']!, clock, {}, { runbook: WARM, params: { force: 'true' } }),
    ).rejects.toMatchObject({ code: 'DRS_NOT_READY' });
  });
});

describe('recovery.latestPoint with method: drs', () => {
  it('reads the newest point-in-time snapshot of each source server and claims its age as the RPO', async () => {
    const { clock, actions, drs } = setup();
    const { result } = await runAction(
      actions['recovery.latestPoint']!,
      clock,
      { maxAge: '1h' },
      { runbook: WARM },
    );
    const points = result.outputs?.points as Record<string, string>;
    const servers = await drs.sourceServers(TARGET);
    for (const s of servers) {
      expect(points[s.sourceServerId]).toBe(
        (await drs.recoverySnapshots(s.sourceServerId, TARGET))[0]?.snapshotId,
      );
    }
    expect(result.measures?.rpoClaimedMs).toBe(result.outputs?.ageMs);
    expect(result.measures?.rpoClaimedMs).toBeLessThanOrEqual(10 * 60_000);
  });
});

describe('drs.launchSettings', () => {
  it('never gives drill settings a private IP, and refuses CUTOVER settings in a drill', async () => {
    const { clock, actions } = setup();
    const { result } = await runAction(
      actions['drs.launchSettings']!,
      clock,
      { launchType: 'TEST' },
      { runbook: WARM },
    );
    for (const s of Object.values(result.outputs?.settings as Record<string, { privateIp?: string }>))
      expect(s.privateIp).toBeUndefined();
    await expect(
      runAction(actions['drs.launchSettings']!, clock, { launchType: 'CUTOVER' }, { runbook: WARM }),
    ).rejects.toMatchObject({ code: 'DRILL_SAFETY' });
  });
});

describe('drs.launch and drs.terminateRecoveryInstances', () => {
  it('launches isDrill copies tagged with the run and TTL, and the cleanup terminates only those', async () => {
    const { clock, sim, actions, drs } = setup();
    const { result, notes } = await runAction(
      actions['drs.launch']!,
      clock,
      { launchType: 'TEST' },
      { runbook: WARM },
    );
    const ids = result.outputs?.recoveryInstanceIds as string[];
    expect(ids).toHaveLength(2);
    expect(result.measures?.rpoClaimedMs).toBe(6_000);
    expect(notes.join('\n')).toMatch(/Started 1 DRS drill job/);
    const recovered = await drs.recoveryInstances(TARGET, ids);
    expect(
      recovered.every((r) => r.isDrill && r.tags[DRS_TAGS.runId] === 'run-1' && r.tags[DRS_TAGS.expires]),
    ).toBe(true);
    // another drill's copy survives this drill's cleanup
    await runAction(actions['drs.launch']!, clock, { launchType: 'TEST' }, { runbook: WARM, runId: 'run-2' });
    const cleaned = await runAction(
      actions['drs.terminateRecoveryInstances']!,
      clock,
      { runOwned: true },
      { runbook: WARM },
    );
    expect((cleaned.result.outputs!.recoveryInstanceIds as string[]).sort()).toEqual([...ids].sort());
    const left = await drs.recoveryInstances(TARGET);
    expect(left.map((r) => r.tags[DRS_TAGS.runId])).toEqual(['run-2', 'run-2']);
    expect(sim.counters.calls.StartRecovery).toBe(2);
  });

  it('refuses a CUTOVER launch in a drill before calling DRS', async () => {
    const { clock, sim, actions } = setup();
    await expect(
      runAction(actions['drs.launch']!, clock, { launchType: 'CUTOVER' }, { runbook: WARM }),
    ).rejects.toMatchObject({ code: 'DRILL_SAFETY' });
    expect(sim.counters.calls.StartRecovery ?? 0).toBe(0);
  });

  it('launches from the chosen point-in-time snapshots and claims their age', async () => {
    const { clock, actions, drs } = setup();
    clock.advance(7 * 60_000);
    const gate = await runAction(actions['recovery.latestPoint']!, clock, {}, { runbook: WARM });
    const from = gate.result.outputs?.points as Record<string, string>;
    const { result } = await runAction(
      actions['drs.launch']!,
      clock,
      { launchType: 'TEST', from },
      { runbook: WARM },
    );
    const recovered = await drs.recoveryInstances(TARGET, result.outputs?.recoveryInstanceIds as string[]);
    expect(recovered.map((r) => r.pointInTime?.snapshotId).sort()).toEqual(Object.values(from).sort());
    expect(result.measures?.rpoClaimedMs).toBe(gate.result.measures?.rpoClaimedMs);
  });
});

describe('drs.installAgent', () => {
  it('installs through SSM and reports the initial sync progress until continuous replication', async () => {
    const { clock, actions } = setup('drs: {}\n');
    const { result, notes } = await runAction(
      actions['drs.installAgent']!,
      clock,
      {},
      { runbook: WARM, mode: 'failover' },
    );
    expect(result.outputs?.sourceServerIds).toHaveLength(2);
    expect(notes.some((n) => /initial sync INITIAL_SYNC \d+%/.test(n))).toBe(true);
    expect(notes.filter((n) => n.endsWith('in continuous replication'))).toHaveLength(2);
  });
});

describe('drs.reverseReplication', () => {
  it('reverses the failover’s recovery instances (never in a drill) and waits for continuous replication back', async () => {
    const { clock, actions, drs } = setup();
    const launched = await runAction(
      actions['drs.launch']!,
      clock,
      { launchType: 'CUTOVER' },
      { runbook: WARM, mode: 'failover' },
    );
    // a drill never reverses replication: the adapter refuses it even though the action was called
    await expect(
      runAction(actions['drs.reverseReplication']!, clock, {}, { runbook: WARM }),
    ).rejects.toMatchObject({
      code: 'DRILL_SAFETY',
    });
    const { result } = await runAction(
      actions['drs.reverseReplication']!,
      clock,
      {},
      { runbook: WARM, mode: 'failback' },
    );
    const reversed = result.outputs?.reversedSourceServerIds as string[];
    expect(reversed).toHaveLength(2);
    const back = (await drs.sourceServers('us-east-1')).filter((s) => reversed.includes(s.sourceServerId));
    expect(back.map((s) => s.reversedFromRecoveryInstanceId).sort()).toEqual(
      [...(launched.result.outputs!.recoveryInstanceIds as string[])].sort(),
    );
    expect(back.every((s) => s.replicationState === 'CONTINUOUS')).toBe(true);
  });

  it('is a no-op for instances reprotect already reversed: no second ReverseReplication, the same servers', async () => {
    const { clock, sim, actions } = setup();
    await runAction(
      actions['drs.launch']!,
      clock,
      { launchType: 'CUTOVER' },
      { runbook: WARM, mode: 'failover' },
    );
    const first = await runAction(
      actions['drs.reverseReplication']!,
      clock,
      {},
      { runbook: WARM, mode: 'failback' },
    );
    expect(sim.counters.calls.ReverseReplication).toBe(2);
    const again = await runAction(
      actions['drs.reverseReplication']!,
      clock,
      {},
      { runbook: WARM, mode: 'failback' },
    );
    expect(sim.counters.calls.ReverseReplication).toBe(2);
    expect(again.result.outputs?.reversedSourceServerIds).toEqual(
      first.result.outputs?.reversedSourceServerIds,
    );
    expect(again.notes.some((n) => /already reversed/.test(n))).toBe(true);
  });
});

describe('drs.launch batching', () => {
  it('starts at most 200 source servers per StartRecovery, one idempotency key per batch', async () => {
    const { clock, sim } = setup();
    const servers = Array.from({ length: 450 }, (_, i) => ({
      sourceServerId: `s-${String(i).padStart(4, '0')}`,
      region: TARGET,
      sourceRegion: 'us-east-1',
      replicationState: 'CONTINUOUS' as const,
      lagMs: 1_000,
      backlogBytes: 0,
      tags: { 'dr-tier': 'warm' },
    }));
    const calls: { size: number; key: string; isDrill: boolean }[] = [];
    const replication: ReplicationPort = {
      recoverySnapshots: (id, region) => sim.replication.recoverySnapshots(id, region),
      applyLaunchSettings: (settings) => sim.replication.applyLaunchSettings(settings),
      terminateRecoveryInstances: (ids, region, guard) =>
        sim.replication.terminateRecoveryInstances(ids, region, guard),
      reverseReplication: (id, region, guard) => sim.replication.reverseReplication(id, region, guard),
      sourceServers: async () => servers,
      startRecovery: async (request) => {
        calls.push({
          size: request.sourceServers.length,
          key: request.idempotencyKey,
          isDrill: request.isDrill,
        });
        return {
          jobId: `job-${calls.length}`,
          region: TARGET,
          status: 'COMPLETED' as const,
          isDrill: true,
          servers: [],
          tags: {},
        };
      },
      describeJob: async (jobId: string) => ({
        jobId,
        region: TARGET,
        status: 'COMPLETED' as const,
        isDrill: true,
        servers: [],
        tags: {},
      }),
      jobLog: async () => [],
      recoveryInstances: async () => [],
    };
    const actions = createCloudActions({ cloud: sim, replication, pollIntervalMs: 5_000 });
    await runAction(actions['drs.launch']!, clock, { launchType: 'TEST' }, { runbook: WARM });
    expect(calls).toEqual([
      { size: 200, key: 'run-1:step:1:0', isDrill: true },
      { size: 200, key: 'run-1:step:1:1', isDrill: true },
      { size: 50, key: 'run-1:step:1:2', isDrill: true },
    ]);
  });
});
