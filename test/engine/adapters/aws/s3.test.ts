/** The AWS object-storage adapter's S3 calls, checked for their exact request shapes. */
import {
  DeleteObjectsCommand,
  GetBucketLocationCommand,
  GetBucketReplicationCommand,
  GetBucketVersioningCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createAwsObjectStorage } from '../../../../engine/adapters/aws/s3/aws-object-storage.js';

const s3 = mockClient(S3Client);
const missing = (name: string) =>
  new S3ServiceException({ name, message: name, $fault: 'client', $metadata: { httpStatusCode: 404 } });
const adapter = () => createAwsObjectStorage({ s3: (region) => new S3Client({ region }) });
const KEY = 'drbot-markers/run-1/assets';

beforeEach(() => s3.reset());

describe('AwsObjectStorage', () => {
  it('GetBucketLocation + GetBucketVersioning: an empty constraint is us-east-1, versioning read in its region', async () => {
    s3.on(GetBucketLocationCommand).resolves({});
    s3.on(GetBucketVersioningCommand).resolves({ Status: 'Enabled' });
    expect(await adapter().describeBucket('shop-assets')).toEqual({
      bucket: 'shop-assets',
      exists: true,
      region: 'us-east-1',
      versioning: 'Enabled',
    });
    expect(s3.commandCalls(GetBucketLocationCommand)[0]?.args[0].input).toEqual({ Bucket: 'shop-assets' });
    expect(s3.commandCalls(GetBucketVersioningCommand)[0]?.args[0].input).toEqual({ Bucket: 'shop-assets' });
  });

  it('GetBucketLocation: a missing bucket is reported as not existing', async () => {
    s3.on(GetBucketLocationCommand).rejects(missing('NoSuchBucket'));
    expect(await adapter().describeBucket('gone')).toMatchObject({ exists: false });
  });

  it('GetBucketReplication: rules with their destination bucket name and metrics status', async () => {
    s3.on(GetBucketReplicationCommand).resolves({
      ReplicationConfiguration: {
        Role: 'arn:aws:iam::1:role/r',
        Rules: [
          {
            ID: 'to-west',
            Status: 'Enabled',
            Destination: { Bucket: 'arn:aws:s3:::shop-assets-dr', Metrics: { Status: 'Enabled' } },
          },
          { ID: 'old', Status: 'Disabled', Destination: { Bucket: 'arn:aws:s3:::archive' } },
        ],
      },
    });
    expect(await adapter().replicationRules('shop-assets', 'us-east-1')).toEqual([
      { id: 'to-west', status: 'Enabled', destinationBucket: 'shop-assets-dr', metricsEnabled: true },
      { id: 'old', status: 'Disabled', destinationBucket: 'archive', metricsEnabled: false },
    ]);
    expect(s3.commandCalls(GetBucketReplicationCommand)[0]?.args[0].input).toEqual({ Bucket: 'shop-assets' });
  });

  it('GetBucketReplication: no configuration means no rules', async () => {
    s3.on(GetBucketReplicationCommand).rejects(missing('ReplicationConfigurationNotFoundError'));
    expect(await adapter().replicationRules('shop-assets', 'us-east-1')).toEqual([]);
  });

  it('PutObject: writes the marker under the drbot prefix', async () => {
    s3.on(PutObjectCommand).resolves({});
    await adapter().putMarker('shop-assets', 'us-east-1', KEY, '{"runId":"run-1"}');
    expect(s3.commandCalls(PutObjectCommand)[0]?.args[0].input).toEqual({
      Bucket: 'shop-assets',
      Key: KEY,
      Body: '{"runId":"run-1"}',
      ContentType: 'application/json',
    });
  });

  it('refuses PutObject and DeleteObjects outside the marker prefix: application objects are never touched', async () => {
    await expect(adapter().putMarker('shop-assets', 'us-east-1', 'index.html', 'x')).rejects.toMatchObject({
      code: 'DRILL_SAFETY',
    });
    await expect(adapter().deleteMarker('shop-assets', 'us-east-1', 'index.html')).rejects.toMatchObject({
      code: 'DRILL_SAFETY',
    });
    expect(s3.calls()).toHaveLength(0);
  });

  it('HeadObject: a replica that has not arrived yet is false', async () => {
    s3.on(HeadObjectCommand).rejectsOnce(missing('NotFound')).resolves({});
    const storage = adapter();
    expect(await storage.markerArrived('shop-assets-dr', 'us-west-2', KEY)).toBe(false);
    expect(await storage.markerArrived('shop-assets-dr', 'us-west-2', KEY)).toBe(true);
    expect(s3.commandCalls(HeadObjectCommand)[0]?.args[0].input).toEqual({
      Bucket: 'shop-assets-dr',
      Key: KEY,
    });
  });

  it('ListObjectVersions + DeleteObjects: deletes every version and delete marker of the marker key only', async () => {
    s3.on(ListObjectVersionsCommand).resolves({
      Versions: [
        { Key: KEY, VersionId: 'v1' },
        { Key: `${KEY}-other`, VersionId: 'v9' },
      ],
      DeleteMarkers: [{ Key: KEY, VersionId: 'dm1' }],
    });
    s3.on(DeleteObjectsCommand).resolves({});
    await adapter().deleteMarker('shop-assets', 'us-east-1', KEY);
    expect(s3.commandCalls(ListObjectVersionsCommand)[0]?.args[0].input).toEqual({
      Bucket: 'shop-assets',
      Prefix: KEY,
    });
    expect(s3.commandCalls(DeleteObjectsCommand)[0]?.args[0].input).toEqual({
      Bucket: 'shop-assets',
      Delete: {
        Objects: [
          { Key: KEY, VersionId: 'v1' },
          { Key: KEY, VersionId: 'dm1' },
        ],
        Quiet: true,
      },
    });
  });
});
