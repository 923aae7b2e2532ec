/**
 * Recovery points on ECS: custom images (m-…, launchable; the port's kind `ami`) or disk snapshot
 * sets (s-…), that drbot created, found by their tags (`drbot:source-instance`,
 * `drbot:captured-at`, `drbot:capture-key`), every page read (100 per page). Retention only ever
 * deletes resources carrying these tags. DescribeImages answers only Available images unless
 * Status lists the others, so every lookup asks for all of them.
 */
import * as Ecs from '@alicloud/ecs20140526';
import type { RecoveryPoint } from '../../cloud/recovery-points.js';
import type { EcsClient } from './clients.js';
import { aliCall } from './errors.js';
import { ECS_BATCH } from './inventory.js';
import { TAG, tagList, tagMap } from './tags.js';

export interface StoredPoint extends RecoveryPoint {
  captureKey?: string;
  snapshotIds: string[];
}

const IMAGE_STATUSES = 'Creating,Waiting,Available,CreateFailed,UnAvailable';

function imageState(status: string | undefined): RecoveryPoint['state'] {
  if (status === 'Available') return 'available';
  if (status === 'Creating' || status === 'Waiting') return 'pending';
  return 'error';
}

function capturedAt(tags: Record<string, string>): number {
  const at = Date.parse(tags[TAG.capturedAt] ?? '');
  return Number.isFinite(at) ? at : 0;
}

/** drbot's images in `region`, filtered by tags (a tag with value '' matches any value). */
export async function listImagePoints(
  client: EcsClient,
  region: string,
  tags: Record<string, string>,
): Promise<StoredPoint[]> {
  const out: StoredPoint[] = [];
  for (let pageNumber = 1; ; pageNumber++) {
    const res = await aliCall(`ECS DescribeImages in ${region}`, () =>
      client.describeImages(
        new Ecs.DescribeImagesRequest({
          regionId: region,
          imageOwnerAlias: 'self',
          status: IMAGE_STATUSES,
          tag: tagList(tags).map((t) => (t.value === '' ? { key: t.key } : t)),
          pageSize: ECS_BATCH,
          pageNumber,
        }),
      ),
    );
    const page = res.body?.images?.image ?? [];
    for (const image of page) {
      const t = tagMap(image.tags);
      const source = t[TAG.sourceInstance];
      if (!image.imageId || !source || !t[TAG.capturedAt]) continue;
      out.push({
        id: image.imageId,
        kind: 'ami',
        region,
        sourceInstanceId: source,
        capturedAt: capturedAt(t),
        appConsistent: t[TAG.appConsistent] === 'true',
        state: imageState(image.status),
        captureKey: t[TAG.captureKey],
        snapshotIds: [],
      });
    }
    if (page.length < ECS_BATCH || pageNumber * ECS_BATCH >= (res.body?.totalCount ?? 0)) break;
  }
  return out.sort((a, b) => b.capturedAt - a.capturedAt);
}

/** drbot's snapshot sets in `region`: the snapshots of one capture key form one point. */
export async function listSnapshotPoints(
  client: EcsClient,
  region: string,
  tags: Record<string, string>,
): Promise<StoredPoint[]> {
  const sets = new Map<string, StoredPoint>();
  for (let pageNumber = 1; ; pageNumber++) {
    const res = await aliCall(`ECS DescribeSnapshots in ${region}`, () =>
      client.describeSnapshots(
        new Ecs.DescribeSnapshotsRequest({
          regionId: region,
          status: 'all',
          tag: tagList(tags).map((t) => (t.value === '' ? { key: t.key } : t)),
          pageSize: ECS_BATCH,
          pageNumber,
        }),
      ),
    );
    const page = res.body?.snapshots?.snapshot ?? [];
    for (const snap of page) {
      const t = tagMap(snap.tags);
      const source = t[TAG.sourceInstance];
      if (!snap.snapshotId || !source || !t[TAG.capturedAt]) continue;
      const key = `${source}|${t[TAG.captureKey] ?? snap.snapshotId}`;
      const state: RecoveryPoint['state'] =
        snap.status === 'accomplished' ? 'available' : snap.status === 'failed' ? 'error' : 'pending';
      const set = sets.get(key);
      if (set) {
        set.snapshotIds.push(snap.snapshotId);
        set.snapshotIds.sort();
        set.id = set.snapshotIds[0] as string;
        if (state !== 'available') set.state = set.state === 'error' ? 'error' : state;
      } else {
        sets.set(key, {
          id: snap.snapshotId,
          kind: 'snapshot',
          region,
          sourceInstanceId: source,
          capturedAt: capturedAt(t),
          appConsistent: t[TAG.appConsistent] === 'true',
          state,
          captureKey: t[TAG.captureKey],
          snapshotIds: [snap.snapshotId],
        });
      }
    }
    if (page.length < ECS_BATCH || pageNumber * ECS_BATCH >= (res.body?.totalCount ?? 0)) break;
  }
  return [...sets.values()].sort((a, b) => b.capturedAt - a.capturedAt);
}

/** Both kinds for one instance, newest first. */
export async function listPoints(
  client: EcsClient,
  region: string,
  sourceInstanceId: string,
): Promise<StoredPoint[]> {
  const tags = { [TAG.sourceInstance]: sourceInstanceId };
  const [images, snapshots] = await Promise.all([
    listImagePoints(client, region, tags),
    listSnapshotPoints(client, region, tags),
  ]);
  return [...images, ...snapshots].sort((a, b) => b.capturedAt - a.capturedAt);
}

/** The newest available image of each instance: one paged DescribeImages of drbot's images in the region. */
export async function latestImages(
  client: EcsClient,
  region: string,
  ids: readonly string[],
): Promise<Record<string, RecoveryPoint>> {
  const wanted = new Set(ids);
  const out: Record<string, RecoveryPoint> = {};
  for (const point of await listImagePoints(client, region, { [TAG.sourceInstance]: '' })) {
    if (point.state !== 'available' || !wanted.has(point.sourceInstanceId) || out[point.sourceInstanceId])
      continue;
    out[point.sourceInstanceId] = publicPoint(point);
  }
  return out;
}

export function publicPoint(p: StoredPoint): RecoveryPoint {
  return {
    id: p.id,
    kind: p.kind,
    region: p.region,
    sourceInstanceId: p.sourceInstanceId,
    capturedAt: p.capturedAt,
    appConsistent: p.appConsistent,
    state: p.state,
  };
}

/** Keeps the newest `retention` points of an instance in `region`; deletes the rest (drbot's only). */
export async function prunePoints(
  client: EcsClient,
  region: string,
  sourceInstanceId: string,
  retention: number,
): Promise<string[]> {
  const points = (await listPoints(client, region, sourceInstanceId)).filter((p) => p.state !== 'pending');
  const doomed = points.slice(Math.max(0, retention));
  for (const p of doomed) {
    if (p.kind === 'ami') {
      await aliCall(`ECS DeleteImage ${p.id} in ${region}`, () =>
        client.deleteImage(new Ecs.DeleteImageRequest({ regionId: region, imageId: p.id, force: false })),
      );
    } else {
      for (const snapshotId of p.snapshotIds)
        await aliCall(`ECS DeleteSnapshot ${snapshotId} in ${region}`, () =>
          client.deleteSnapshot(new Ecs.DeleteSnapshotRequest({ snapshotId, force: false })),
        );
    }
  }
  return doomed.map((p) => p.id);
}
