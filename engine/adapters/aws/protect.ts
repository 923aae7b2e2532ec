/**
 * One protection pass: capture each instance in the source region (CreateImage with NoReboot, or
 * CreateSnapshots), copy the capture to the target region, tag everything, apply retention.
 *
 * Resumable and idempotent per `captureKey`: a capture is found again by the tag
 * `drbot:capture-key` before anything is created, and CopyImage/CopySnapshot copies are found the
 * same way (CopyImage also gets a ClientToken derived from the key). No process waits for a copy:
 * when the source capture is still pending the point is returned `pending` in the source region;
 * calling protect again with the same key continues where it stopped, until every point is in the
 * target region and `available`.
 */
import {
  CopyImageCommand,
  CopySnapshotCommand,
  CreateImageCommand,
  CreateSnapshotsCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import type { Instance } from '../../cloud/compute.js';
import type { ProtectRequest, ProtectResult } from '../../cloud/recovery-points.js';
import type { Clock } from '../../ports.js';
import { boundedToken, mapLimit } from './batching.js';
import { awsCall } from './errors.js';
import {
  listImagePoints,
  listSnapshotPoints,
  prunePoints,
  publicPoint,
  type StoredPoint,
} from './recovery-points.js';
import { TAG, tagFilter, tagSpecs } from './tags.js';

/** What a recovery point is made of. `ami` is launchable directly; `snapshot` keeps only EBS data. */
export type CaptureKind = 'ami' | 'snapshot';

export interface ProtectDeps {
  clientFor: (region: string) => EC2Client;
  clock: Clock;
  captureKind: CaptureKind;
  /** @default 4 */
  concurrency?: number;
}

interface CaptureContext {
  deps: ProtectDeps;
  request: ProtectRequest;
  instance: Instance;
  /** The capture-key tag value, unique per (captureKey, instance). */
  key: string;
}

function captureTags(ctx: CaptureContext, at: number): Record<string, string> {
  return {
    [TAG.sourceInstance]: ctx.instance.id,
    [TAG.capturedAt]: new Date(at).toISOString(),
    [TAG.captureKey]: ctx.key,
    [TAG.appConsistent]: String(ctx.request.appConsistent ?? false),
  };
}

async function findByKey(ctx: CaptureContext, region: string): Promise<StoredPoint | undefined> {
  const client = ctx.deps.clientFor(region);
  const filter = [tagFilter(TAG.captureKey, ctx.key)];
  const found =
    ctx.deps.captureKind === 'ami'
      ? await listImagePoints(client, region, ctx.instance.id, filter)
      : await listSnapshotPoints(client, region, ctx.instance.id, filter);
  return found.find((p) => p.state !== 'error');
}

async function createCapture(ctx: CaptureContext): Promise<StoredPoint> {
  const { request, instance } = ctx;
  const region = request.sourceRegion;
  const client = ctx.deps.clientFor(region);
  const at = ctx.deps.clock.now();
  const tags = captureTags(ctx, at);
  const base = { region, sourceInstanceId: instance.id, capturedAt: at, state: 'pending' as const };
  const appConsistent = request.appConsistent ?? false;
  if (ctx.deps.captureKind === 'ami') {
    const out = await awsCall(`EC2 CreateImage of ${instance.id} in ${region}`, () =>
      client.send(
        new CreateImageCommand({
          InstanceId: instance.id,
          Name: imageName(instance.id, at),
          Description: `drbot recovery point of ${instance.id}`,
          NoReboot: true,
          TagSpecifications: tagSpecs(['image', 'snapshot'], tags),
        }),
      ),
    );
    return {
      ...base,
      id: out.ImageId ?? '',
      kind: 'ami',
      appConsistent,
      captureKey: ctx.key,
      snapshotIds: [],
    };
  }
  const out = await awsCall(`EC2 CreateSnapshots of ${instance.id} in ${region}`, () =>
    client.send(
      new CreateSnapshotsCommand({
        InstanceSpecification: { InstanceId: instance.id, ExcludeBootVolume: false },
        Description: `drbot recovery point of ${instance.id}`,
        TagSpecifications: tagSpecs(['snapshot'], tags),
      }),
    ),
  );
  const ids = (out.Snapshots ?? []).map((s) => s.SnapshotId ?? '').filter(Boolean);
  return {
    ...base,
    id: ids[0] ?? '',
    kind: 'snapshot',
    appConsistent,
    captureKey: ctx.key,
    snapshotIds: ids,
  };
}

/** AMI names: 3–128 chars of letters, digits and ()[]./-'@_ ; unique per account and region. */
function imageName(instanceId: string, at: number): string {
  return `drbot-${instanceId}-${new Date(at)
    .toISOString()
    .replace(/[:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}`;
}

async function copyToTarget(ctx: CaptureContext, source: StoredPoint): Promise<StoredPoint> {
  const { request, instance } = ctx;
  const region = request.targetRegion;
  const client = ctx.deps.clientFor(region);
  const tags = captureTags(ctx, source.capturedAt);
  tags[TAG.appConsistent] = String(source.appConsistent);
  const base = { ...source, region, state: 'pending' as const };
  if (source.kind === 'ami') {
    const out = await awsCall(`EC2 CopyImage ${source.id} to ${region}`, () =>
      client.send(
        new CopyImageCommand({
          SourceImageId: source.id,
          SourceRegion: request.sourceRegion,
          Name: imageName(instance.id, source.capturedAt),
          Description: `drbot recovery point of ${instance.id} copied from ${request.sourceRegion}`,
          ClientToken: boundedToken(`${ctx.key}:copy:${region}`),
          TagSpecifications: tagSpecs(['image', 'snapshot'], tags),
        }),
      ),
    );
    return { ...base, id: out.ImageId ?? '', snapshotIds: [] };
  }
  const copies: string[] = [];
  for (const SourceSnapshotId of source.snapshotIds) {
    const out = await awsCall(`EC2 CopySnapshot ${SourceSnapshotId} to ${region}`, () =>
      client.send(
        new CopySnapshotCommand({
          SourceSnapshotId,
          SourceRegion: request.sourceRegion,
          Description: `drbot recovery point of ${instance.id} copied from ${request.sourceRegion}`,
          TagSpecifications: tagSpecs(['snapshot'], tags),
        }),
      ),
    );
    if (out.SnapshotId) copies.push(out.SnapshotId);
  }
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

/** Runs one protection pass over `request.instances`, then applies retention in both regions. */
/** The runbook's `spec.protect.capture` wins over the provider's default kind. */
export function captureKindOf(request: ProtectRequest, fallback: CaptureKind): CaptureKind {
  if (request.capture === 'snapshots') return 'snapshot';
  if (request.capture === 'ami') return 'ami';
  return fallback;
}

export async function protectFleet(base: ProtectDeps, request: ProtectRequest): Promise<ProtectResult> {
  const deps = { ...base, captureKind: captureKindOf(request, base.captureKind) };
  const points = await mapLimit(request.instances, deps.concurrency ?? 4, (instance) =>
    protectOne({ deps, request, instance, key: boundedToken(`${request.captureKey}:${instance.id}`, 255) }),
  );
  const pruned: string[] = [];
  const regions = [...new Set([request.targetRegion, request.sourceRegion])];
  for (const instance of request.instances) {
    for (const region of regions) {
      pruned.push(...(await prunePoints(deps.clientFor(region), region, instance.id, request.retention)));
    }
  }
  return { points: points.map(publicPoint), pruned };
}
