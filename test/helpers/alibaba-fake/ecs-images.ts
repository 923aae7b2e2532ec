/**
 * ECS recovery-point operations of the fake: CreateImage, CopyImage, DescribeImages, DeleteImage,
 * CreateSnapshot, CopySnapshot, DescribeSnapshots, DeleteSnapshot.
 */
import type { Handler } from './ecs-instances.js';
import type { EcsFakeState, FakeImage, FakeSnapshot } from './ecs-state.js';
import { ApiError, jsonList, matchesTags, page, required, tagParams, tagSet } from './params.js';

function once(
  state: EcsFakeState,
  action: string,
  token: string | undefined,
  make: () => Record<string, unknown>,
) {
  const key = token ? `${action}:${token}` : undefined;
  if (key && state.tokens.has(key)) return state.tokens.get(key) as Record<string, unknown>;
  const answer = make();
  if (key) state.tokens.set(key, answer);
  return answer;
}

function imageView(state: EcsFakeState, image: FakeImage): Record<string, unknown> {
  return {
    ImageId: image.ImageId,
    ImageName: image.ImageName,
    ImageOwnerAlias: 'self',
    Status: state.imageStatus(image),
    Progress: state.imageStatus(image) === 'Available' ? '100%' : '50%',
    CreationTime: new Date(image.createdAt).toISOString().replace(/\.\d+Z$/, 'Z'),
    Tags: tagSet(image.tags),
    DiskDeviceMappings: { DiskDeviceMapping: [{ Device: '/dev/xvda', Size: '40', Type: 'system' }] },
  };
}

function snapshotView(state: EcsFakeState, s: FakeSnapshot): Record<string, unknown> {
  return {
    SnapshotId: s.SnapshotId,
    SourceDiskId: s.SourceDiskId,
    Status: state.snapshotStatus(s),
    CreationTime: new Date(s.createdAt).toISOString().replace(/\.\d+Z$/, 'Z'),
    Tags: tagSet(s.tags),
  };
}

const createImage: Handler = (state, p) => {
  required(p, 'CreateImage', ['RegionId']);
  if (!p.InstanceId && !p.SnapshotId)
    throw new ApiError(400, 'MissingParameter', 'CreateImage needs InstanceId or SnapshotId.');
  return once(state, 'CreateImage', p.ClientToken, () => {
    const instance = p.InstanceId ? state.instances.get(p.InstanceId) : undefined;
    if (p.InstanceId && (!instance || instance.RegionId !== p.RegionId))
      throw new ApiError(
        404,
        'InvalidInstanceId.NotFound',
        `The specified InstanceId ${p.InstanceId} does not exist.`,
      );
    const image = state.addImage({
      RegionId: p.RegionId as string,
      ImageName: p.ImageName ?? 'image',
      sourceInstanceId: p.InstanceId,
      tags: tagParams(p),
      availableAt: state.now + state.imageMs,
    });
    return { ImageId: image.ImageId };
  });
};

const copyImage: Handler = (state, p) => {
  required(p, 'CopyImage', ['RegionId', 'ImageId', 'DestinationRegionId']);
  return once(state, 'CopyImage', p.ClientToken, () => {
    const source = state.images.get(p.ImageId as string);
    if (!source || source.RegionId !== p.RegionId)
      throw new ApiError(
        404,
        'InvalidImageId.NotFound',
        `The specified ImageId ${p.ImageId} does not exist.`,
      );
    if (state.imageStatus(source) !== 'Available')
      throw new ApiError(403, 'IncorrectImageStatus', 'The image is not available.');
    const copy = state.addImage({
      RegionId: p.DestinationRegionId as string,
      ImageName: p.DestinationImageName ?? source.ImageName,
      tags: tagParams(p),
      availableAt: state.now + state.imageMs,
    });
    return { ImageId: copy.ImageId };
  });
};

const describeImages: Handler = (state, p) => {
  required(p, 'DescribeImages', ['RegionId']);
  const ids = p.ImageId ? p.ImageId.split(',') : undefined;
  // The API reference: Status defaults to Available; several values are comma-separated.
  const statuses = (p.Status ?? 'Available').split(',');
  const tags = tagParams(p);
  const found = [...state.images.values()].filter(
    (i) =>
      i.RegionId === p.RegionId &&
      (!ids || ids.includes(i.ImageId)) &&
      statuses.includes(state.imageStatus(i)) &&
      matchesTags(i.tags, tags),
  );
  const { items, ...paging } = page(p, found, 100);
  return { Images: { Image: items.map((i) => imageView(state, i)) }, RegionId: p.RegionId, ...paging };
};

const deleteImage: Handler = (state, p) => {
  required(p, 'DeleteImage', ['RegionId', 'ImageId']);
  const image = state.images.get(p.ImageId as string);
  if (!image || image.RegionId !== p.RegionId)
    throw new ApiError(404, 'InvalidImageId.NotFound', `The specified ImageId ${p.ImageId} does not exist.`);
  state.images.delete(image.ImageId);
  return {};
};

const createSnapshot: Handler = (state, p) => {
  required(p, 'CreateSnapshot', ['DiskId']);
  return once(state, 'CreateSnapshot', p.ClientToken, () => {
    const disk = state.disks.get(p.DiskId as string);
    if (!disk)
      throw new ApiError(404, 'InvalidDiskId.NotFound', `The specified disk ${p.DiskId} does not exist.`);
    const SnapshotId = state.id('s', disk.RegionId);
    state.snapshots.set(SnapshotId, {
      SnapshotId,
      RegionId: disk.RegionId,
      SourceDiskId: disk.DiskId,
      tags: tagParams(p),
      createdAt: state.now,
      availableAt: state.now + state.imageMs,
    });
    return { SnapshotId };
  });
};

const copySnapshot: Handler = (state, p) => {
  required(p, 'CopySnapshot', ['RegionId', 'SnapshotId', 'DestinationRegionId']);
  const source = state.snapshots.get(p.SnapshotId as string);
  if (!source || source.RegionId !== p.RegionId)
    throw new ApiError(
      404,
      'InvalidSnapshotId.NotFound',
      `The specified snapshot ${p.SnapshotId} does not exist.`,
    );
  const SnapshotId = state.id('s', p.DestinationRegionId as string);
  state.snapshots.set(SnapshotId, {
    SnapshotId,
    RegionId: p.DestinationRegionId as string,
    SourceDiskId: source.SourceDiskId,
    tags: tagParams(p),
    createdAt: state.now,
    availableAt: state.now + state.imageMs,
  });
  return { SnapshotId };
};

const describeSnapshots: Handler = (state, p) => {
  required(p, 'DescribeSnapshots', ['RegionId']);
  const ids = jsonList(p, 'SnapshotIds', 100);
  const tags = tagParams(p);
  const found = [...state.snapshots.values()].filter(
    (s) =>
      s.RegionId === p.RegionId &&
      (!ids || ids.includes(s.SnapshotId)) &&
      (!p.Status || p.Status === 'all' || state.snapshotStatus(s) === p.Status) &&
      matchesTags(s.tags, tags),
  );
  const { items, ...paging } = page(p, found, 100);
  return { Snapshots: { Snapshot: items.map((s) => snapshotView(state, s)) }, ...paging };
};

const deleteSnapshot: Handler = (state, p) => {
  required(p, 'DeleteSnapshot', ['SnapshotId']);
  if (!state.snapshots.delete(p.SnapshotId as string))
    throw new ApiError(
      404,
      'InvalidSnapshotId.NotFound',
      `The specified snapshot ${p.SnapshotId} does not exist.`,
    );
  return {};
};

export const IMAGE_HANDLERS: Record<string, Handler> = {
  CreateImage: createImage,
  CopyImage: copyImage,
  DescribeImages: describeImages,
  DeleteImage: deleteImage,
  CreateSnapshot: createSnapshot,
  CopySnapshot: copySnapshot,
  DescribeSnapshots: describeSnapshots,
  DeleteSnapshot: deleteSnapshot,
};
