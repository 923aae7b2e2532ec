/**
 * Object storage on AWS (ObjectStoragePort) through injected S3Clients: bucket location and
 * versioning, replication rules, and replication markers. A marker is deleted with every version
 * (a plain DeleteObject on a versioned bucket only adds a delete marker), and only keys under
 * drbot's marker prefix are ever written or deleted.
 */
import {
  DeleteObjectsCommand,
  GetBucketLocationCommand,
  GetBucketReplicationCommand,
  GetBucketVersioningCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  type BucketInfo,
  MARKER_PREFIX,
  type ObjectStoragePort,
  type ReplicationRule,
} from '../../../cloud/object-storage.js';
import { NonRetryableError } from '../../../errors.js';
import { awsCall } from '../errors.js';

export interface AwsObjectStorageOptions {
  /** @default `(region) => new S3Client({ region })` */
  s3?: (region: string) => S3Client;
  /** Region for GetBucketLocation (any works). @default us-east-1 */
  homeRegion?: string;
}

const missing = (err: unknown) => {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return (
    e?.name === 'NoSuchBucket' ||
    e?.name === 'NotFound' ||
    e?.name === 'NoSuchKey' ||
    e?.$metadata?.httpStatusCode === 404
  );
};

function own(key: string): void {
  if (!key.startsWith(MARKER_PREFIX))
    throw new NonRetryableError(`Refused to write or delete ${key}: it is not a drbot marker.`, {
      code: 'DRILL_SAFETY',
      explanation: `drbot only writes and deletes objects under ${MARKER_PREFIX}; everything else belongs to the application.`,
      action: 'This is a bug in the caller: report it with the run id.',
    });
}

export class AwsObjectStorage implements ObjectStoragePort {
  private readonly clients = new Map<string, S3Client>();

  constructor(private readonly options: AwsObjectStorageOptions = {}) {}

  private s3(region: string): S3Client {
    let client = this.clients.get(region);
    if (!client) {
      client = this.options.s3 ? this.options.s3(region) : new S3Client({ region });
      this.clients.set(region, client);
    }
    return client;
  }

  async describeBucket(bucket: string): Promise<BucketInfo> {
    let region: string;
    try {
      const out = await this.s3(this.options.homeRegion ?? 'us-east-1').send(
        new GetBucketLocationCommand({ Bucket: bucket }),
      );
      // us-east-1 answers with an empty constraint
      region = out.LocationConstraint || 'us-east-1';
    } catch (err) {
      if (missing(err)) return { bucket, exists: false, versioning: 'Off' };
      return awsCall('GetBucketLocation', () => Promise.reject(err));
    }
    const v = await awsCall('GetBucketVersioning', () =>
      this.s3(region).send(new GetBucketVersioningCommand({ Bucket: bucket })),
    );
    return {
      bucket,
      exists: true,
      region,
      versioning: v.Status === 'Enabled' ? 'Enabled' : v.Status === 'Suspended' ? 'Suspended' : 'Off',
    };
  }

  async replicationRules(bucket: string, region: string): Promise<ReplicationRule[]> {
    try {
      const out = await this.s3(region).send(new GetBucketReplicationCommand({ Bucket: bucket }));
      return (out.ReplicationConfiguration?.Rules ?? []).map((r, i) => ({
        id: r.ID ?? `rule-${i + 1}`,
        status: r.Status === 'Enabled' ? 'Enabled' : 'Disabled',
        destinationBucket: (r.Destination?.Bucket ?? '').replace(/^arn:[^:]+:s3:::/, ''),
        metricsEnabled: r.Destination?.Metrics?.Status === 'Enabled',
        ...(r.Filter?.Prefix !== undefined
          ? { prefix: r.Filter.Prefix }
          : r.Prefix !== undefined
            ? { prefix: r.Prefix }
            : {}),
      }));
    } catch (err) {
      if ((err as { name?: string }).name === 'ReplicationConfigurationNotFoundError') return [];
      return awsCall('GetBucketReplication', () => Promise.reject(err));
    }
  }

  async putMarker(bucket: string, region: string, key: string, body: string): Promise<void> {
    own(key);
    await awsCall('PutObject', () =>
      this.s3(region).send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/json' }),
      ),
    );
  }

  async markerArrived(bucket: string, region: string, key: string): Promise<boolean> {
    try {
      await this.s3(region).send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return true;
    } catch (err) {
      if (missing(err)) return false;
      return awsCall('HeadObject', () => Promise.reject(err));
    }
  }

  async deleteMarker(bucket: string, region: string, key: string): Promise<void> {
    own(key);
    const out = await awsCall('ListObjectVersions', () =>
      this.s3(region).send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: key })),
    );
    const Objects = [...(out.Versions ?? []), ...(out.DeleteMarkers ?? [])]
      .filter((v) => v.Key === key)
      .map((v) => ({ Key: key, ...(v.VersionId ? { VersionId: v.VersionId } : {}) }));
    if (Objects.length === 0) return;
    await awsCall('DeleteObjects', () =>
      this.s3(region).send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects, Quiet: true } })),
    );
  }
}

export function createAwsObjectStorage(options: AwsObjectStorageOptions = {}): AwsObjectStorage {
  return new AwsObjectStorage(options);
}
