/**
 * The `objectStorage` capability: buckets, their versioning and cross-region replication rules,
 * and the marker objects drbot writes to measure replication lag. drbot never deletes an object
 * it did not write: `deleteMarker` refuses any key outside the marker prefix.
 */

/** Where drbot writes its replication markers; nothing else is ever deleted. */
export const MARKER_PREFIX = 'drbot-markers/';

export interface BucketInfo {
  bucket: string;
  exists: boolean;
  region?: string;
  versioning: 'Enabled' | 'Suspended' | 'Off';
}

export interface ReplicationRule {
  id: string;
  status: 'Enabled' | 'Disabled';
  /** The destination bucket's name (from its ARN). */
  destinationBucket: string;
  /** Whether S3 replication metrics (and time control) are on for the rule. */
  metricsEnabled: boolean;
  prefix?: string;
}

export interface ObjectStoragePort {
  describeBucket(bucket: string): Promise<BucketInfo>;
  /** The bucket's replication rules; [] when it has no replication configuration. */
  replicationRules(bucket: string, region: string): Promise<ReplicationRule[]>;
  putMarker(bucket: string, region: string, key: string, body: string): Promise<void>;
  /** Whether the object exists (a replica counts once it has arrived). */
  markerArrived(bucket: string, region: string, key: string): Promise<boolean>;
  deleteMarker(bucket: string, region: string, key: string): Promise<void>;
}
