/** Reading DB instances and clusters into the port's `Database`, page by page. */
import {
  type DBCluster,
  type DBInstance,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  type RDSClient,
} from '@aws-sdk/client-rds';
import type { Database, DbKind } from '../../../cloud/database.js';
import { awsCall } from '../errors.js';
import { isNotFound, rdsTagMap } from './clients.js';

export function instanceView(i: DBInstance, region: string): Database {
  return {
    id: i.DBInstanceIdentifier ?? '',
    kind: 'instance',
    ...(i.DBInstanceArn ? { arn: i.DBInstanceArn } : {}),
    region,
    engine: i.Engine ?? '',
    status: i.DBInstanceStatus ?? 'unknown',
    ...(i.DBInstanceClass ? { instanceClass: i.DBInstanceClass } : {}),
    ...(i.Endpoint?.Address ? { endpoint: i.Endpoint.Address, port: i.Endpoint.Port } : {}),
    encrypted: i.StorageEncrypted === true,
    ...(i.KmsKeyId ? { kmsKeyId: i.KmsKeyId } : {}),
    ...(i.OptionGroupMemberships?.[0]?.OptionGroupName
      ? { optionGroup: i.OptionGroupMemberships[0].OptionGroupName }
      : {}),
    ...(i.DBParameterGroups?.[0]?.DBParameterGroupName
      ? { parameterGroup: i.DBParameterGroups[0].DBParameterGroupName }
      : {}),
    ...(i.DBSubnetGroup?.DBSubnetGroupName ? { subnetGroup: i.DBSubnetGroup.DBSubnetGroupName } : {}),
    ...(i.VpcSecurityGroups?.length
      ? { securityGroupIds: i.VpcSecurityGroups.map((g) => g.VpcSecurityGroupId ?? '').filter(Boolean) }
      : {}),
    tags: rdsTagMap(i.TagList),
    ...(i.ReadReplicaSourceDBInstanceIdentifier
      ? { replicaSourceId: i.ReadReplicaSourceDBInstanceIdentifier }
      : {}),
  };
}

export function clusterView(c: DBCluster, region: string): Database {
  return {
    id: c.DBClusterIdentifier ?? '',
    kind: 'cluster',
    ...(c.DBClusterArn ? { arn: c.DBClusterArn } : {}),
    region,
    engine: c.Engine ?? '',
    status: c.Status ?? 'unknown',
    ...(c.DBClusterInstanceClass ? { instanceClass: c.DBClusterInstanceClass } : {}),
    ...(c.Endpoint ? { endpoint: c.Endpoint, port: c.Port } : {}),
    encrypted: c.StorageEncrypted === true,
    ...(c.KmsKeyId ? { kmsKeyId: c.KmsKeyId } : {}),
    ...(c.DBClusterParameterGroup ? { parameterGroup: c.DBClusterParameterGroup } : {}),
    ...(c.DBSubnetGroup ? { subnetGroup: c.DBSubnetGroup } : {}),
    ...(c.VpcSecurityGroups?.length
      ? { securityGroupIds: c.VpcSecurityGroups.map((g) => g.VpcSecurityGroupId ?? '').filter(Boolean) }
      : {}),
    tags: rdsTagMap(c.TagList),
    ...(c.ReplicationSourceIdentifier ? { replicaSourceId: c.ReplicationSourceIdentifier } : {}),
  };
}

/** Every DB instance of the region that is not an Aurora cluster member. */
export async function allInstances(client: RDSClient, region: string): Promise<Database[]> {
  const out: Database[] = [];
  let Marker: string | undefined;
  do {
    const page = await awsCall('DescribeDBInstances', () =>
      client.send(new DescribeDBInstancesCommand({ ...(Marker ? { Marker } : {}) })),
    );
    for (const i of page.DBInstances ?? []) if (!i.DBClusterIdentifier) out.push(instanceView(i, region));
    Marker = page.Marker;
  } while (Marker);
  return out;
}

export async function allClusters(client: RDSClient, region: string): Promise<Database[]> {
  const out: Database[] = [];
  let Marker: string | undefined;
  do {
    const page = await awsCall('DescribeDBClusters', () =>
      client.send(new DescribeDBClustersCommand({ ...(Marker ? { Marker } : {}) })),
    );
    for (const c of page.DBClusters ?? []) out.push(clusterView(c, region));
    Marker = page.Marker;
  } while (Marker);
  return out;
}

/** One database by identifier, or undefined when RDS has none. */
export async function describeOne(
  client: RDSClient,
  id: string,
  kind: DbKind,
  region: string,
): Promise<{ db: Database; members: string[] } | undefined> {
  try {
    if (kind === 'instance') {
      const out = await client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }));
      const i = out.DBInstances?.[0];
      return i ? { db: instanceView(i, region), members: [] } : undefined;
    }
    const out = await client.send(new DescribeDBClustersCommand({ DBClusterIdentifier: id }));
    const c = out.DBClusters?.[0];
    if (!c) return undefined;
    return {
      db: clusterView(c, region),
      members: (c.DBClusterMembers ?? []).map((m) => m.DBInstanceIdentifier ?? ''),
    };
  } catch (err) {
    if (isNotFound(err)) return undefined;
    return awsCall(kind === 'instance' ? 'DescribeDBInstances' : 'DescribeDBClusters', () =>
      Promise.reject(err),
    );
  }
}
