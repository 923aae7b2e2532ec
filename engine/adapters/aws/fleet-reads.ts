/**
 * The reads of a poll round (`describe`: a fleet's state and status checks) at as few calls as
 * EC2 allows, with what the provider learnt in earlier rounds:
 *
 * - **Status checks** (status-checks.ts): of running instances only — the others cannot have
 *   passed them — by id up to 100, above that from the region's answers (its running instances
 *   in a recovery region, only its unsettled ones in a crowded region).
 * - **Volumes.** A poll needs the instance's state, not its disks' sizes: the volume details of
 *   earlier rounds are reused for VOLUME_TTL_MS, and only volumes not seen yet are described.
 *   `listProtected` (blueprints, protection) always reads them fresh.
 */

import type { EC2Client } from '@aws-sdk/client-ec2';
import type { Instance, Volume } from '../../cloud/compute.js';
import type { Clock } from '../../ports.js';
import { chunk, LIMITS, unique } from './batching.js';
import { describeByIds, describeVolumes, toInstance } from './ec2-inventory.js';
import { StatusChecks } from './status-checks.js';

/** How long a volume's size and type are reused by poll rounds. */
export const VOLUME_TTL_MS = 10 * 60_000;

export class FleetReads {
  private readonly statusChecks: StatusChecks;
  private readonly volumes = new Map<string, { volume: Volume; at: number }>();

  constructor(private readonly clock: Clock) {
    this.statusChecks = new StatusChecks(clock);
  }

  /** One batched describe for a fleet: instances with `healthy` from both status checks. */
  async describe(client: EC2Client, ids: string[], region: string): Promise<Instance[]> {
    if (ids.length === 0) return [];
    const raw = await describeByIds(client, region, ids);
    const volumeIds = raw.flatMap((i) => (i.BlockDeviceMappings ?? []).map((m) => m.Ebs?.VolumeId ?? ''));
    const volumes = await this.volumeDetails(client, region, volumeIds.filter(Boolean));
    const instances = raw.map((i) => toInstance(i, region, volumes));
    const running = instances.filter((i) => i.state === 'running').map((i) => i.id);
    const others = instances.filter((i) => i.state !== 'running').map((i) => i.id);
    const checks = await this.statusChecks.of(client, region, running, others);
    return instances.map((i) => ({ ...i, healthy: checks.get(i.id) ?? false }));
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
