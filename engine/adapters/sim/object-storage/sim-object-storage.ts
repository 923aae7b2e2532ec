/**
 * The simulated object store (ObjectStoragePort): buckets seeded from the world's `data.buckets`,
 * with versioning and replication rules whose replicas arrive after the rule's lag on the sim
 * clock. Only what drbot writes (replication markers) is ever stored or deleted.
 */
import {
  type BucketInfo,
  MARKER_PREFIX,
  type ObjectStoragePort,
  type ReplicationRule,
} from '../../../cloud/object-storage.js';
import { parseDuration } from '../../../duration.js';
import { NonRetryableError } from '../../../errors.js';
import type { Clock } from '../../../ports.js';
import type { SeedBucket } from '../database/seed.js';

export interface SimObjectState {
  version: 1;
  /** `bucket/key` → when the object exists from (a replica's arrival time). */
  objects: Record<string, number>;
  puts: number;
  deletes: number;
}

export interface SimObjectStorageOptions {
  buckets: SeedBucket[];
  clock: Clock;
  latencyScale?: number;
  state?: SimObjectState;
  persist?: (state: SimObjectState) => void | Promise<void>;
}

export class SimObjectStorage implements ObjectStoragePort {
  private readonly state: SimObjectState;
  private readonly buckets: Map<string, SeedBucket>;

  constructor(private readonly options: SimObjectStorageOptions) {
    this.state = options.state
      ? structuredClone(options.state)
      : { version: 1, objects: {}, puts: 0, deletes: 0 };
    this.buckets = new Map(options.buckets.map((b) => [b.name, b]));
  }

  snapshot(): SimObjectState {
    return structuredClone(this.state);
  }

  /** Objects currently stored (tests check drills leave none behind). */
  objectKeys(): string[] {
    return Object.keys(this.state.objects);
  }

  async describeBucket(bucket: string): Promise<BucketInfo> {
    const b = this.buckets.get(bucket);
    if (!b) return { bucket, exists: false, versioning: 'Off' };
    return { bucket, exists: true, region: b.region, versioning: b.versioning === false ? 'Off' : 'Enabled' };
  }

  async replicationRules(bucket: string): Promise<ReplicationRule[]> {
    return (this.buckets.get(bucket)?.replication ?? []).map((r, i) => ({
      id: r.id ?? `rule-${i + 1}`,
      status: r.enabled === false ? 'Disabled' : 'Enabled',
      destinationBucket: r.destination,
      metricsEnabled: r.metrics === true,
    }));
  }

  async putMarker(bucket: string, _region: string, key: string, _body: string): Promise<void> {
    this.own(key);
    const now = this.options.clock.now();
    this.state.objects[`${bucket}/${key}`] = now;
    this.state.puts += 1;
    const source = this.buckets.get(bucket);
    for (const rule of source?.replication ?? []) {
      const dest = this.buckets.get(rule.destination);
      // S3 replicates only with versioning on at both ends and an enabled rule
      if (rule.enabled === false || !dest || source?.versioning === false || dest.versioning === false)
        continue;
      const lag = Math.round(parseDuration(rule.lag ?? '15s') * (this.options.latencyScale ?? 1));
      this.state.objects[`${dest.name}/${key}`] = now + lag;
    }
    await this.options.persist?.(this.snapshot());
  }

  async markerArrived(bucket: string, _region: string, key: string): Promise<boolean> {
    const at = this.state.objects[`${bucket}/${key}`];
    return at !== undefined && at <= this.options.clock.now();
  }

  async deleteMarker(bucket: string, _region: string, key: string): Promise<void> {
    this.own(key);
    if (delete this.state.objects[`${bucket}/${key}`]) this.state.deletes += 1;
    await this.options.persist?.(this.snapshot());
  }

  private own(key: string): void {
    if (key.startsWith(MARKER_PREFIX)) return;
    throw new NonRetryableError(`Refused to write or delete ${key}: it is not a drbot marker.`, {
      code: 'DRILL_SAFETY',
      explanation: `drbot only writes and deletes objects under ${MARKER_PREFIX}; everything else belongs to the application.`,
      action: 'This is a bug in the caller: report it with the run id.',
    });
  }
}
