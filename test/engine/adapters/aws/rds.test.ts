/**
 * The AWS data-tier adapter's RDS and Parameter Store calls, checked for their exact request
 * shapes with aws-sdk-client-mock. Test names cite the API operation.
 */
import {
  CopyDBClusterSnapshotCommand,
  CopyDBSnapshotCommand,
  CreateDBClusterSnapshotCommand,
  CreateDBInstanceCommand,
  CreateDBSnapshotCommand,
  DeleteDBClusterCommand,
  DeleteDBInstanceCommand,
  DeleteDBSnapshotCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  DescribeGlobalClustersCommand,
  DescribeOrderableDBInstanceOptionsCommand,
  FailoverGlobalClusterCommand,
  PromoteReadReplicaCommand,
  RDSClient,
  RDSServiceException,
  RestoreDBClusterFromSnapshotCommand,
  RestoreDBInstanceFromDBSnapshotCommand,
  SwitchoverGlobalClusterCommand,
} from '@aws-sdk/client-rds';
import {
  AddTagsToResourceCommand,
  DeleteParametersCommand,
  GetParametersByPathCommand,
  PutParameterCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { snapshotIdentifier } from '../../../../engine/actions/support/identifiers.js';
import { AwsDatabase, createAwsDatabase } from '../../../../engine/adapters/aws/rds/aws-database.js';
import type { Database } from '../../../../engine/cloud/database.js';

const rds = mockClient(RDSClient);
const ssm = mockClient(SSMClient);
const notFound = (name: string) =>
  new RDSServiceException({ name, message: `${name}`, $fault: 'client', $metadata: { httpStatusCode: 404 } });
const drill = { runId: 'run-1', mode: 'drill' };
const regions: string[] = [];

function adapter(options: { replicaLag?: () => Promise<number> } = {}) {
  return createAwsDatabase({
    rds: (region) => {
      regions.push(region);
      return new RDSClient({ region });
    },
    ssm: (region) => new SSMClient({ region }),
    globalRegion: 'us-east-1',
    ...options,
  });
}

const shopDb: Database = {
  id: 'shop-db',
  kind: 'instance',
  region: 'us-east-1',
  engine: 'postgres',
  status: 'available',
  encrypted: true,
  optionGroup: 'shop-og',
  tags: {},
};
const protect = {
  databases: [shopDb],
  sourceRegion: 'us-east-1',
  targetRegion: 'us-west-2',
  retention: 2,
  captureKey: 'run-1:protect:1',
  kmsKeyId: 'arn:aws:kms:us-west-2:1:key/dr',
  optionGroups: { 'shop-og': 'shop-og-west' },
};
const snapId = snapshotIdentifier('shop-db', 'run-1:protect:1');

beforeEach(() => {
  rds.reset();
  ssm.reset();
  regions.length = 0;
});

describe('AwsDatabase: recovery points', () => {
  it('DescribeDBInstances + DescribeDBClusters: lists protected databases by every tag, cluster members left out', async () => {
    rds.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [
        {
          DBInstanceIdentifier: 'shop-db',
          Engine: 'postgres',
          DBInstanceStatus: 'available',
          TagList: [{ Key: 'dr-tier', Value: 'db' }],
        },
        {
          DBInstanceIdentifier: 'orders-1',
          DBClusterIdentifier: 'orders',
          TagList: [{ Key: 'dr-tier', Value: 'db' }],
        },
        { DBInstanceIdentifier: 'other', TagList: [{ Key: 'dr-tier', Value: 'app' }] },
      ],
    });
    rds.on(DescribeDBClustersCommand).resolves({
      DBClusters: [
        {
          DBClusterIdentifier: 'orders',
          Engine: 'aurora-postgresql',
          Status: 'available',
          TagList: [{ Key: 'dr-tier', Value: 'db' }],
        },
      ],
    });
    const found = await adapter().listProtectedDatabases({ tags: { 'dr-tier': 'db' } }, 'us-east-1');
    expect(found.map((d) => [d.id, d.kind])).toEqual([
      ['shop-db', 'instance'],
      ['orders', 'cluster'],
    ]);
    expect(rds.commandCalls(DescribeDBInstancesCommand)[0]?.args[0].input).toEqual({});
  });

  it('CreateDBSnapshot: takes the manual snapshot in the source region, named from the capture key and tagged', async () => {
    rds.on(DescribeDBSnapshotsCommand).rejects(notFound('DBSnapshotNotFoundFault'));
    rds.on(CreateDBSnapshotCommand).resolves({
      DBSnapshot: { DBSnapshotIdentifier: snapId, Status: 'creating', DBInstanceIdentifier: 'shop-db' },
    });
    const result = await adapter().protectDatabases(protect);
    expect(rds.commandCalls(CreateDBSnapshotCommand)[0]?.args[0].input).toEqual({
      DBInstanceIdentifier: 'shop-db',
      DBSnapshotIdentifier: snapId,
      Tags: [
        { Key: 'drbot:source-db', Value: 'shop-db' },
        { Key: 'drbot:capture-key', Value: 'run-1:protect:1' },
        { Key: 'drbot:managed', Value: 'true' },
      ],
    });
    expect(result.snapshots[0]).toMatchObject({ state: 'creating', region: 'us-east-1' });
  });

  it('CopyDBSnapshot: copies an available snapshot to the target region with its KMS key and mapped option group', async () => {
    const arn = `arn:aws:rds:us-east-1:1:snapshot:${snapId}`;
    rds
      .on(DescribeDBSnapshotsCommand, { DBSnapshotIdentifier: snapId })
      .rejectsOnce(notFound('DBSnapshotNotFoundFault')) // the copy (target) does not exist yet
      .resolves({ DBSnapshots: [{ DBSnapshotIdentifier: snapId, DBSnapshotArn: arn, Status: 'available' }] });
    rds
      .on(CopyDBSnapshotCommand)
      .resolves({ DBSnapshot: { DBSnapshotIdentifier: snapId, Status: 'copying' } });
    await adapter().protectDatabases(protect);
    expect(rds.commandCalls(CopyDBSnapshotCommand)[0]?.args[0].input).toEqual({
      SourceDBSnapshotIdentifier: arn,
      TargetDBSnapshotIdentifier: snapId,
      KmsKeyId: 'arn:aws:kms:us-west-2:1:key/dr',
      OptionGroupName: 'shop-og-west',
      Tags: expect.arrayContaining([{ Key: 'drbot:managed', Value: 'true' }]),
    });
    expect(regions).toEqual(['us-east-1', 'us-west-2']);
  });

  it('refuses to copy an encrypted snapshot without a KMS key of the target region', async () => {
    await expect(adapter().protectDatabases({ ...protect, kmsKeyId: undefined })).rejects.toMatchObject({
      code: 'KMS_KEY_REQUIRED',
    });
    expect(rds.commandCalls(CreateDBSnapshotCommand)).toHaveLength(0);
  });

  it('DeleteDBSnapshot: once the copy is available, deletes the source snapshot and prunes drbot copies past retention', async () => {
    const t = (h: number) => new Date(Date.UTC(2026, 0, 1, h));
    rds.on(DescribeDBSnapshotsCommand, { DBSnapshotIdentifier: snapId }).resolves({
      DBSnapshots: [{ DBSnapshotIdentifier: snapId, Status: 'available', OriginalSnapshotCreateTime: t(9) }],
    });
    rds.on(DescribeDBSnapshotsCommand, { DBInstanceIdentifier: 'shop-db', SnapshotType: 'manual' }).resolves({
      DBSnapshots: [
        {
          DBSnapshotIdentifier: snapId,
          Status: 'available',
          OriginalSnapshotCreateTime: t(9),
          TagList: [{ Key: 'drbot:managed', Value: 'true' }],
        },
        {
          DBSnapshotIdentifier: 'old-1',
          Status: 'available',
          OriginalSnapshotCreateTime: t(8),
          TagList: [{ Key: 'drbot:managed', Value: 'true' }],
        },
        {
          DBSnapshotIdentifier: 'old-2',
          Status: 'available',
          OriginalSnapshotCreateTime: t(7),
          TagList: [{ Key: 'drbot:managed', Value: 'true' }],
        },
        { DBSnapshotIdentifier: 'someone-elses', Status: 'available', OriginalSnapshotCreateTime: t(1) },
      ],
    });
    rds.on(DeleteDBSnapshotCommand).resolves({});
    const result = await adapter().protectDatabases(protect);
    expect(rds.commandCalls(DeleteDBSnapshotCommand).map((c) => c.args[0].input)).toEqual([
      { DBSnapshotIdentifier: snapId }, // the source-region snapshot
      { DBSnapshotIdentifier: 'old-2' }, // past retention 2; the untagged one is never touched
    ]);
    expect(result.pruned).toEqual(['old-2']);
    expect(result.snapshots[0]).toMatchObject({ state: 'available', region: 'us-west-2' });
  });

  it('CreateDBClusterSnapshot and CopyDBClusterSnapshot: Aurora clusters use the cluster snapshot calls', async () => {
    const cluster = { ...shopDb, id: 'orders', kind: 'cluster' as const, encrypted: false };
    const id = snapshotIdentifier('orders', 'k');
    rds.on(DescribeDBClusterSnapshotsCommand).rejects(notFound('DBClusterSnapshotNotFoundFault'));
    rds.on(CreateDBClusterSnapshotCommand).resolves({
      DBClusterSnapshot: {
        DBClusterSnapshotIdentifier: id,
        Status: 'available',
        DBClusterSnapshotArn: 'arn:c',
      },
    });
    rds
      .on(CopyDBClusterSnapshotCommand)
      .resolves({ DBClusterSnapshot: { DBClusterSnapshotIdentifier: id, Status: 'copying' } });
    await adapter().protectDatabases({
      ...protect,
      databases: [cluster],
      captureKey: 'k',
      kmsKeyId: undefined,
    });
    expect(rds.commandCalls(CreateDBClusterSnapshotCommand)[0]?.args[0].input).toMatchObject({
      DBClusterIdentifier: 'orders',
      DBClusterSnapshotIdentifier: id,
    });
    expect(rds.commandCalls(CopyDBClusterSnapshotCommand)[0]?.args[0].input).toMatchObject({
      SourceDBClusterSnapshotIdentifier: 'arn:c',
      TargetDBClusterSnapshotIdentifier: id,
    });
  });

  it('DescribeDBSnapshots: the newest available copy is the latest point, by original capture time', async () => {
    rds.on(DescribeDBSnapshotsCommand).resolves({
      DBSnapshots: [
        { DBSnapshotIdentifier: 'a', Status: 'available', OriginalSnapshotCreateTime: new Date(1_000) },
        { DBSnapshotIdentifier: 'b', Status: 'available', OriginalSnapshotCreateTime: new Date(3_000) },
        { DBSnapshotIdentifier: 'c', Status: 'copying', OriginalSnapshotCreateTime: new Date(5_000) },
      ],
    });
    const latest = await adapter().latestDbSnapshot('shop-db', 'us-west-2');
    expect(latest).toMatchObject({ id: 'b', capturedAt: 3_000 });
    expect(rds.commandCalls(DescribeDBSnapshotsCommand)[0]?.args[0].input).toEqual({
      DBInstanceIdentifier: 'shop-db',
      SnapshotType: 'manual',
    });
  });
});

describe('AwsDatabase: restore and delete', () => {
  const request = {
    identifier: 'drbot-run1-restore',
    snapshotId: 'snap-1',
    kind: 'instance' as const,
    region: 'us-west-2',
    engine: 'postgres',
    instanceClass: 'db.r5.2xlarge',
    fallbackClasses: ['db.r6g.xlarge'],
    subnetGroup: 'shop-db-subnets',
    securityGroupIds: ['sg-west'],
    parameterGroup: 'shop-pg16',
    tags: { 'drbot:step-id': 'restore' },
  };

  it('DescribeOrderableDBInstanceOptions + RestoreDBInstanceFromDBSnapshot: falls back to an offered class, mapped groups, tagged with the run', async () => {
    rds.on(DescribeDBInstancesCommand).rejects(notFound('DBInstanceNotFoundFault'));
    rds
      .on(DescribeOrderableDBInstanceOptionsCommand, { DBInstanceClass: 'db.r5.2xlarge' })
      .resolves({ OrderableDBInstanceOptions: [] });
    rds
      .on(DescribeOrderableDBInstanceOptionsCommand, { DBInstanceClass: 'db.r6g.xlarge' })
      .resolves({ OrderableDBInstanceOptions: [{}] });
    rds.on(RestoreDBInstanceFromDBSnapshotCommand).resolves({});
    const result = await adapter().restoreDatabase(request, drill);
    expect(result).toEqual({
      identifier: request.identifier,
      instanceClass: 'db.r6g.xlarge',
      fellBackFrom: 'db.r5.2xlarge',
      created: true,
    });
    expect(rds.commandCalls(DescribeOrderableDBInstanceOptionsCommand)[0]?.args[0].input).toEqual({
      Engine: 'postgres',
      DBInstanceClass: 'db.r5.2xlarge',
      MaxRecords: 20,
    });
    expect(rds.commandCalls(RestoreDBInstanceFromDBSnapshotCommand)[0]?.args[0].input).toEqual({
      DBInstanceIdentifier: 'drbot-run1-restore',
      DBSnapshotIdentifier: 'snap-1',
      DBInstanceClass: 'db.r6g.xlarge',
      DBSubnetGroupName: 'shop-db-subnets',
      VpcSecurityGroupIds: ['sg-west'],
      DBParameterGroupName: 'shop-pg16',
      MultiAZ: false,
      DeletionProtection: false,
      Tags: [
        { Key: 'drbot:step-id', Value: 'restore' },
        { Key: 'drbot:run-id', Value: 'run-1' },
      ],
    });
  });

  it('RestoreDBInstanceFromDBSnapshot is not sent again when the same run and step already restored it', async () => {
    rds.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [
        {
          DBInstanceIdentifier: request.identifier,
          DBInstanceStatus: 'creating',
          TagList: [
            { Key: 'drbot:run-id', Value: 'run-1' },
            { Key: 'drbot:step-id', Value: 'restore' },
          ],
        },
      ],
    });
    const result = await adapter().restoreDatabase(request, drill);
    expect(result.created).toBe(false);
    expect(rds.commandCalls(RestoreDBInstanceFromDBSnapshotCommand)).toHaveLength(0);
  });

  it('refuses a restore whose identifier is taken by another database, with the remedy', async () => {
    rds
      .on(DescribeDBInstancesCommand)
      .resolves({ DBInstances: [{ DBInstanceIdentifier: request.identifier, TagList: [] }] });
    await expect(adapter().restoreDatabase(request, drill)).rejects.toMatchObject({
      code: 'DB_IDENTIFIER_TAKEN',
      action: expect.stringContaining('aws rds describe-db-instances'),
    });
    expect(rds.commandCalls(RestoreDBInstanceFromDBSnapshotCommand)).toHaveLength(0);
  });

  it('RestoreDBClusterFromSnapshot + CreateDBInstance: an Aurora restore creates the cluster, then its writer', async () => {
    rds.on(DescribeDBClustersCommand).rejects(notFound('DBClusterNotFoundFault'));
    rds.on(RestoreDBClusterFromSnapshotCommand).resolves({});
    rds.on(CreateDBInstanceCommand).resolves({});
    await adapter().restoreDatabase(
      { ...request, kind: 'cluster', engine: undefined, instanceClass: 'db.r6g.large', fallbackClasses: [] },
      drill,
    );
    expect(rds.commandCalls(RestoreDBClusterFromSnapshotCommand)[0]?.args[0].input).toEqual({
      DBClusterIdentifier: request.identifier,
      SnapshotIdentifier: 'snap-1',
      Engine: 'aurora-postgresql',
      DBSubnetGroupName: 'shop-db-subnets',
      VpcSecurityGroupIds: ['sg-west'],
      DBClusterParameterGroupName: 'shop-pg16',
      DeletionProtection: false,
      Tags: expect.arrayContaining([{ Key: 'drbot:run-id', Value: 'run-1' }]),
    });
    expect(rds.commandCalls(CreateDBInstanceCommand)[0]?.args[0].input).toMatchObject({
      DBInstanceIdentifier: `${request.identifier}-writer`,
      DBClusterIdentifier: request.identifier,
      DBInstanceClass: 'db.r6g.large',
    });
  });

  it('DeleteDBInstance: deletes a run-owned restore with SkipFinalSnapshot and no retained backups', async () => {
    rds.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [
        {
          DBInstanceIdentifier: 'r',
          DBInstanceStatus: 'available',
          TagList: [{ Key: 'drbot:run-id', Value: 'run-1' }],
        },
      ],
    });
    rds.on(DeleteDBInstanceCommand).resolves({});
    await adapter().deleteDatabase('r', 'instance', 'us-west-2', drill);
    expect(rds.commandCalls(DeleteDBInstanceCommand)[0]?.args[0].input).toEqual({
      DBInstanceIdentifier: 'r',
      SkipFinalSnapshot: true,
      DeleteAutomatedBackups: true,
    });
  });

  it('refuses DeleteDBInstance on a database the run did not create, in every mode', async () => {
    rds.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [
        { DBInstanceIdentifier: 'shop-db', TagList: [{ Key: 'drbot:run-id', Value: 'other-run' }] },
      ],
    });
    for (const mode of ['drill', 'failover'])
      await expect(
        adapter().deleteDatabase('shop-db', 'instance', 'us-east-1', { runId: 'run-1', mode }),
      ).rejects.toMatchObject({ code: 'DRILL_SAFETY' });
    expect(rds.commandCalls(DeleteDBInstanceCommand)).toHaveLength(0);
  });

  it('DeleteDBCluster: deletes the cluster writer instances, then the cluster, without a final snapshot', async () => {
    rds.on(DescribeDBClustersCommand).resolves({
      DBClusters: [
        {
          DBClusterIdentifier: 'c',
          Status: 'available',
          DBClusterMembers: [{ DBInstanceIdentifier: 'c-writer' }],
          TagList: [{ Key: 'drbot:run-id', Value: 'run-1' }],
        },
      ],
    });
    rds.on(DeleteDBInstanceCommand).resolves({});
    rds.on(DeleteDBClusterCommand).resolves({});
    await adapter().deleteDatabase('c', 'cluster', 'us-west-2', drill);
    expect(rds.commandCalls(DeleteDBInstanceCommand)[0]?.args[0].input).toMatchObject({
      DBInstanceIdentifier: 'c-writer',
      SkipFinalSnapshot: true,
    });
    expect(rds.commandCalls(DeleteDBClusterCommand)[0]?.args[0].input).toEqual({
      DBClusterIdentifier: 'c',
      SkipFinalSnapshot: true,
      DeleteAutomatedBackups: true,
    });
  });
});

describe('AwsDatabase: warm standby', () => {
  it('PromoteReadReplica: promotes the replica and reports the lag read at that moment', async () => {
    rds.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [
        { DBInstanceIdentifier: 'replica', ReadReplicaSourceDBInstanceIdentifier: 'arn:src', TagList: [] },
      ],
    });
    rds.on(PromoteReadReplicaCommand).resolves({});
    const out = await adapter({ replicaLag: async () => 42_000 }).promoteReadReplica('replica', 'us-west-2', {
      runId: 'run-1',
      mode: 'failover',
    });
    expect(out).toEqual({ lagMs: 42_000 });
    // without a lag reader nothing is claimed
    expect(
      await adapter().promoteReadReplica('replica', 'us-west-2', { runId: 'run-1', mode: 'failover' }),
    ).toEqual({});
    expect(rds.commandCalls(PromoteReadReplicaCommand)[0]?.args[0].input).toEqual({
      DBInstanceIdentifier: 'replica',
    });
  });

  it('refuses PromoteReadReplica in a drill on a replica the run did not create', async () => {
    rds.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [
        { DBInstanceIdentifier: 'replica', ReadReplicaSourceDBInstanceIdentifier: 'arn:src', TagList: [] },
      ],
    });
    await expect(adapter().promoteReadReplica('replica', 'us-west-2', drill)).rejects.toMatchObject({
      code: 'DRILL_SAFETY',
    });
    expect(rds.commandCalls(PromoteReadReplicaCommand)).toHaveLength(0);
  });

  const global = {
    GlobalClusters: [
      {
        GlobalClusterIdentifier: 'orders-global',
        Status: 'available',
        GlobalClusterMembers: [
          { DBClusterArn: 'arn:aws:rds:us-east-1:1:cluster:orders-east', IsWriter: true },
          { DBClusterArn: 'arn:aws:rds:us-west-2:1:cluster:orders-west', IsWriter: false },
        ],
      },
    ],
  };
  const west = {
    DBClusters: [
      {
        DBClusterIdentifier: 'orders-west',
        DBClusterArn: 'arn:aws:rds:us-west-2:1:cluster:orders-west',
        Status: 'available',
      },
    ],
  };
  const move = { globalId: 'orders-global', targetClusterId: 'orders-west', region: 'us-west-2' };

  it('DescribeGlobalClusters: reads members and the writer from their ARNs', async () => {
    rds.on(DescribeGlobalClustersCommand).resolves(global);
    const g = await adapter().describeGlobalCluster('orders-global');
    expect(g?.members).toEqual([
      { clusterId: 'orders-east', region: 'us-east-1', writer: true },
      { clusterId: 'orders-west', region: 'us-west-2', writer: false },
    ]);
    expect(rds.commandCalls(DescribeGlobalClustersCommand)[0]?.args[0].input).toEqual({
      GlobalClusterIdentifier: 'orders-global',
    });
  });

  it('SwitchoverGlobalCluster: a planned switchover names the target cluster by ARN', async () => {
    rds.on(DescribeGlobalClustersCommand).resolves(global);
    rds.on(DescribeDBClustersCommand).resolves(west);
    rds.on(SwitchoverGlobalClusterCommand).resolves({});
    await adapter().moveGlobalWriter({ ...move, allowDataLoss: false }, { runId: 'run-1', mode: 'failover' });
    expect(rds.commandCalls(SwitchoverGlobalClusterCommand)[0]?.args[0].input).toEqual({
      GlobalClusterIdentifier: 'orders-global',
      TargetDbClusterIdentifier: 'arn:aws:rds:us-west-2:1:cluster:orders-west',
    });
    expect(rds.commandCalls(FailoverGlobalClusterCommand)).toHaveLength(0);
  });

  it('FailoverGlobalCluster: an unplanned failover sends AllowDataLoss', async () => {
    rds.on(DescribeGlobalClustersCommand).resolves(global);
    rds.on(DescribeDBClustersCommand).resolves(west);
    rds.on(FailoverGlobalClusterCommand).resolves({});
    await adapter().moveGlobalWriter({ ...move, allowDataLoss: true }, { runId: 'run-1', mode: 'failover' });
    expect(rds.commandCalls(FailoverGlobalClusterCommand)[0]?.args[0].input).toEqual({
      GlobalClusterIdentifier: 'orders-global',
      TargetDbClusterIdentifier: 'arn:aws:rds:us-west-2:1:cluster:orders-west',
      AllowDataLoss: true,
    });
  });

  it('refuses FailoverGlobalCluster in a drill', async () => {
    rds.on(DescribeGlobalClustersCommand).resolves(global);
    await expect(adapter().moveGlobalWriter({ ...move, allowDataLoss: true }, drill)).rejects.toMatchObject({
      code: 'DRILL_SAFETY',
    });
    expect(rds.commandCalls(FailoverGlobalClusterCommand)).toHaveLength(0);
  });
});

describe('AwsDatabase: Parameter Store hand-off', () => {
  it('PutParameter + AddTagsToResource: writes the endpoint, then tags it with the run', async () => {
    ssm.on(PutParameterCommand).resolves({});
    ssm.on(AddTagsToResourceCommand).resolves({});
    await adapter().putParameter({
      name: '/shop/db/endpoint',
      value: 'db.x:5432',
      region: 'us-west-2',
      tags: { 'drbot:run-id': 'run-1' },
    });
    expect(ssm.commandCalls(PutParameterCommand)[0]?.args[0].input).toEqual({
      Name: '/shop/db/endpoint',
      Value: 'db.x:5432',
      Type: 'String',
      Overwrite: true,
    });
    expect(ssm.commandCalls(AddTagsToResourceCommand)[0]?.args[0].input).toEqual({
      ResourceType: 'Parameter',
      ResourceId: '/shop/db/endpoint',
      Tags: [{ Key: 'drbot:run-id', Value: 'run-1' }],
    });
  });

  it('GetParametersByPath + DeleteParameters: deletes the run path page by page, 10 names a call', async () => {
    const names = Array.from({ length: 12 }, (_, i) => ({ Name: `/drbot/runs/run-1/p${i}` }));
    ssm
      .on(GetParametersByPathCommand)
      .resolvesOnce({ Parameters: names.slice(0, 6), NextToken: 't' })
      .resolves({ Parameters: names.slice(6) });
    ssm.on(DeleteParametersCommand).resolves({});
    const deleted = await adapter().deleteParametersByPath('/drbot/runs/run-1', 'us-west-2');
    expect(deleted).toHaveLength(12);
    expect(ssm.commandCalls(GetParametersByPathCommand).map((c) => c.args[0].input)).toEqual([
      { Path: '/drbot/runs/run-1', Recursive: true },
      { Path: '/drbot/runs/run-1', Recursive: true, NextToken: 't' },
    ]);
    expect(ssm.commandCalls(DeleteParametersCommand).map((c) => c.args[0].input.Names?.length)).toEqual([
      10, 2,
    ]);
  });
});

describe('AwsDatabase without Parameter Store (the protect function)', () => {
  it('refuses the endpoint hand-off instead of creating an SSM client', async () => {
    const bare = new AwsDatabase({ rds: (region) => new RDSClient({ region }) });
    const write = { name: '/shop/db/endpoint', value: 'db.x:5432', region: 'us-west-2', tags: {} };
    await expect(bare.putParameter(write)).rejects.toMatchObject({ code: 'NO_PARAMETER_STORE' });
    await expect(bare.deleteParametersByPath('/drbot/runs/run-1', 'us-west-2')).rejects.toMatchObject({
      code: 'NO_PARAMETER_STORE',
    });
    expect(ssm.commandCalls(PutParameterCommand)).toHaveLength(0);
    expect(ssm.commandCalls(GetParametersByPathCommand)).toHaveLength(0);
  });
});
