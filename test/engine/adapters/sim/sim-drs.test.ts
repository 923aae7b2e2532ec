import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FakeClock, SeededRandom } from '../../../../engine/adapters/memory/clock.js';
import { DEFAULT_PIT_POLICY, loadSimDrsSeed } from '../../../../engine/adapters/sim/drs/seed.js';
import { pointsInTime } from '../../../../engine/adapters/sim/drs/snapshots.js';
import { SimCloud } from '../../../../engine/adapters/sim/sim-cloud.js';
import { DRS_INSTALLER_DOCUMENT, DRS_TAGS } from '../../../../engine/cloud/replication.js';
import { shopWorld, WORLD_FILE } from './fixtures.js';

const API1 = 'i-0c33api00000006';
const TARGET = 'us-west-2';
const HOUR = 3_600_000;
const DRILL = { runId: 'run-1', mode: 'drill' as const };

function makeDrsSim() {
  const clock = new FakeClock();
  const sim = new SimCloud({
    world: shopWorld(),
    clock,
    random: new SeededRandom(7),
    drs: loadSimDrsSeed(readFileSync(WORLD_FILE, 'utf8')),
  });
  return { sim, clock, drs: sim.replication };
}

async function serverOf(drs: SimCloud['replication'], instanceId = API1) {
  const servers = await drs.sourceServers(TARGET);
  const server = servers.find((s) => s.sourceInstanceId === instanceId);
  if (!server) throw new Error(`no source server for ${instanceId}`);
  return server;
}

async function settle(clock: FakeClock, sim: SimCloud, ms: number) {
  clock.advance(ms);
  await sim.inspect();
}

describe('the sim’s point-in-time snapshots', () => {
  it('follow DRS retention: every 10 minutes for an hour, hourly for a day, daily for a week', () => {
    const now = 30 * 86_400_000;
    const points = pointsInTime('s-0123456789', now - 10 * 86_400_000, now, now, DEFAULT_PIT_POLICY);
    const ages = points.map((p) => now - p.takenAt);
    expect(ages.filter((a) => a <= HOUR)).toHaveLength(7);
    expect(ages.filter((a) => a > HOUR && a <= 24 * HOUR)).toHaveLength(23);
    expect(ages.filter((a) => a > 24 * HOUR)).toHaveLength(6);
    expect(Math.max(...ages)).toBeLessThanOrEqual(7 * 86_400_000);
    expect(points.map((p) => p.takenAt)).toEqual([...points.map((p) => p.takenAt)].sort((a, b) => b - a));
  });

  it('stop at the stall: a stalled server’s lag grows and its newest snapshot stays behind', async () => {
    const clock = new FakeClock();
    const seed = loadSimDrsSeed(
      `drs:\n  sourceServers:\n    - { instance: ${API1}, region: ${TARGET}, state: STALLED, lag: 30m }\n`,
    );
    const sim = new SimCloud({ world: shopWorld(), clock, random: new SeededRandom(7), drs: seed });
    const server = await serverOf(sim.replication);
    expect(server.replicationState).toBe('STALLED');
    expect(server.lagMs).toBe(30 * 60_000);
    expect(clock.now() - (server.lastSnapshotAt ?? 0)).toBeGreaterThanOrEqual(30 * 60_000);
    clock.advance(HOUR);
    expect((await serverOf(sim.replication)).lagMs).toBe(90 * 60_000);
  });
});

describe('the sim’s DRS recovery', () => {
  it('refuses a non-drill StartRecovery in a drill', async () => {
    const { drs } = makeDrsSim();
    const server = await serverOf(drs);
    await expect(
      drs.startRecovery({
        region: TARGET,
        sourceServers: [{ sourceServerId: server.sourceServerId }],
        isDrill: false,
        tags: DRILL,
        idempotencyKey: 'run-1:launch:1:0',
        guard: DRILL,
      }),
    ).rejects.toMatchObject({ code: 'DRILL_SAFETY' });
    expect((await drs.inspect()).jobs).toEqual({});
  });

  it('refuses a drill whose launch settings pin a production private IP', async () => {
    const { drs } = makeDrsSim();
    const server = await serverOf(drs);
    await drs.applyLaunchSettings({
      sourceServerId: server.sourceServerId,
      region: TARGET,
      instanceType: 't3.medium',
      subnetId: 'subnet-0w2a0001',
      privateIp: '10.1.1.41',
      tags: {},
    });
    await expect(
      drs.startRecovery({
        region: TARGET,
        sourceServers: [{ sourceServerId: server.sourceServerId }],
        isDrill: true,
        tags: DRILL,
        idempotencyKey: 'k',
        guard: DRILL,
      }),
    ).rejects.toMatchObject({ code: 'DRILL_SAFETY' });
  });

  it('converts, launches tagged recovery instances and logs the job, found again by its key', async () => {
    const { sim, clock, drs } = makeDrsSim();
    const server = await serverOf(drs);
    const request = {
      region: TARGET,
      sourceServers: [{ sourceServerId: server.sourceServerId }],
      isDrill: true,
      tags: { ...DRILL, expiresAt: Date.UTC(2026, 0, 5) },
      idempotencyKey: 'run-1:launch:1:0',
      guard: DRILL,
    };
    const job = await drs.startRecovery(request);
    expect(job.status).toBe('PENDING');
    expect((await drs.startRecovery(request)).jobId).toBe(job.jobId);
    expect(sim.counters.calls.StartRecovery).toBe(1);
    await settle(clock, sim, 5 * 60_000);
    const done = await drs.describeJob(job.jobId, TARGET);
    expect(done.status).toBe('COMPLETED');
    const riId = done.servers[0]?.recoveryInstanceId;
    const [ri] = await drs.recoveryInstances(TARGET, [riId!]);
    expect(ri).toMatchObject({ isDrill: true, tags: { [DRS_TAGS.runId]: 'run-1' } });
    const instance = (await sim.inspect()).instances.find((i) => i.id === ri!.ec2InstanceId);
    expect(instance).toMatchObject({
      state: 'running',
      tags: { 'drbot:run-id': 'run-1', 'drbot:launch-type': 'TEST' },
    });
    expect(instance?.tags['drbot:expires']).toBe('2026-01-05T00:00:00.000Z');
    const events = (await drs.jobLog(job.jobId, TARGET)).map((e) => e.event);
    expect(events).toEqual(
      expect.arrayContaining(['JOB_START', 'CONVERSION_END', 'LAUNCH_START', 'JOB_END']),
    );
  });

  it('terminates only the recovery instances a drill launched', async () => {
    const { sim, clock, drs } = makeDrsSim();
    const server = await serverOf(drs);
    const other = { runId: 'run-other', mode: 'drill' as const };
    const job = await drs.startRecovery({
      region: TARGET,
      sourceServers: [{ sourceServerId: server.sourceServerId }],
      isDrill: true,
      tags: other,
      idempotencyKey: 'other:1',
      guard: other,
    });
    await settle(clock, sim, 5 * 60_000);
    const riId = (await drs.describeJob(job.jobId, TARGET)).servers[0]!.recoveryInstanceId!;
    await expect(drs.terminateRecoveryInstances([riId], TARGET, DRILL)).rejects.toMatchObject({
      code: 'DRILL_SAFETY',
    });
    await drs.terminateRecoveryInstances([riId], TARGET, other);
    expect(await drs.recoveryInstances(TARGET, [riId])).toEqual([]);
  });

  it('never reverses replication in a drill, and reverses a real recovery instance back to the origin', async () => {
    const { sim, clock, drs } = makeDrsSim();
    const server = await serverOf(drs);
    const failover = { runId: 'run-fo', mode: 'failover' as const };
    const job = await drs.startRecovery({
      region: TARGET,
      sourceServers: [{ sourceServerId: server.sourceServerId }],
      isDrill: false,
      tags: failover,
      idempotencyKey: 'fo:1',
      guard: failover,
    });
    await settle(clock, sim, 5 * 60_000);
    const riId = (await drs.describeJob(job.jobId, TARGET)).servers[0]!.recoveryInstanceId!;
    await expect(drs.reverseReplication(riId, TARGET, DRILL)).rejects.toMatchObject({ code: 'DRILL_SAFETY' });
    const reversed = await drs.reverseReplication(riId, TARGET, failover);
    expect(await drs.reverseReplication(riId, TARGET, failover)).toBe(reversed);
    await settle(clock, sim, 10 * 60_000);
    const back = (await drs.sourceServers('us-east-1')).find((s) => s.sourceServerId === reversed);
    expect(back).toMatchObject({
      replicationState: 'CONTINUOUS',
      sourceRegion: TARGET,
      reversedFromRecoveryInstanceId: riId,
    });
  });

  it('registers a source server in initial sync when the installer runs, then reaches continuous replication', async () => {
    const { sim, clock, drs } = makeDrsSim();
    const web = 'i-0a11web00000001';
    await sim.runCommand([web], 'us-east-1', DRS_INSTALLER_DOCUMENT, { Region: [TARGET] }, 'install:1');
    await settle(clock, sim, 30_000);
    const syncing = await serverOf(drs, web);
    expect(syncing.replicationState).toBe('INITIAL_SYNC');
    expect(syncing.initialSyncPercent).toBeGreaterThanOrEqual(0);
    expect(await drs.recoverySnapshots(syncing.sourceServerId, TARGET)).toEqual([]);
    await settle(clock, sim, 10 * 60_000);
    expect((await serverOf(drs, web)).replicationState).toBe('CONTINUOUS');
  });
});
