/**
 * The reads of a poll round (`describe`: a fleet's state and status checks) at as few calls as
 * EC2 allows, with what the provider learnt in earlier rounds:
 *
 * - **Status checks.** DescribeInstanceStatus takes at most 100 explicit ids per call, or pages
 *   of 1000 of the region's running instances. In a recovery region the copies are most of what
 *   runs, so above 100 ids the region is paged (running only) until every id is seen: one call
 *   per 1000 instances instead of 10. A region where that costs more than half the by-id calls
 *   (a big production fleet beside the copies) is asked by id from then on, so a round pays for
 *   the probe at most once per provider. Only running instances are asked about: the others
 *   cannot have passed their checks.
 * - **Volumes.** A poll needs the instance's state, not its disks' sizes: the volume details of
 *   earlier rounds are reused for VOLUME_TTL_MS, and only volumes not seen yet are described.
 *   `listProtected` (blueprints, protection) always reads them fresh.
 */

import { DescribeInstanceStatusCommand, type EC2Client } from '@aws-sdk/client-ec2';
import type { Instance, Volume } from '../../cloud/compute.js';
import type { Clock } from '../../ports.js';
import { chunk, LIMITS, unique } from './batching.js';
import { describeByIds, describeVolumes, statusChecksById, toInstance } from './ec2-inventory.js';
import { awsCall } from './errors.js';

/** How long a volume's size and type are reused by poll rounds. */
export const VOLUME_TTL_MS = 10 * 60_000;
/** DescribeInstanceStatus MaxResults without InstanceIds (EC2's maximum). */
const STATUS_PAGE = 1000;

export class FleetReads {
  /** Regions where paging the running instances proved dearer than asking by id. */
  private readonly askById = new Set<string>();
  private readonly volumes = new Map<string, { volume: Volume; at: number }>();

  constructor(private readonly clock: Clock) {}

  /** One batched describe for a fleet: instances with `healthy` from both status checks. */
  async describe(client: EC2Client, ids: string[], region: string): Promise<Instance[]> {
    if (ids.length === 0) return [];
    const raw = await describeByIds(client, region, ids);
    const volumeIds = raw.flatMap((i) => (i.BlockDeviceMappings ?? []).map((m) => m.Ebs?.VolumeId ?? ''));
    const volumes = await this.volumeDetails(client, region, volumeIds.filter(Boolean));
    const instances = raw.map((i) => toInstance(i, region, volumes));
    const running = instances.filter((i) => i.state === 'running').map((i) => i.id);
    const checks = await this.statusChecks(client, region, running);
    return instances.map((i) => ({ ...i, healthy: checks.get(i.id) ?? false }));
  }

  private async statusChecks(
    client: EC2Client,
    region: string,
    ids: string[],
  ): Promise<Map<string, boolean>> {
    const wanted = unique(ids);
    const byIdCalls = Math.ceil(wanted.length / LIMITS.instanceStatusIds);
    if (byIdCalls <= 1 || this.askById.has(region)) return statusChecksById(client, region, wanted);
    const healthy = new Map<string, boolean>();
    const unseen = new Set(wanted);
    const budget = Math.max(1, Math.floor(byIdCalls / 2));
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await awsCall(`EC2 DescribeInstanceStatus in ${region}`, () =>
        client.send(
          new DescribeInstanceStatusCommand({
            Filters: [{ Name: 'instance-state-name', Values: ['running'] }],
            MaxResults: STATUS_PAGE,
            NextToken: token,
          }),
        ),
      );
      pages++;
      for (const s of page.InstanceStatuses ?? []) {
        if (!s.InstanceId || !unseen.delete(s.InstanceId)) continue;
        healthy.set(s.InstanceId, s.SystemStatus?.Status === 'ok' && s.InstanceStatus?.Status === 'ok');
      }
      token = page.NextToken;
    } while (token && unseen.size > 0 && pages < budget);
    // every page read (no token): an id not listed stopped running meanwhile, so it is not healthy
    if (unseen.size === 0 || !token) return healthy;
    this.askById.add(region);
    for (const [id, ok] of await statusChecksById(client, region, [...unseen])) healthy.set(id, ok);
    return healthy;
  }

  private async volumeDetails(
    client: EC2Client,
    region: string,
    ids: string[],
  ): Promise<Map<string, Volume>> {
    const now = this.clock.now();
    const out = new Map<string, Volume>();
    const stale: string[] = [];
    for (const id of unique(ids)) {
      const known = this.volumes.get(id);
      if (known && now - known.at < VOLUME_TTL_MS) out.set(id, known.volume);
      else stale.push(id);
    }
    for (const batch of chunk(stale, LIMITS.volumeIds)) {
      for (const [id, volume] of await describeVolumes(client, region, batch)) {
        this.volumes.set(id, { volume, at: now });
        out.set(id, volume);
      }
    }
    // a fleet's volumes come and go with its instances: forget what expired
    for (const [id, known] of this.volumes) if (now - known.at >= VOLUME_TTL_MS) this.volumes.delete(id);
    return out;
  }
}
