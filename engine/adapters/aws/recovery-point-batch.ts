/**
 * The newest available recovery point of many instances at once: DescribeImages and
 * DescribeSnapshots filtered on `tag:drbot:source-instance` with up to 200 instance ids per
 * request (EC2's limit of values per filter), every page read. A fleet of 1000 instances costs
 * 5 + 5 calls (plus extra pages), not 2000.
 *
 * A throttled page is retried on its own within the lookup (with the NextToken it had), so one
 * RequestLimitExceeded among many pages does not fail the whole RPO gate (issue #13).
 */
import {
  DescribeImagesCommand,
  DescribeSnapshotsCommand,
  type EC2Client,
  type Image,
  type Snapshot,
} from '@aws-sdk/client-ec2';
import type { RecoveryPoint } from '../../cloud/recovery-points.js';
import { chunk, unique } from './batching.js';
import { awsCall, isThrottling } from './errors.js';
import { imageToPoint, publicPoint, type StoredPoint, snapshotsToPoints } from './recovery-points.js';
import { TAG, tagFilter } from './tags.js';

/** EC2: "You can specify up to 200 values for a filter." */
export const FILTER_VALUES_MAX = 200;

export interface PageRetry {
  /** Tries per page, the first included. @default 5 */
  attempts?: number;
  /** Waits between tries of a throttled page (exponential from 200 ms). @default setTimeout */
  sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** One page call, retried while AWS throttles it (other errors are thrown at once, mapped). */
async function page<T>(operation: string, retry: PageRetry, call: () => Promise<T>): Promise<T> {
  const attempts = retry.attempts ?? 5;
  const sleep = retry.sleep ?? realSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (!isThrottling(err) || attempt >= attempts) return awsCall(operation, () => Promise.reject(err));
      await sleep(200 * 2 ** (attempt - 1));
    }
  }
}

async function imagesOf(client: EC2Client, region: string, ids: string[], retry: PageRetry) {
  const images: Image[] = [];
  let NextToken: string | undefined;
  do {
    const input = {
      Owners: ['self'],
      Filters: [tagFilter(TAG.sourceInstance, ...ids)],
      MaxResults: 1000,
      ...(NextToken ? { NextToken } : {}),
    };
    const out = await page(`EC2 DescribeImages in ${region}`, retry, () =>
      client.send(new DescribeImagesCommand(input)),
    );
    images.push(...(out.Images ?? []));
    NextToken = out.NextToken;
  } while (NextToken);
  return images;
}

async function snapshotsOf(client: EC2Client, region: string, ids: string[], retry: PageRetry) {
  const snapshots: Snapshot[] = [];
  let NextToken: string | undefined;
  do {
    const input = {
      OwnerIds: ['self'],
      Filters: [tagFilter(TAG.sourceInstance, ...ids)],
      MaxResults: 1000,
      ...(NextToken ? { NextToken } : {}),
    };
    const out = await page(`EC2 DescribeSnapshots in ${region}`, retry, () =>
      client.send(new DescribeSnapshotsCommand(input)),
    );
    snapshots.push(...(out.Snapshots ?? []));
    NextToken = out.NextToken;
  } while (NextToken);
  return snapshots;
}

/** Source instance id → its newest available point; instances without one are absent. */
export async function latestPointsBatch(
  client: EC2Client,
  region: string,
  sourceInstanceIds: readonly string[],
  retry: PageRetry = {},
): Promise<Record<string, RecoveryPoint>> {
  const wanted = new Set(sourceInstanceIds);
  const all: StoredPoint[] = [];
  for (const ids of chunk(unique(sourceInstanceIds), FILTER_VALUES_MAX)) {
    const images = (await imagesOf(client, region, ids, retry))
      .map((image) => imageToPoint(image, region))
      .filter((p): p is StoredPoint => p !== undefined);
    // Snapshots that back an AMI belong to that AMI, not to a snapshot set of their own.
    const backing = new Set(images.flatMap((p) => p.snapshotIds));
    const sets = snapshotsToPoints(await snapshotsOf(client, region, ids, retry), region).filter(
      (p) => !p.snapshotIds.some((id) => backing.has(id)),
    );
    all.push(...images, ...sets);
  }
  const newest: Record<string, StoredPoint> = {};
  for (const point of all) {
    if (point.state !== 'available' || !wanted.has(point.sourceInstanceId)) continue;
    const best = newest[point.sourceInstanceId];
    // The same order as listPoints: newest capture first, then id, so both methods agree.
    if (
      !best ||
      point.capturedAt > best.capturedAt ||
      (point.capturedAt === best.capturedAt && point.id < best.id)
    ) {
      newest[point.sourceInstanceId] = point;
    }
  }
  return Object.fromEntries(Object.entries(newest).map(([id, p]) => [id, publicPoint(p)]));
}
