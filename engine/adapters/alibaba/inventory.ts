/**
 * ECS inventory: the protected fleet by tags or ids, batched fleet-wide describes for polling
 * (one DescribeInstances per 100 ids, the API's limit; the protected inventory adds DescribeDisks
 * pages), and
 * run-owned lookups. ECS has no status checks: an instance is healthy when it is Running.
 * Released instances disappear from DescribeInstances, so the port sees them as absent.
 */
import * as Ecs from '@alicloud/ecs20140526';
import type { Instance, ProtectSelector, Volume } from '../../cloud/compute.js';
import { chunk, unique } from '../aws/batching.js';
import type { EcsClient } from './clients.js';
import { aliCall } from './errors.js';
import { TAG, tagList, tagMap } from './tags.js';

type RawInstance = NonNullable<
  NonNullable<Awaited<ReturnType<EcsClient['describeInstances']>>['body']>['instances']
>['instance'] extends (infer T)[] | undefined
  ? T
  : never;

/** DescribeInstances InstanceIds, DescribeDisks DiskIds, PageSize: at most 100. */
export const ECS_BATCH = 100;

const STATES: Record<string, Instance['state']> = {
  Pending: 'pending',
  Starting: 'pending',
  Running: 'running',
  Stopping: 'stopping',
  Stopped: 'stopped',
};

function toInstance(raw: RawInstance, region: string, volumes: Volume[]): Instance {
  return {
    id: raw.instanceId ?? '',
    region,
    zone: raw.zoneId,
    type: raw.instanceType ?? 'unknown',
    state: STATES[raw.status ?? ''] ?? 'pending',
    subnetId: raw.vpcAttributes?.vSwitchId,
    privateIp: raw.vpcAttributes?.privateIpAddress?.ipAddress?.[0],
    securityGroups: raw.securityGroupIds?.securityGroupId ?? [],
    volumes,
    tags: tagMap(raw.tags),
    healthy: raw.status === 'Running',
  };
}

/** Every page of one DescribeInstances query (PageNumber, 100 per page). */
async function describePages(
  client: EcsClient,
  region: string,
  query: { instanceIds?: string[]; tags?: Record<string, string> },
): Promise<RawInstance[]> {
  const out: RawInstance[] = [];
  for (let pageNumber = 1; ; pageNumber++) {
    const res = await aliCall(`ECS DescribeInstances in ${region}`, () =>
      client.describeInstances(
        new Ecs.DescribeInstancesRequest({
          regionId: region,
          pageSize: ECS_BATCH,
          pageNumber,
          ...(query.instanceIds ? { instanceIds: JSON.stringify(query.instanceIds) } : {}),
          ...(query.tags ? { tag: tagList(query.tags) } : {}),
        }),
      ),
    );
    const page = res.body?.instances?.instance ?? [];
    out.push(...page);
    if (page.length < ECS_BATCH || out.length >= (res.body?.totalCount ?? 0)) return out;
  }
}

/** DescribeInstances by id, one call per 100 ids. */
export async function describeByIds(
  client: EcsClient,
  region: string,
  ids: string[],
): Promise<RawInstance[]> {
  const out: RawInstance[] = [];
  for (const batch of chunk(unique(ids), ECS_BATCH))
    out.push(...(await describePages(client, region, { instanceIds: batch })));
  return out;
}

/** The disks of the given instances: the region's disks, 100 per DescribeDisks page (no per-instance calls). */
async function disksOf(
  client: EcsClient,
  region: string,
  instanceIds: string[],
): Promise<Map<string, Volume[]>> {
  const wanted = new Set(instanceIds);
  const out = new Map<string, Volume[]>();
  if (wanted.size === 0) return out;
  for (let pageNumber = 1; ; pageNumber++) {
    const res = await aliCall(`ECS DescribeDisks in ${region}`, () =>
      client.describeDisks(
        new Ecs.DescribeDisksRequest({ regionId: region, pageSize: ECS_BATCH, pageNumber }),
      ),
    );
    const page = res.body?.disks?.disk ?? [];
    for (const d of page) {
      if (!d.instanceId || !wanted.has(d.instanceId) || !d.diskId) continue;
      const list = out.get(d.instanceId) ?? [];
      list.push({
        id: d.diskId,
        device: d.device ?? '',
        sizeGiB: d.size ?? 0,
        type: d.category ?? 'unknown',
      });
      out.set(d.instanceId, list);
    }
    if (page.length < ECS_BATCH || pageNumber * ECS_BATCH >= (res.body?.totalCount ?? 0)) return out;
  }
}

async function withVolumes(
  client: EcsClient,
  region: string,
  raw: RawInstance[],
  volumes: boolean,
): Promise<Instance[]> {
  const disks = volumes
    ? await disksOf(
        client,
        region,
        raw.map((i) => i.instanceId ?? ''),
      )
    : new Map<string, Volume[]>();
  return raw.map((i) => toInstance(i, region, disks.get(i.instanceId ?? '') ?? []));
}

/** The instances a runbook protects, by tags or by ids (ids must carry the tags too). */
export async function listProtected(
  client: EcsClient,
  selector: ProtectSelector,
  region: string,
): Promise<Instance[]> {
  const tags = selector.tags ?? {};
  let raw: RawInstance[] = [];
  if (selector.instanceIds?.length) {
    raw = (await describeByIds(client, region, selector.instanceIds)).filter((i) =>
      Object.entries(tags).every(([k, v]) => tagMap(i.tags)[k] === v),
    );
  } else if (Object.keys(tags).length > 0) {
    raw = await describePages(client, region, { tags });
  }
  return withVolumes(client, region, raw, true);
}

/** One batched describe for a fleet (DescribeInstances per 100 ids); disks are not read. */
export async function describeFleet(client: EcsClient, ids: string[], region: string): Promise<Instance[]> {
  if (ids.length === 0) return [];
  return withVolumes(client, region, await describeByIds(client, region, ids), false);
}

/** Instances tagged with the run id (released ones are gone). */
export async function findRunOwned(client: EcsClient, runId: string, region: string): Promise<Instance[]> {
  return withVolumes(
    client,
    region,
    await describePages(client, region, { tags: { [TAG.runId]: runId } }),
    false,
  );
}

/** Instances carrying a tag value (launch reconciliation). */
export function describeTagged(
  client: EcsClient,
  region: string,
  tags: Record<string, string>,
): Promise<RawInstance[]> {
  return describePages(client, region, { tags });
}

export type { RawInstance };
