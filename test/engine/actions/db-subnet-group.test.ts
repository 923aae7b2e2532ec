/**
 * rds.restore creates the DB subnet group in the recovery region when it is missing, over the
 * subnets `network replicate` mapped for the source group's subnets (request shapes through
 * aws-sdk-client-mock, one mocked RDS client per region; the mapping in a memory store).
 */
import {
  CreateDBSubnetGroupCommand,
  DescribeDBInstancesCommand,
  DescribeDBSubnetGroupsCommand,
  DescribeOrderableDBInstanceOptionsCommand,
  RDSClient,
  RDSServiceException,
  RestoreDBInstanceFromDBSnapshotCommand,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { rdsRestoreHandler } from '../../../engine/actions/rds/restore.js';
import { createAwsDatabase } from '../../../engine/adapters/aws/rds/aws-database.js';
import { FakeClock } from '../../../engine/adapters/memory/clock.js';
import { MemoryRunStore } from '../../../engine/adapters/memory/store.js';
import type { CloudProvider } from '../../../engine/cloud/provider.js';
import { saveMapping } from '../../../engine/network/mapping-store.js';
import type { Runbook } from '../../../engine/runbook/types.js';
import { makeRunbook } from '../../helpers/runbook.js';
import { runAction } from './fixtures.js';

const notFound = (name: string) =>
  new RDSServiceException({ name, message: name, $fault: 'client', $metadata: { httpStatusCode: 404 } });

const base = makeRunbook({ name: 'shop-data', steps: [] });
const runbook: Runbook = {
  ...base,
  spec: { ...base.spec, protect: { databases: { tags: { 'dr-tier': 'db' } } } },
};

function world(options: { targetGroupExists?: boolean } = {}) {
  const east = new RDSClient({ region: 'us-east-1' });
  const west = new RDSClient({ region: 'us-west-2' });
  const eastMock = mockClient(east);
  const westMock = mockClient(west);
  eastMock.on(DescribeDBInstancesCommand).resolves({
    DBInstances: [
      {
        DBInstanceIdentifier: 'shop-db',
        Engine: 'postgres',
        DBInstanceClass: 'db.r6g.large',
        DBInstanceStatus: 'available',
        DBSubnetGroup: { DBSubnetGroupName: 'shop-db-subnets' },
        TagList: [{ Key: 'dr-tier', Value: 'db' }],
      },
    ],
  });
  eastMock.on(DescribeDBSubnetGroupsCommand).resolves({
    DBSubnetGroups: [
      {
        DBSubnetGroupName: 'shop-db-subnets',
        VpcId: 'vpc-src',
        Subnets: [{ SubnetIdentifier: 'subnet-a' }, { SubnetIdentifier: 'subnet-b' }],
      },
    ],
  });
  let created = options.targetGroupExists === true;
  westMock.on(DescribeDBSubnetGroupsCommand).callsFake(() => {
    if (!created) throw notFound('DBSubnetGroupNotFoundFault');
    return { DBSubnetGroups: [{ DBSubnetGroupName: 'shop-db-subnets', VpcId: 'vpc-dr', Subnets: [] }] };
  });
  westMock.on(CreateDBSubnetGroupCommand).callsFake(() => {
    created = true;
    return { DBSubnetGroup: { DBSubnetGroupName: 'shop-db-subnets' } };
  });
  let restored = false;
  westMock.on(DescribeDBInstancesCommand).callsFake(() => {
    if (!restored) throw notFound('DBInstanceNotFoundFault');
    return {
      DBInstances: [
        {
          DBInstanceIdentifier: 'drbot-r-1-restore',
          DBInstanceStatus: 'available',
          Endpoint: { Address: 'drbot-r-1-restore.x.us-west-2.rds.amazonaws.com', Port: 5432 },
          TagList: [],
        },
      ],
    };
  });
  westMock
    .on(DescribeOrderableDBInstanceOptionsCommand)
    .resolves({ OrderableDBInstanceOptions: [{ DBInstanceClass: 'db.r6g.large' }] });
  westMock.on(RestoreDBInstanceFromDBSnapshotCommand).callsFake(() => {
    restored = true;
    return {};
  });
  const database = createAwsDatabase({ rds: (region) => (region === 'us-east-1' ? east : west) });
  return { database, eastMock, westMock };
}

async function mappedStore(): Promise<MemoryRunStore> {
  const store = new MemoryRunStore();
  await saveMapping(store, 'shop-data', {
    version: 1,
    sourceRegion: 'us-east-1',
    targetRegion: 'us-west-2',
    sourceVpcId: 'vpc-src',
    targetVpcId: 'vpc-dr',
    sourceCidrs: ['10.0.0.0/16'],
    entries: [
      { kind: 'vpc', sourceId: 'vpc-src', targetId: 'vpc-dr' },
      { kind: 'subnet', sourceId: 'subnet-a', targetId: 'subnet-x' },
      { kind: 'subnet', sourceId: 'subnet-b', targetId: 'subnet-y' },
      { kind: 'subnet', sourceId: 'subnet-web', targetId: 'subnet-w' },
    ],
    replicatedAt: 0,
  });
  return store;
}

const inputs = { snapshot: 'shop-db-snap', database: 'shop-db' };
const ctxOptions = { runId: 'r-1', stepId: 'restore', runbook, mode: 'failover' as const };

describe('rds.restore: the DB subnet group of the recovery region', () => {
  it('CreateDBSubnetGroup: creates the missing group over the mapped subnets, tagged, before the restore', async () => {
    const { database, westMock } = world();
    const clock = new FakeClock();
    const handler = rdsRestoreHandler({
      cloud: {} as CloudProvider,
      pollIntervalMs: 1000,
      store: await mappedStore(),
      database,
    });
    const { result, notes } = await runAction(handler, clock, inputs, ctxOptions);
    expect(result.outputs).toMatchObject({ identifier: 'drbot-r-1-restore' });
    expect(westMock.commandCalls(CreateDBSubnetGroupCommand).map((c) => c.args[0].input)).toEqual([
      {
        DBSubnetGroupName: 'shop-db-subnets',
        DBSubnetGroupDescription: "drbot: shop-data's databases in us-west-2 (replicated subnets)",
        SubnetIds: ['subnet-x', 'subnet-y'],
        Tags: [
          { Key: 'drbot:managed', Value: 'true' },
          { Key: 'drbot:runbook', Value: 'shop-data' },
          { Key: 'drbot:created-by', Value: 'r-1' },
        ],
      },
    ]);
    expect(westMock.commandCalls(DescribeDBSubnetGroupsCommand)[0]?.args[0].input).toEqual({
      DBSubnetGroupName: 'shop-db-subnets',
    });
    const order = westMock.calls().map((c) => c.args[0].constructor.name);
    expect(order.indexOf('CreateDBSubnetGroupCommand')).toBeLessThan(
      order.indexOf('RestoreDBInstanceFromDBSnapshotCommand'),
    );
    expect(westMock.commandCalls(RestoreDBInstanceFromDBSnapshotCommand)[0]?.args[0].input).toMatchObject({
      DBSubnetGroupName: 'shop-db-subnets',
    });
    expect(notes.some((n) => n.includes('created DB subnet group shop-db-subnets'))).toBe(true);
  });

  it('reuses a group that already exists in the recovery region', async () => {
    const { database, westMock } = world({ targetGroupExists: true });
    const handler = rdsRestoreHandler({
      cloud: {} as CloudProvider,
      pollIntervalMs: 1000,
      store: await mappedStore(),
      database,
    });
    await runAction(handler, new FakeClock(), inputs, ctxOptions);
    expect(westMock.commandCalls(CreateDBSubnetGroupCommand)).toHaveLength(0);
    expect(westMock.commandCalls(RestoreDBInstanceFromDBSnapshotCommand)).toHaveLength(1);
  });

  it('refuses with the remedy when the network was never replicated, and restores nothing', async () => {
    const { database, westMock } = world();
    const handler = rdsRestoreHandler({
      cloud: {} as CloudProvider,
      pollIntervalMs: 1000,
      store: new MemoryRunStore(),
      database,
    });
    const err = await runAction(handler, new FakeClock(), inputs, ctxOptions).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'DB_NETWORK_NOT_MAPPED' });
    expect((err as { action?: string }).action).toContain('drbot network replicate shop-data');
    expect(westMock.commandCalls(CreateDBSubnetGroupCommand)).toHaveLength(0);
    expect(westMock.commandCalls(RestoreDBInstanceFromDBSnapshotCommand)).toHaveLength(0);
  });
});
