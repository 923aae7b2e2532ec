/**
 * Recovery points are AMIs and EBS snapshot sets that drbot created, found by their tags
 * (`drbot:source-instance`, `drbot:captured-at`, `drbot:capture-key`), owner self, every page
 * read. Retention only ever deletes resources carrying these tags.
 */
import {
  DeleteSnapshotCommand,
  DeregisterImageCommand,
  type EC2Client,
  type Image,
  paginateDescribeImages,
  paginateDescribeSnapshots,
  type Snapshot,
} from '@aws-sdk/client-ec2';
import type { RecoveryPoint } from '../../cloud/recovery-points.js';
import { awsCall } from './errors.js';
import { TAG, tagFilter, tagMap } from './tags.js';

/** A recovery point plus the AWS resources behind it (one AMI, or every snapshot of a set). */
export interface StoredPoint extends RecoveryPoint {
  captureKey?: string;
  snapshotIds: string[];
}

function imageState(state: string | undefined): RecoveryPoint['state'] {
  if (state === 'available') return 'available';
  if (state === 'pending' || state === 'transient') return 'pending';
  return 'error';
}

function capturedAt(tags: Record<string, string>): number {
  const at = Date.parse(tags[TAG.capturedAt] ?? '');
  return Number.isFinite(at) ? at : 0;
}

/** An AMI drbot made → recovery point (undefined when it lacks drbot's capture tags). */
export function imageToPoint(image: Image, region: string): StoredPoint | undefined {
  const tags = tagMap(image.Tags);
  const source = tags[TAG.sourceInstance];
  if (!image.ImageId || !source || !tags[TAG.capturedAt]) return undefined;
  return {
    id: image.ImageId,
    kind: 'ami',
    region,
    sourceInstanceId: source,
    capturedAt: capturedAt(tags),
    appConsistent: tags[TAG.appConsistent] === 'true',
    state: imageState(image.State),
    captureKey: tags[TAG.captureKey],
    snapshotIds: (image.BlockDeviceMappings ?? []).map((m) => m.Ebs?.SnapshotId ?? '').filter(Boolean),
  };
}

/**
 * Snapshots of one capture form one point. Its id is the snapshot of the first device (by the
 * `drbot:device` tag, then by id), so the same set always has the same id.
 */
export function snapshotsToPoints(snapshots: Snapshot[], region: string): StoredPoint[] {
  const sets = new Map<string, Snapshot[]>();
  for (const snap of snapshots) {
    const tags = tagMap(snap.Tags);
    if (!snap.SnapshotId || !tags[TAG.sourceInstance] || !tags[TAG.capturedAt]) continue;
    const key = `${tags[TAG.sourceInstance]}|${tags[TAG.captureKey] ?? snap.SnapshotId}`;
    sets.set(key, [...(sets.get(key) ?? []), snap]);
  }
  const order = (s: Snapshot) => `${tagMap(s.Tags)[TAG.device] ?? '~'}|${s.SnapshotId}`;
  return [...sets.values()].map((set) => {
    const sorted = [...set].sort((a, b) => order(a).localeCompare(order(b)));
    const first = sorted[0] as Snapshot;
    const tags = tagMap(first.Tags);
    const states = sorted.map((s) => s.State);
    return {
      id: first.SnapshotId ?? '',
      kind: 'snapshot' as const,
      region,
      sourceInstanceId: tags[TAG.sourceInstance] ?? '',
      capturedAt: capturedAt(tags),
      appConsistent: tags[TAG.appConsistent] === 'true',
      state: states.includes('error')
        ? 'error'
        : states.every((s) => s === 'completed')
          ? 'available'
          : 'pending',
      captureKey: tags[TAG.captureKey],
      snapshotIds: sorted.map((s) => s.SnapshotId ?? ''),
    };
  });
}

/** Extra tag filters, e.g. one capture key. */
type Filters = { Name: string; Values: string[] }[];

export async function listImagePoints(
  client: EC2Client,
  region: string,
  sourceInstanceId: string,
  extra: Filters = [],
): Promise<StoredPoint[]> {
  return awsCall(`EC2 DescribeImages in ${region}`, async () => {
    const out: StoredPoint[] = [];
    const Filters = [tagFilter(TAG.sourceInstance, sourceInstanceId), ...extra];
    for await (const page of paginateDescribeImages(
      { client },
      { Owners: ['self'], Filters, MaxResults: 1000 },
    )) {
      for (const image of page.Images ?? []) {
        const point = imageToPoint(image, region);
        if (point) out.push(point);
      }
    }
    return out;
  });
}

export async function listSnapshotPoints(
  client: EC2Client,
  region: string,
  sourceInstanceId: string,
  extra: Filters = [],
): Promise<StoredPoint[]> {
  return awsCall(`EC2 DescribeSnapshots in ${region}`, async () => {
    const snapshots: Snapshot[] = [];
    const Filters = [tagFilter(TAG.sourceInstance, sourceInstanceId), ...extra];
    const input = { OwnerIds: ['self'], Filters, MaxResults: 1000 };
    for await (const page of paginateDescribeSnapshots({ client }, input))
      snapshots.push(...(page.Snapshots ?? []));
    return snapshotsToPoints(snapshots, region);
  });
}

/** Every drbot recovery point of the instance in the region, newest first. */
export async function listPoints(
  client: EC2Client,
  region: string,
  sourceInstanceId: string,
): Promise<StoredPoint[]> {
  const images = await listImagePoints(client, region, sourceInstanceId);
  // Snapshots that back an AMI belong to that AMI, not to a snapshot set of their own.
  const backing = new Set(images.flatMap((p) => p.snapshotIds));
  const sets = (await listSnapshotPoints(client, region, sourceInstanceId)).filter(
    (p) => !p.snapshotIds.some((id) => backing.has(id)),
  );
  return [...images, ...sets].sort((a, b) => b.capturedAt - a.capturedAt || a.id.localeCompare(b.id));
}

/** The port's view of a stored point (drops the AWS bookkeeping). */
export function publicPoint(point: StoredPoint): RecoveryPoint {
  const { captureKey: _key, snapshotIds: _ids, ...rest } = point;
  return rest;
}

/**
 * Keeps the newest `keep` available points; deletes older available ones and failed ones. Pending
 * points are never deleted (a copy may still be running) and never count towards `keep`, so a
 * copy that later fails cannot have cost an older good point.
 */
export async function prunePoints(
  client: EC2Client,
  region: string,
  sourceInstanceId: string,
  keep: number,
): Promise<string[]> {
  const points = await listPoints(client, region, sourceInstanceId);
  const pruned: string[] = [];
  let kept = 0;
  for (const point of points) {
    if (point.state === 'pending') continue;
    if (point.state === 'available' && kept < keep) {
      kept++;
      continue;
    }
    await deletePoint(client, region, point);
    pruned.push(point.id);
  }
  return pruned;
}

async function deletePoint(client: EC2Client, region: string, point: StoredPoint): Promise<void> {
  if (point.kind === 'ami') {
    await awsCall(`EC2 DeregisterImage ${point.id} in ${region}`, () =>
      client.send(new DeregisterImageCommand({ ImageId: point.id, DeleteAssociatedSnapshots: true })),
    );
    return;
  }
  for (const SnapshotId of point.snapshotIds) {
    await awsCall(`EC2 DeleteSnapshot ${SnapshotId} in ${region}`, () =>
      client.send(new DeleteSnapshotCommand({ SnapshotId })),
    );
  }
}
