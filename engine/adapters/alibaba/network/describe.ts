/**
 * The Describe* calls of network replication, each paged to the end: DescribeVpcs,
 * DescribeVSwitches, DescribeRouteTableList, DescribeRouteEntryList (VPC API) and
 * DescribeSecurityGroups, DescribeSecurityGroupAttribute (ECS API). Discovery reads the source
 * with them; convergence finds what it created before (by drbot's source-id tag) with the same.
 */
import * as Ecs from '@alicloud/ecs20140526';
import * as Vpc from '@alicloud/vpc20160428';
import type { EcsClient, VpcClient } from '../clients.js';
import { aliCall } from '../errors.js';
import { allPages, PAGE_SIZE } from './pages.js';
import type { RawPermission } from './rules.js';

export interface NetworkClients {
  vpc: VpcClient;
  ecs: EcsClient;
}

export type RawVpc = NonNullable<
  NonNullable<Awaited<ReturnType<VpcClient['describeVpcs']>>['body']>['vpcs']
>['vpc'] extends (infer T)[] | undefined
  ? T
  : never;

export function describeVpcs(
  client: VpcClient,
  region: string,
  query: { vpcId?: string; tags?: Record<string, string> } = {},
) {
  return allPages(`VPC DescribeVpcs in ${region}`, async (pageNumber) => {
    const res = await client.describeVpcs(
      new Vpc.DescribeVpcsRequest({
        regionId: region,
        pageNumber,
        pageSize: PAGE_SIZE,
        ...(query.vpcId ? { vpcId: query.vpcId } : {}),
        ...(query.tags ? { tag: Object.entries(query.tags).map(([key, value]) => ({ key, value })) } : {}),
      }),
    );
    return { items: res.body?.vpcs?.vpc, total: res.body?.totalCount };
  });
}

export function describeVSwitches(
  client: VpcClient,
  region: string,
  query: { vpcId?: string; vSwitchId?: string; tags?: Record<string, string> },
) {
  return allPages(`VPC DescribeVSwitches in ${region}`, async (pageNumber) => {
    const res = await client.describeVSwitches(
      new Vpc.DescribeVSwitchesRequest({
        regionId: region,
        pageNumber,
        pageSize: PAGE_SIZE,
        ...query,
        ...(query.tags ? { tag: Object.entries(query.tags).map(([key, value]) => ({ key, value })) } : {}),
      }),
    );
    return { items: res.body?.vSwitches?.vSwitch, total: res.body?.totalCount };
  });
}

export function describeRouteTables(client: VpcClient, region: string, vpcId: string, system = false) {
  return allPages(`VPC DescribeRouteTableList in ${region}`, async (pageNumber) => {
    const res = await client.describeRouteTableList(
      new Vpc.DescribeRouteTableListRequest({
        regionId: region,
        vpcId,
        pageNumber,
        pageSize: PAGE_SIZE,
        ...(system ? { routeTableType: 'System' } : {}),
      }),
    );
    return { items: res.body?.routerTableList?.routerTableListType, total: res.body?.totalCount };
  });
}

/** DescribeRouteEntryList pages by NextToken (MaxResult ≤ 100). */
export async function routeEntries(client: VpcClient, region: string, routeTableId: string) {
  type Entry = NonNullable<
    NonNullable<Awaited<ReturnType<VpcClient['describeRouteEntryList']>>['body']>['routeEntrys']
  >['routeEntry'];
  const out: NonNullable<Entry> = [];
  let nextToken: string | undefined;
  do {
    const res = await aliCall(`VPC DescribeRouteEntryList in ${region}`, () =>
      client.describeRouteEntryList(
        new Vpc.DescribeRouteEntryListRequest({
          regionId: region,
          routeTableId,
          maxResult: 100,
          ...(nextToken ? { nextToken } : {}),
        }),
      ),
    );
    out.push(...(res.body?.routeEntrys?.routeEntry ?? []));
    nextToken = res.body?.nextToken || undefined;
  } while (nextToken);
  return out;
}

export async function securityGroupsOf(
  client: EcsClient,
  region: string,
  query: { vpcId?: string; tags?: Record<string, string> },
) {
  return allPages(`ECS DescribeSecurityGroups in ${region}`, async (pageNumber) => {
    const res = await client.describeSecurityGroups(
      new Ecs.DescribeSecurityGroupsRequest({
        regionId: region,
        pageNumber,
        pageSize: PAGE_SIZE,
        ...(query.vpcId ? { vpcId: query.vpcId } : {}),
        ...(query.tags ? { tag: Object.entries(query.tags).map(([key, value]) => ({ key, value })) } : {}),
      }),
    );
    return { items: res.body?.securityGroups?.securityGroup, total: res.body?.totalCount };
  });
}

/** Every permission of a group, both directions (DescribeSecurityGroupAttribute, NextToken). */
export async function groupPermissions(
  client: EcsClient,
  region: string,
  securityGroupId: string,
): Promise<RawPermission[]> {
  const out: RawPermission[] = [];
  let nextToken: string | undefined;
  do {
    const res = await aliCall(`ECS DescribeSecurityGroupAttribute in ${region}`, () =>
      client.describeSecurityGroupAttribute(
        new Ecs.DescribeSecurityGroupAttributeRequest({
          regionId: region,
          securityGroupId,
          direction: 'all',
          ...(nextToken ? { nextToken, maxResults: 1000 } : {}),
        }),
      ),
    );
    out.push(...(res.body?.permissions?.permission ?? []));
    nextToken = res.body?.nextToken || undefined;
  } while (nextToken);
  return out;
}
