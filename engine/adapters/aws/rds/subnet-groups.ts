/**
 * DB subnet groups on RDS: read one by name (its subnets and VPC), and create one in the recovery
 * region, tagged on create, from the replicated subnets (engine/actions/support/db-subnet-group.ts).
 */
import {
  CreateDBSubnetGroupCommand,
  DescribeDBSubnetGroupsCommand,
  type RDSClient,
} from '@aws-sdk/client-rds';
import type { DbSubnetGroup, DbSubnetGroupCreate } from '../../../cloud/database.js';
import { awsCall } from '../errors.js';
import { isNotFound, rdsTagList } from './clients.js';

export async function describeSubnetGroup(
  client: RDSClient,
  name: string,
  region: string,
): Promise<DbSubnetGroup | undefined> {
  try {
    const out = await client.send(new DescribeDBSubnetGroupsCommand({ DBSubnetGroupName: name }));
    const group = out.DBSubnetGroups?.[0];
    if (!group) return undefined;
    return {
      name: group.DBSubnetGroupName ?? name,
      region,
      subnetIds: (group.Subnets ?? []).map((s) => s.SubnetIdentifier ?? '').filter(Boolean),
      ...(group.VpcId ? { vpcId: group.VpcId } : {}),
      // DescribeDBSubnetGroups returns no tags; drbot does not need them to reuse a group
      tags: {},
    };
  } catch (err) {
    if (isNotFound(err)) return undefined;
    return awsCall<undefined>('DescribeDBSubnetGroups', () => Promise.reject(err));
  }
}

export async function createSubnetGroup(client: RDSClient, group: DbSubnetGroupCreate): Promise<void> {
  try {
    await client.send(
      new CreateDBSubnetGroupCommand({
        DBSubnetGroupName: group.name,
        DBSubnetGroupDescription: group.description,
        SubnetIds: group.subnetIds,
        Tags: rdsTagList(group.tags),
      }),
    );
  } catch (err) {
    // another attempt of the same step created it first: that is the group we wanted
    if ((err as { name?: string }).name === 'DBSubnetGroupAlreadyExistsFault') return;
    await awsCall('CreateDBSubnetGroup', () => Promise.reject(err));
  }
}
