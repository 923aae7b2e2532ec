/**
 * One protection pass on ECS: capture each instance in the source region (CreateImage of the
 * instance, or CreateSnapshot of each disk), copy it to the target region (CopyImage /
 * CopySnapshot) or use it in place when both sides are zones of one region (images and snapshots
 * are regional), tag everything with drbot's capture-time tags, then keep the newest N.
 *
 * Resumable and idempotent per `captureKey`: a capture is found again by the tag
 * `drbot:capture-key` before anything is created (CreateImage, CreateSnapshot and CopyImage also
 * get a ClientToken derived from it). No process waits for a copy: a pending capture is returned
 * `pending`, and the next pass with the same key continues where this one stopped.
 */
import * as Ecs from '@alicloud/ecs20140526';
import type { Instance } from '../../cloud/compute.js';
import type { ProtectRequest, ProtectResult } from '../../cloud/recovery-points.js';
import type { Clock } from '../../ports.js';
import { boundedToken, mapLimit } from '../aws/batching.js';
import type { EcsClient } from './clients.js';
import { aliCall } from './errors.js';
import {
  listImagePoints,
  listSnapshotPoints,
  prunePoints,
  publicPoint,
  type StoredPoint,
} from './recovery-points.js';
import { TAG, tagList } from './tags.js';

/** What a recovery point is: a custom image (launchable) or the disks' snapshots (data only). */
export type CaptureKind = 'image' | 'snapshot';

export interface ProtectDeps {
  clientFor: (region: string) => EcsClient;
  clock: Clock;
  captureKind: CaptureKind;
  concurrency?: number;
}

interface CaptureContext {
  deps: ProtectDeps;
  request: ProtectRequest;
  instance: Instance;
  key: string;
}

function captureTags(ctx: CaptureContext, at: number, appConsistent: boolean): Record<string, string> {
  return {
    [TAG.sourceInstance]: ctx.instance.id,
    [TAG.capturedAt]: new Date(at).toISOString(),
    [TAG.captureKey]: ctx.key,
    [TAG.appConsistent]: String(appConsistent),
  };
}

/** Image names: 2–128 characters, starting with a letter; letters, digits, `:_.-`. */
export function imageName(resourceId: string, at: number): string {
  const stamp = new Date(at)
    .toISOString()
    .replace(/[:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `drbot-${resourceId}-${stamp}`;
}

async function findByKey(ctx: CaptureContext, region: string): Promise<StoredPoint | undefined> {
  const client = ctx.deps.clientFor(region);
  const tags = { [TAG.sourceInstance]: ctx.instance.id, [TAG.captureKey]: ctx.key };
  const found =
    ctx.deps.captureKind === 'image'
      ? await listImagePoints(client, region, tags)
      : await listSnapshotPoints(client, region, tags);
  return found.find((p) => p.state !== 'error');
}

async function createCapture(ctx: CaptureContext): Promise<StoredPoint> {
  const { request, instance } = ctx;
  const region = request.sourceRegion;
  const client = ctx.deps.clientFor(region);
  const at = ctx.deps.clock.now();
  const appConsistent = request.appConsistent ?? false;
  const tag = tagList(captureTags(ctx, at, appConsistent));
  const base = {
    region,
    sourceInstanceId: instance.id,
    capturedAt: at,
    state: 'pending' as const,
    appConsistent,
    captureKey: ctx.key,
  };
  if (ctx.deps.captureKind === 'image') {
    const res = await aliCall(`ECS CreateImage of ${instance.id} in ${region}`, () =>
      client.createImage(
        new Ecs.CreateImageRequest({
          regionId: region,
          instanceId: instance.id,
          imageName: imageName(instance.id, at),
          description: `drbot recovery point of ${instance.id}`,
          clientToken: boundedToken(`${ctx.key}:image`, 64),
          tag,
        }),
      ),
    );
    return { ...base, id: res.body?.imageId ?? '', kind: 'ami', snapshotIds: [] };
  }
  const ids: string[] = [];
  for (const volume of instance.volumes) {
    const res = await aliCall(`ECS CreateSnapshot of ${volume.id} (${instance.id}) in ${region}`, () =>
      client.createSnapshot(
        new Ecs.CreateSnapshotRequest({
          diskId: volume.id,
          snapshotName: imageName(volume.id, at),
          description: `drbot recovery point of ${instance.id} (${volume.device})`,
          clientToken: boundedToken(`${ctx.key}:${volume.id}`, 64),
          tag,
        }),
      ),
    );
    if (res.body?.snapshotId) ids.push(res.body.snapshotId);
  }
  ids.sort();
  return { ...base, id: ids[0] ?? '', kind: 'snapshot', snapshotIds: ids };
}

async function copyToTarget(ctx: CaptureContext, source: StoredPoint): Promise<StoredPoint> {
  const { request, instance } = ctx;
  const from = request.sourceRegion;
  const to = request.targetRegion;
  const client = ctx.deps.clientFor(from);
  const tag = tagList(captureTags(ctx, source.capturedAt, source.appConsistent));
  const base = { ...source, region: to, state: 'pending' as const };
  if (source.kind === 'ami') {
    const res = await aliCall(`ECS CopyImage ${source.id} to ${to}`, () =>
      client.copyImage(
        new Ecs.CopyImageRequest({
          regionId: from,
          imageId: source.id,
          destinationRegionId: to,
          destinationImageName: imageName(instance.id, source.capturedAt),
          destinationDescription: `drbot recovery point of ${instance.id} copied from ${from}`,
          clientToken: boundedToken(`${ctx.key}:copy:${to}`, 64),
          tag,
        }),
      ),
    );
    return { ...base, id: res.body?.imageId ?? '', snapshotIds: [] };
  }
  const copies: string[] = [];
  for (const snapshotId of source.snapshotIds) {
    const res = await aliCall(`ECS CopySnapshot ${snapshotId} to ${to}`, () =>
      client.copySnapshot(
        new Ecs.CopySnapshotRequest({
          regionId: from,
          snapshotId,
          destinationRegionId: to,
          destinationSnapshotName: imageName(snapshotId, source.capturedAt),
          destinationSnapshotDescription: `drbot recovery point of ${instance.id} copied from ${from}`,
          tag,
        }),
      ),
    );
    if (res.body?.snapshotId) copies.push(res.body.snapshotId);
  }
  copies.sort();
  return { ...base, id: copies[0] ?? '', snapshotIds: copies };
}

/** Brings one instance's capture as far as it can go now; returns where it stands. */
async function protectOne(ctx: CaptureContext): Promise<StoredPoint> {
  const { request } = ctx;
  const crossRegion = request.sourceRegion !== request.targetRegion;
  if (crossRegion) {
    const copied = await findByKey(ctx, request.targetRegion);
    if (copied) return copied;
  }
  const source = (await findByKey(ctx, request.sourceRegion)) ?? (await createCapture(ctx));
  if (!crossRegion || source.state !== 'available') return source;
  return copyToTarget(ctx, source);
}

/** Runs one protection pass over `request.instances`, then applies retention on both sides. */
export async function protectFleet(deps: ProtectDeps, request: ProtectRequest): Promise<ProtectResult> {
  const points = await mapLimit(request.instances, deps.concurrency ?? 4, (instance) =>
    protectOne({ deps, request, instance, key: boundedToken(`${request.captureKey}:${instance.id}`, 128) }),
  );
  const pruned: string[] = [];
  for (const instance of request.instances) {
    for (const region of new Set([request.targetRegion, request.sourceRegion])) {
      pruned.push(...(await prunePoints(deps.clientFor(region), region, instance.id, request.retention)));
    }
  }
  return { points: points.map(publicPoint), pruned };
}
