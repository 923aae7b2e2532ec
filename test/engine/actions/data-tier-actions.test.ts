/**
 * The data-tier action handlers against the simulated data tier (its own small seed, a FakeClock):
 * restores, their idempotency and refusals, the RPO gate, protection of databases, promotion and
 * global failover, the S3 replication check and the endpoint hand-off.
 */
import { describe, expect, it } from 'vitest';
import { createCloudActions } from '../../../engine/actions/registry.js';
import type { FakeClock } from '../../../engine/adapters/memory/clock.js';
import { loadSimDataSeed, SimDatabase } from '../../../engine/adapters/sim/database/index.js';
import { SimObjectStorage } from '../../../engine/adapters/sim/object-storage/index.js';
import { makeRunbook } from '../../helpers/runbook.js';
import { runAction, setup } from './fixtures.js';

const SEED = `
data:
  latencies: { dbSnapshot: 1m, dbCopyPerGiB: 1s, dbRestore: 5m, dbDelete: 2m, dbPromote: 3m, globalSwitch: 1m }
  unofferedClasses: { us-west-2: [db.r5.2xlarge] }
  databases:
    - { id: main, region: us-east-1, engine: postgres, instanceClass: db.r5.2xlarge, storageGiB: 60, tags: { dr-tier: db } }
    - { id: main-replica, region: us-west-2, engine: postgres, instanceClass: db.r6g.large, replicaOf: main, lag: 12s }
    - { id: east, kind: cluster, region: us-east-1, engine: aurora-postgresql, instanceClass: db.r6g.large }
    - { id: west, kind: cluster, region: us-west-2, engine: aurora-postgresql, instanceClass: db.r6g.large }
  globalClusters: [{ id: global, members: [east, west], lag: 2s }]
  snapshots: [{ db: main, region: us-west-2, ages: [10m, 2h] }]
  buckets:
    - { name: src, region: us-east-1, versioning: true, replication: [{ id: r1, destination: dst, lag: 30s }] }
    - { name: dst, region: us-west-2, versioning: true }
    - { name: slow, region: us-east-1, versioning: true, replication: [{ id: r2, destination: dst, lag: 2h }] }
    - { name: unversioned, region: us-east-1, versioning: false, replication: [{ destination: dst }] }
    - { name: nowhere, region: us-east-1, versioning: true }
`;

const runbook = {
  ...makeRunbook({ steps: [], objectives: { rto: '30m', rpo: '1h' } }),
};
runbook.spec.protect = { tags: { 'dr-tier': 'app' }, databases: { tags: { 'dr-tier': 'db' } } };

function data() {
  const { clock, sim } = setup();
  const seed = loadSimDataSeed(SEED);
  const database = new SimDatabase({ seed, clock });
  const objectStorage = new SimObjectStorage({ buckets: seed.buckets, clock });
  const actions = createCloudActions({ cloud: sim, pollIntervalMs: 10_000, database, objectStorage });
  const act = (name: string) => {
    const handler = actions[name];
    if (!handler) throw new Error(`no handler ${name}`);
    return handler;
  };
  return { clock, database, objectStorage, act };
}

const run = (
  act: ReturnType<typeof data>['act'],
  clock: FakeClock,
  name: string,
  inputs: Record<string, unknown>,
  options: Parameters<typeof runAction>[3] = {},
) => runAction(act(name), clock, inputs, { runbook, ...options });

describe('rds.latestPoint', () => {
  it('picks the newest copy and claims its age as the RPO', async () => {
    const { clock, act } = data();
    const { result } = await run(act, clock, 'rds.latestPoint', { maxAge: '1h' });
    expect(result.outputs?.snapshotId).toMatch(/^rds:main-seed-/);
    expect(result.measures?.rpoClaimedMs).toBe(10 * 60_000);
  });

  it('fails the gate with the remedy when the newest copy is older than maxAge', async () => {
    const { clock, act } = data();
    await expect(run(act, clock, 'rds.latestPoint', { maxAge: '5m' })).rejects.toMatchObject({
      code: 'RPO_EXCEEDED',
      action: expect.stringContaining('drbot protect'),
    });
  });
});

describe('rds.restore and rds.delete', () => {
  it('restores with a class fallback, waits until available, outputs the endpoint; a second start finds the same database', async () => {
    const { clock, act, database } = data();
    const snapshot = (await database.latestDbSnapshot('main', 'us-west-2'))!.id;
    const { result, notes } = await run(
      act,
      clock,
      'rds.restore',
      { snapshot, fallbackClasses: ['db.r6g.large'] },
      { runId: 'r-1', stepId: 'restore' },
    );
    expect(result.outputs).toMatchObject({
      identifier: 'drbot-r-1-restore',
      port: 5432,
      instanceClass: 'db.r6g.large',
    });
    expect(notes.some((n) => n.includes('db.r5.2xlarge is not offered'))).toBe(true);
    await run(act, clock, 'rds.restore', { snapshot }, { runId: 'r-1', stepId: 'restore' });
    expect(database.snapshot().counters).toMatchObject({ restores: 1, restoreCalls: 2 });
    const restored = await database.describeDatabase('drbot-r-1-restore', 'instance', 'us-west-2');
    expect(restored?.tags).toMatchObject({ 'drbot:run-id': 'r-1', 'drbot:mode': 'drill', 'dr-tier': 'db' });
    expect(restored?.tags['drbot:expires']).toBeTruthy();
  });

  it('refuses a restore when neither the class nor a fallback is offered', async () => {
    const { clock, act, database } = data();
    const snapshot = (await database.latestDbSnapshot('main', 'us-west-2'))!.id;
    await expect(run(act, clock, 'rds.restore', { snapshot })).rejects.toMatchObject({
      code: 'DB_CLASS_UNAVAILABLE',
    });
  });

  it('refuses a restore whose identifier collides with a database another run created', async () => {
    const { clock, act, database } = data();
    const snapshot = (await database.latestDbSnapshot('main', 'us-west-2'))!.id;
    await run(
      act,
      clock,
      'rds.restore',
      { snapshot, identifier: 'taken', instanceClass: 'db.r6g.large' },
      { runId: 'r-1' },
    );
    await expect(
      run(
        act,
        clock,
        'rds.restore',
        { snapshot, identifier: 'taken', instanceClass: 'db.r6g.large' },
        { runId: 'r-2' },
      ),
    ).rejects.toMatchObject({
      code: 'DB_IDENTIFIER_TAKEN',
    });
    expect(database.snapshot().counters.restores).toBe(1);
  });

  it('deletes the run-owned restore and nothing else; refuses a named database of production', async () => {
    const { clock, act, database } = data();
    const snapshot = (await database.latestDbSnapshot('main', 'us-west-2'))!.id;
    await run(
      act,
      clock,
      'rds.restore',
      { snapshot, instanceClass: 'db.r6g.large' },
      { runId: 'r-1', stepId: 'restore' },
    );
    const { result } = await run(act, clock, 'rds.delete', { runOwned: true }, { runId: 'r-1' });
    expect(result.outputs?.deleted).toEqual(['drbot-r-1-restore']);
    await expect(
      run(
        act,
        clock,
        'rds.delete',
        { databases: ['main'], side: 'protected' },
        { runId: 'r-1', mode: 'failover' },
      ),
    ).rejects.toMatchObject({ code: 'DRILL_SAFETY' });
    expect(await database.describeDatabase('main', 'instance', 'us-east-1')).toBeDefined();
  });
});

describe('recovery.protect with spec.protect.databases', () => {
  it('snapshots each protected database, copies it to the recovery region and keeps the newest N', async () => {
    const { clock, act, database } = data();
    const { result } = await run(
      act,
      clock,
      'recovery.protect',
      { retention: 2 },
      { runId: 'p-1', stepId: 'protect' },
    );
    const copy = ((result.outputs?.snapshots ?? {}) as Record<string, string>).main;
    expect(copy).toBeTruthy();
    const latest = await database.latestDbSnapshot('main', 'us-west-2');
    expect(latest?.id).toBe(copy);
    // 2 seeded copies + the new one, retention 2: the oldest is pruned
    const pruned = ((result.outputs?.pruned ?? []) as string[]).filter((id) => id.startsWith('rds:'));
    expect(pruned).toHaveLength(1);
  });
});

describe('warm standby: rds.promoteReplica, aurora.switchover, aurora.failover', () => {
  it('promotes the replica in a failover and claims its lag at promotion as the RPO', async () => {
    const { clock, act } = data();
    const { result } = await run(
      act,
      clock,
      'rds.promoteReplica',
      { replica: 'main-replica' },
      { mode: 'failover' },
    );
    expect(result.outputs).toMatchObject({ identifier: 'main-replica', lagMs: 12_000 });
    expect(result.measures?.rpoClaimedMs).toBe(12_000);
  });

  it('refuses at run time to promote a replica in a drill', async () => {
    const { clock, act, database } = data();
    await expect(run(act, clock, 'rds.promoteReplica', { replica: 'main-replica' })).rejects.toMatchObject({
      code: 'DRILL_SAFETY',
    });
    expect(
      (await database.describeDatabase('main-replica', 'instance', 'us-west-2'))?.replicaSourceId,
    ).toBeTruthy();
  });

  it('switches the global writer over and waits until the target writes', async () => {
    const { clock, act, database } = data();
    const { result } = await run(
      act,
      clock,
      'aurora.switchover',
      { globalCluster: 'global', targetCluster: 'west' },
      { mode: 'failover' },
    );
    expect(result.outputs).toMatchObject({ writer: 'west', lagMs: 2_000 });
    expect((await database.describeGlobalCluster('global'))?.members.find((m) => m.writer)?.clusterId).toBe(
      'west',
    );
  });

  it('refuses an unplanned failover without allowDataLoss: true', async () => {
    const { clock, act } = data();
    await expect(
      run(
        act,
        clock,
        'aurora.failover',
        { globalCluster: 'global', targetCluster: 'west', allowDataLoss: false },
        { mode: 'failover' },
      ),
    ).rejects.toMatchObject({ code: 'DATA_LOSS_NOT_ALLOWED' });
  });
});

describe('s3.replicationCheck', () => {
  it('measures the lag with a marker and deletes the drill markers on both sides', async () => {
    const { clock, act, objectStorage } = data();
    const { result } = await run(act, clock, 's3.replicationCheck', { bucket: 'src' });
    expect(result.outputs).toMatchObject({ destinationBucket: 'dst', ruleId: 'r1' });
    expect(result.outputs?.lagMs).toBeGreaterThanOrEqual(30_000);
    expect(objectStorage.objectKeys()).toEqual([]);
  });

  it('fails with the remedy when the lag exceeds the RPO, and still deletes the drill marker', async () => {
    const { clock, act, objectStorage } = data();
    await expect(
      run(act, clock, 's3.replicationCheck', { bucket: 'slow', maxLag: '5m' }),
    ).rejects.toMatchObject({
      code: 'REPLICATION_LAG_EXCEEDED',
      action: expect.stringContaining('Replication Time Control'),
    });
    expect(objectStorage.objectKeys().filter((k) => k.startsWith('slow/'))).toEqual([]);
  });

  it('refuses a bucket without versioning or without a rule to the recovery region', async () => {
    const { clock, act } = data();
    await expect(run(act, clock, 's3.replicationCheck', { bucket: 'unversioned' })).rejects.toMatchObject({
      code: 'BUCKET_VERSIONING_OFF',
    });
    await expect(run(act, clock, 's3.replicationCheck', { bucket: 'nowhere' })).rejects.toMatchObject({
      code: 'BUCKET_NOT_REPLICATED',
    });
    await expect(run(act, clock, 's3.replicationCheck', { bucket: 'missing' })).rejects.toMatchObject({
      code: 'BUCKET_NOT_FOUND',
    });
  });
});

describe('ssm.putParameter and ssm.deleteParameters', () => {
  it('puts drill values under the run path, which cleanup deletes; a failover writes the real name', async () => {
    const { clock, act, database } = data();
    const { result } = await run(
      act,
      clock,
      'ssm.putParameter',
      { name: '/app/db', value: 'x:5432' },
      { runId: 'r-9' },
    );
    expect(result.outputs?.name).toBe('/drbot/runs/r-9/app/db');
    expect(database.parameter('/app/db', 'us-west-2')).toBeUndefined();
    const cleaned = await run(act, clock, 'ssm.deleteParameters', { runOwned: true }, { runId: 'r-9' });
    expect(cleaned.result.outputs?.deleted).toEqual(['/drbot/runs/r-9/app/db']);
    await run(act, clock, 'ssm.putParameter', { name: '/app/db', value: 'y:5432' }, { mode: 'failover' });
    expect(database.parameter('/app/db', 'us-west-2')).toBe('y:5432');
  });

  it('fails clearly when the database capability is not wired', async () => {
    const { clock, sim } = setup();
    const bare = createCloudActions({ cloud: sim });
    await expect(runAction(bare['rds.latestPoint']!, clock, {}, { runbook })).rejects.toMatchObject({
      code: 'CAPABILITY_NOT_WIRED',
    });
  });
});
