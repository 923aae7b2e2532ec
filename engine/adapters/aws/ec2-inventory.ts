/**
 * EC2 inventory: the protected fleet, the batched reads a poll round is made of (fleet-reads.ts
 * puts them together), and run-owned lookups. Every read is batched (≤ 1000 ids per
 * DescribeInstances, ≤ 100 per DescribeInstanceStatus) and follows NextToken, so a poll round
 * costs a few calls, not one per instance.
 */

import {
  DescribeInstanceStatusCommand,
  type DescribeInstancesCommandInput,
  DescribeVolumesCommand,
  type EC2Client,
  type Instance as Ec2Instance,
  type Filter,
  paginateDescribeInstances,
} from '@aws-sdk/client-ec2';
import type { Instance, ProtectSelector, Volume } from '../../cloud/compute.js';
import { onePerOrigin } from '../../cloud/origin.js';
import { chunk, LIMITS, unique } from './batching.js';
import { awsCall, awsErrorCode } from './errors.js';
import { TAG, tagFilter, tagMap } from './tags.js';

const LIVE_STATES = ['pending', 'running', 'stopping', 'stopped', 'shutting-down'];
const KNOWN_STATES = new Set<Instance['state']>([...LIVE_STATES, 'terminated'] as Instance['state'][]);

/** `arn:aws:iam::123:instance-profile/path/name` → `name`. */
export function profileName(arn: string | undefined): string | undefined {
  if (!arn) return undefined;
  return arn.slice(arn.lastIndexOf('/') + 1) || undefined;
}

export function toInstance(raw: Ec2Instance, region: string, volumes: Map<string, Volume>): Instance {
  const state = raw.State?.Name as Instance['state'] | undefined;
  const attached: Volume[] = [];
  for (const mapping of raw.BlockDeviceMappings ?? []) {
    const id = mapping.Ebs?.VolumeId;
    if (!id) continue;
    const known = volumes.get(id);
    attached.push({
      id,
      device: mapping.DeviceName ?? known?.device ?? '',
      sizeGiB: known?.sizeGiB ?? 0,
      type: known?.type ?? 'unknown',
    });
  }
  return {
    id: raw.InstanceId ?? '',
    region,
    zone: raw.Placement?.AvailabilityZone,
    type: raw.InstanceType ?? 'unknown',
    state: state && KNOWN_STATES.has(state) ? state : 'pending',
    subnetId: raw.SubnetId,
    privateIp: raw.PrivateIpAddress,
    securityGroups: (raw.SecurityGroups ?? []).map((g) => g.GroupId ?? '').filter(Boolean),
    instanceProfile: profileName(raw.IamInstanceProfile?.Arn),
    volumes: attached,
    tags: tagMap(raw.Tags),
  };
}

/** Reads every page of one DescribeInstances request. */
async function describePages(
  client: EC2Client,
  region: string,
  input: DescribeInstancesCommandInput,
): Promise<Ec2Instance[]> {
  return awsCall(`EC2 DescribeInstances in ${region}`, async () => {
    const out: Ec2Instance[] = [];
    for await (const page of paginateDescribeInstances({ client }, input)) {
      for (const reservation of page.Reservations ?? []) out.push(...(reservation.Instances ?? []));
    }
    return out;
  });
}

/** Ids AWS reported as missing in an InvalidInstanceID.NotFound message. */
function missingIds(err: unknown): string[] {
  const message = err instanceof Error ? err.message : '';
  return unique(message.match(/\bi-[0-9a-z]+/gi) ?? []);
}

/**
 * DescribeInstances by id, ≤ 1000 ids per call. Ids that do not exist (yet: EC2 is eventually
 * consistent right after RunInstances) are dropped and the chunk is asked again once, so the caller
 * sees them as absent rather than failing a whole poll round.
 */
export async function describeByIds(
  client: EC2Client,
  region: string,
  ids: string[],
): Promise<Ec2Instance[]> {
  const out: Ec2Instance[] = [];
  for (const ids1000 of chunk(unique(ids), LIMITS.describeIds)) {
    try {
      out.push(...(await describePages(client, region, { InstanceIds: ids1000 })));
    } catch (err) {
      const cause = err instanceof Error ? err.cause : undefined;
      if (awsErrorCode(cause) !== 'InvalidInstanceID.NotFound') throw err;
      const missing = new Set(missingIds(cause));
      const remaining = ids1000.filter((id) => !missing.has(id));
      if (missing.size === 0 || remaining.length === ids1000.length) throw err;
      if (remaining.length > 0)
        out.push(...(await describePages(client, region, { InstanceIds: remaining })));
    }
  }
  return out;
}

/** Volume details for the given ids, batched. */
export async function describeVolumes(
  client: EC2Client,
  region: string,
  ids: string[],
): Promise<Map<string, Volume>> {
  const out = new Map<string, Volume>();
  for (const batch of chunk(unique(ids), LIMITS.volumeIds)) {
    const page = await awsCall(`EC2 DescribeVolumes in ${region}`, () =>
      client.send(new DescribeVolumesCommand({ VolumeIds: batch })),
    );
    for (const v of page.Volumes ?? []) {
      if (!v.VolumeId) continue;
      out.set(v.VolumeId, {
        id: v.VolumeId,
        device: v.Attachments?.[0]?.Device ?? '',
        sizeGiB: v.Size ?? 0,
        type: v.VolumeType ?? 'unknown',
      });
    }
  }
  return out;
}

/** Raw instances → port instances, with their volumes described in batches. */
async function withVolumes(client: EC2Client, region: string, raw: Ec2Instance[]): Promise<Instance[]> {
  const volumeIds = raw.flatMap((i) => (i.BlockDeviceMappings ?? []).map((m) => m.Ebs?.VolumeId ?? ''));
  const volumes = await describeVolumes(client, region, volumeIds.filter(Boolean));
  return raw.map((i) => toInstance(i, region, volumes));
}

/** Status checks for the given ids (≤ 100 per call), including instances that are not running. */
export async function statusChecksById(
  client: EC2Client,
  region: string,
  ids: string[],
): Promise<Map<string, boolean>> {
  const healthy = new Map<string, boolean>();
  for (const batch of chunk(unique(ids), LIMITS.instanceStatusIds)) {
    let token: string | undefined;
    do {
      const page = await awsCall(`EC2 DescribeInstanceStatus in ${region}`, () =>
        client.send(
          new DescribeInstanceStatusCommand({
            InstanceIds: batch,
            IncludeAllInstances: true,
            NextToken: token,
          }),
        ),
      );
      for (const s of page.InstanceStatuses ?? []) {
        if (!s.InstanceId) continue;
        healthy.set(s.InstanceId, s.SystemStatus?.Status === 'ok' && s.InstanceStatus?.Status === 'ok');
      }
      token = page.NextToken;
    } while (token);
  }
  return healthy;
}

/** The instances a runbook protects, by tags (not terminated) or by ids. */
export async function listProtected(
  client: EC2Client,
  selector: ProtectSelector,
  region: string,
): Promise<Instance[]> {
  const tags = Object.entries(selector.tags ?? {});
  let raw: Ec2Instance[] = [];
  if (selector.instanceIds?.length) {
    raw = (await describeByIds(client, region, selector.instanceIds)).filter(
      (i) => i.State?.Name !== 'terminated',
    );
    // Both given: the ids must also carry the tags.
    raw = raw.filter((i) => tags.every(([k, v]) => tagMap(i.Tags)[k] === v));
  } else if (tags.length > 0) {
    const Filters: Filter[] = [
      ...tags.map(([k, v]) => tagFilter(k, v)),
      { Name: 'instance-state-name', Values: LIVE_STATES },
    ];
    raw = await describePages(client, region, { Filters, MaxResults: 1000 });
  }
  // a cross-zone pair: this side's zone only, before choosing one instance per origin
  if (selector.zone) raw = raw.filter((i) => i.Placement?.AvailabilityZone === selector.zone);
  const kept = new Set(
    onePerOrigin(
      raw.map((i) => ({ id: i.InstanceId ?? '', tags: tagMap(i.Tags), raw: i })),
      (i) => i.raw.LaunchTime?.getTime() ?? 0,
    ).map((i) => i.raw),
  );
  return withVolumes(
    client,
    region,
    raw.filter((i) => kept.has(i)),
  );
}

/** Instances tagged with the run id and not terminated. */
export async function findRunOwned(client: EC2Client, runId: string, region: string): Promise<Instance[]> {
  const raw = await describePages(client, region, {
    Filters: [tagFilter(TAG.runId, runId), { Name: 'instance-state-name', Values: LIVE_STATES }],
    MaxResults: 1000,
  });
  return withVolumes(client, region, raw);
}

/** Raw describe by id without volumes: used by the drill-safety guard and launch reconciliation. */
export async function describeRaw(
  client: EC2Client,
  region: string,
  input: { ids?: string[]; filters?: Filter[] },
): Promise<Ec2Instance[]> {
  if (input.ids) return describeByIds(client, region, input.ids);
  return describePages(client, region, { Filters: input.filters, MaxResults: 1000 });
}
