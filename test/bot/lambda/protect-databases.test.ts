/**
 * The hourly protect function also snapshots the tier's databases (spec.protect.databases), copies
 * the snapshots to the target region and prunes them, through the AWS data-tier adapter whose
 * RDS clients are aws-sdk-client-mock'ed per region. Test names cite the API operations.
 */
import {
  CopyDBSnapshotCommand,
  CreateDBSnapshotCommand,
  DeleteDBSnapshotCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  RDSClient,
  RDSServiceException,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { protectAll } from '../../../bot/lambda/protect.js';
import { snapshotIdentifier } from '../../../engine/actions/support/identifiers.js';
import { createAwsDatabase } from '../../../engine/adapters/aws/rds/aws-database.js';
import { FakeClock } from '../../../engine/adapters/memory/clock.js';
import type { CloudProvider } from '../../../engine/cloud/provider.js';
import type { Runbook } from '../../../engine/runbook/types.js';
import { makeRunbook } from '../../helpers/runbook.js';

const KEY = 'drbot-hourly:shop-data:2026-01-05T09';
const SNAP = snapshotIdentifier('shop-db', KEY);
const notFound = () =>
  new RDSServiceException({
    name: 'DBSnapshotNotFoundFault',
    message: 'not found',
    $fault: 'client',
    $metadata: { httpStatusCode: 404 },
  });
const managedTags = [
  { Key: 'drbot:source-db', Value: 'shop-db' },
  { Key: 'drbot:managed', Value: 'true' },
];

/** A database-only runbook: no instance selector, so the EC2 side must not be asked. */
function dataRunbook(): Runbook {
  const base = makeRunbook({
    name: 'shop-data',
    steps: [{ id: 'x', action: 'wait', with: { duration: '1s' } }],
  });
  return {
    ...base,
    spec: {
      ...base.spec,
      defaults: { retention: 1 },
      protect: { databases: { tags: { 'dr-tier': 'db' }, kmsKeyId: 'arn:aws:kms:us-west-2:1:key/dr' } },
    },
  };
}

/** RDS in two regions: the snapshot is available at once, the copy on the pass after CopyDBSnapshot. */
function rdsWorld() {
  const east = new RDSClient({ region: 'us-east-1' });
  const west = new RDSClient({ region: 'us-west-2' });
  const eastMock = mockClient(east);
  const westMock = mockClient(west);
  let created = false;
  let copied = false;
  eastMock.on(DescribeDBInstancesCommand).resolves({
    DBInstances: [
      {
        DBInstanceIdentifier: 'shop-db',
        Engine: 'postgres',
        DBInstanceStatus: 'available',
        StorageEncrypted: true,
        TagList: [{ Key: 'dr-tier', Value: 'db' }],
      },
    ],
  });
  eastMock.on(DescribeDBClustersCommand).resolves({ DBClusters: [] });
  eastMock.on(DescribeDBSnapshotsCommand).callsFake(() => {
    if (!created) throw notFound();
    return {
      DBSnapshots: [
        {
          DBSnapshotIdentifier: SNAP,
          Status: 'available',
          DBSnapshotArn: `arn:aws:rds:us-east-1:1:snapshot:${SNAP}`,
        },
      ],
    };
  });
  eastMock.on(CreateDBSnapshotCommand).callsFake(() => {
    created = true;
    return { DBSnapshot: { DBSnapshotIdentifier: SNAP, Status: 'creating' } };
  });
  eastMock.on(DeleteDBSnapshotCommand).resolves({});
  westMock.on(DescribeDBSnapshotsCommand).callsFake((input: { DBSnapshotIdentifier?: string }) => {
    const copy = {
      DBSnapshotIdentifier: SNAP,
      Status: 'available',
      SnapshotCreateTime: new Date(Date.UTC(2026, 0, 5, 9)),
      TagList: managedTags,
    };
    if (input.DBSnapshotIdentifier) {
      if (!copied) throw notFound();
      return { DBSnapshots: [copy] };
    }
    // the listing of shop-db's manual snapshots: the new copy and yesterday's, both drbot's
    const old = {
      ...copy,
      DBSnapshotIdentifier: 'shop-db-old',
      SnapshotCreateTime: new Date(Date.UTC(2026, 0, 4, 9)),
    };
    return { DBSnapshots: [copy, old] };
  });
  westMock.on(CopyDBSnapshotCommand).callsFake(() => {
    copied = true;
    return { DBSnapshot: { DBSnapshotIdentifier: SNAP, Status: 'copying' } };
  });
  westMock.on(DeleteDBSnapshotCommand).resolves({});
  const database = createAwsDatabase({ rds: (region) => (region === 'us-east-1' ? east : west) });
  return { database, eastMock, westMock };
}

const noEc2 = {
  listProtected: () => Promise.reject(new Error('the EC2 side was asked for a database-only runbook')),
  protect: () => Promise.reject(new Error('the EC2 side was asked for a database-only runbook')),
} as unknown as CloudProvider;

describe('protect Lambda handler: databases', () => {
  const clock = new FakeClock(Date.UTC(2026, 0, 5, 9, 17));

  it('CreateDBSnapshot, CopyDBSnapshot (re-encrypted), DeleteDBSnapshot: snapshots, copies and prunes hourly', async () => {
    const { database, eastMock, westMock } = rdsWorld();
    const sleeps: number[] = [];
    const results = await protectAll({
      cloud: noEc2,
      database,
      runbooks: new Map([['shop-data', dataRunbook()]]),
      clock,
      remainingMs: () => 600_000,
      sleep: (ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
    });
    expect(results).toEqual([
      {
        runbook: 'shop-data',
        instances: 0,
        available: 0,
        pending: 0,
        pruned: 1,
        databases: 1,
        snapshotsAvailable: 1,
        snapshotsPending: 0,
      },
    ]);
    // pass 1 snapshots, pass 2 copies, pass 3 sees the copy available and prunes
    expect(sleeps).toEqual([15_000, 15_000]);
    expect(eastMock.commandCalls(CreateDBSnapshotCommand).map((c) => c.args[0].input)).toEqual([
      {
        DBInstanceIdentifier: 'shop-db',
        DBSnapshotIdentifier: SNAP,
        Tags: [
          { Key: 'drbot:source-db', Value: 'shop-db' },
          { Key: 'drbot:capture-key', Value: KEY },
          { Key: 'drbot:managed', Value: 'true' },
        ],
      },
    ]);
    expect(westMock.commandCalls(CopyDBSnapshotCommand)[0]?.args[0].input).toMatchObject({
      SourceDBSnapshotIdentifier: `arn:aws:rds:us-east-1:1:snapshot:${SNAP}`,
      TargetDBSnapshotIdentifier: SNAP,
      KmsKeyId: 'arn:aws:kms:us-west-2:1:key/dr',
    });
    expect(westMock.commandCalls(CopyDBSnapshotCommand)).toHaveLength(1);
    // the source snapshot is removed once copied; retention 1 deletes yesterday's copy
    expect(eastMock.commandCalls(DeleteDBSnapshotCommand)[0]?.args[0].input).toEqual({
      DBSnapshotIdentifier: SNAP,
    });
    expect(westMock.commandCalls(DeleteDBSnapshotCommand).map((c) => c.args[0].input)).toEqual([
      { DBSnapshotIdentifier: 'shop-db-old' },
    ]);
  });

  it('returns within its time budget with the copy still pending', async () => {
    const { database, westMock } = rdsWorld();
    const results = await protectAll({
      cloud: noEc2,
      database,
      runbooks: new Map([['shop-data', dataRunbook()]]),
      clock,
      remainingMs: () => 20_000,
      sleep: () => Promise.resolve(),
    });
    expect(results[0]).toMatchObject({ databases: 1, snapshotsAvailable: 0, snapshotsPending: 1 });
    expect(results[0]?.error).toBeUndefined();
    expect(westMock.commandCalls(CopyDBSnapshotCommand)).toHaveLength(0);
  });

  it('reports a runbook with databases as failed when the function has no database adapter', async () => {
    const results = await protectAll({
      cloud: noEc2,
      runbooks: new Map([['shop-data', dataRunbook()]]),
      clock,
      remainingMs: () => 600_000,
      sleep: () => Promise.resolve(),
    });
    expect(results[0]?.error).toContain('no database adapter');
  });
});
