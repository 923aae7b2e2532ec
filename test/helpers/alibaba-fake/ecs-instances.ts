/**
 * ECS instance operations of the fake, answering with the API reference's response shapes:
 * RunInstances, DescribeInstances, DescribeDisks, StopInstances, StartInstances, DeleteInstances.
 */
import type { EcsFakeState, FakeInstance } from './ecs-state.js';
import {
  ApiError,
  indexed,
  jsonList,
  matchesTags,
  type Params,
  page,
  required,
  tagParams,
  tagSet,
} from './params.js';

export type Handler = (state: EcsFakeState, params: Params) => Record<string, unknown>;

function instanceView(i: FakeInstance): Record<string, unknown> {
  return {
    InstanceId: i.InstanceId,
    InstanceName: i.tags.Name ?? i.InstanceId,
    RegionId: i.RegionId,
    ZoneId: i.ZoneId,
    InstanceType: i.InstanceType,
    ImageId: i.ImageId,
    Status: i.status,
    InstanceNetworkType: 'vpc',
    VpcAttributes: { VpcId: i.VpcId, VSwitchId: i.VSwitchId, PrivateIpAddress: { IpAddress: [i.PrivateIp] } },
    SecurityGroupIds: { SecurityGroupId: i.SecurityGroupIds },
    Tags: tagSet(i.tags),
  };
}

function ownInstances(state: EcsFakeState, region: string, ids: string[]): FakeInstance[] {
  return ids.map((id) => {
    const i = state.instances.get(id);
    if (!i || i.RegionId !== region)
      throw new ApiError(404, 'InvalidInstanceId.NotFound', `The specified InstanceId ${id} does not exist.`);
    return i;
  });
}

const runInstances: Handler = (state, p) => {
  required(p, 'RunInstances', ['RegionId', 'ImageId', 'InstanceType']);
  const token = p.ClientToken ? `RunInstances:${p.ClientToken}` : undefined;
  if (token && state.tokens.has(token)) return state.tokens.get(token) as Record<string, unknown>;
  const region = p.RegionId as string;
  const image = state.images.get(p.ImageId as string);
  if (!image || image.RegionId !== region)
    throw new ApiError(
      404,
      'InvalidImageId.NotFound',
      `The specified ImageId ${p.ImageId} does not exist in ${region}.`,
    );
  if (state.imageStatus(image) !== 'Available')
    throw new ApiError(403, 'InvalidImageId.NotReady', 'The specified image is not ready.');
  if (state.noStock.get(region)?.has(p.InstanceType as string))
    throw new ApiError(
      403,
      'OperationDenied.NoStock',
      'The requested resource is sold out in the specified zone; try other types of resources or other regions and zones.',
    );
  const vsw = p.VSwitchId ? state.vswitches.get(p.VSwitchId) : undefined;
  if (p.VSwitchId && !vsw)
    throw new ApiError(
      404,
      'InvalidVSwitchId.NotFound',
      `The specified VSwitchId ${p.VSwitchId} does not exist.`,
    );
  const groups = [...indexed(p, 'SecurityGroupIds'), ...(p.SecurityGroupId ? [p.SecurityGroupId] : [])];
  const amount = Number(p.Amount ?? 1);
  const ids: string[] = [];
  for (let n = 0; n < amount; n++) {
    const instance = state.addInstance({
      RegionId: region,
      ZoneId: vsw?.ZoneId ?? p.ZoneId ?? `${region}-h`,
      InstanceType: p.InstanceType as string,
      ImageId: image.ImageId,
      VpcId: vsw?.VpcId ?? 'vpc-default',
      VSwitchId: p.VSwitchId ?? 'vsw-default',
      PrivateIp: p.PrivateIpAddress ?? `${vsw?.prefix ?? '172.16.0'}.${100 + state.instances.size}`,
      SecurityGroupIds: groups,
      RamRoleName: p.RamRoleName,
      UserData: p.UserData,
      tags: tagParams(p),
      status: 'Pending',
      until: state.now + state.launchMs,
    });
    ids.push(instance.InstanceId);
  }
  const answer = { InstanceIdSets: { InstanceIdSet: ids } };
  if (token) state.tokens.set(token, answer);
  return answer;
};

const describeInstances: Handler = (state, p) => {
  required(p, 'DescribeInstances', ['RegionId']);
  const ids = jsonList(p, 'InstanceIds', 100);
  const tags = tagParams(p);
  const found = [...state.instances.values()].filter(
    (i) =>
      i.RegionId === p.RegionId &&
      (!ids || ids.includes(i.InstanceId)) &&
      (!p.Status || i.status === p.Status) &&
      (!p.ZoneId || i.ZoneId === p.ZoneId) &&
      matchesTags(i.tags, tags),
  );
  const { items, ...paging } = page(p, found, 100);
  return { Instances: { Instance: items.map(instanceView) }, ...paging };
};

const describeDisks: Handler = (state, p) => {
  required(p, 'DescribeDisks', ['RegionId']);
  const ids = jsonList(p, 'DiskIds', 100);
  const found = [...state.disks.values()].filter(
    (d) =>
      d.RegionId === p.RegionId &&
      state.instances.has(d.InstanceId) &&
      (!ids || ids.includes(d.DiskId)) &&
      (!p.InstanceId || d.InstanceId === p.InstanceId),
  );
  const { items, ...paging } = page(p, found, 100);
  return { Disks: { Disk: items.map((d) => ({ ...d, Status: 'In_use' })) }, ...paging };
};

function batch(action: string, apply: (state: EcsFakeState, i: FakeInstance, p: Params) => void): Handler {
  return (state, p) => {
    required(p, action, ['RegionId', 'InstanceId.1']);
    const ids = indexed(p, 'InstanceId');
    if (ids.length > 100)
      throw new ApiError(400, 'InvalidParameter.InstanceIds', `${action} takes at most 100 instance ids`);
    for (const i of ownInstances(state, p.RegionId as string, ids)) apply(state, i, p);
    return {};
  };
}

const stopInstances = batch('StopInstances', (state, i) => {
  if (i.status === 'Stopped') return;
  i.status = 'Stopping';
  i.until = state.now + state.stopMs;
});

const startInstances = batch('StartInstances', (state, i) => {
  if (i.status === 'Running') return;
  if (i.status !== 'Stopped')
    throw new ApiError(
      403,
      'IncorrectInstanceStatus',
      `The current status of ${i.InstanceId} does not support this operation.`,
    );
  i.status = 'Starting';
  i.until = state.now + state.launchMs;
});

const deleteInstances = batch('DeleteInstances', (state, i, p) => {
  if (i.status !== 'Stopped' && p.Force !== 'true')
    throw new ApiError(
      403,
      'IncorrectInstanceStatus',
      `${i.InstanceId} is ${i.status}: stop it or pass Force=true.`,
    );
  state.instances.delete(i.InstanceId);
});

export const INSTANCE_HANDLERS: Record<string, Handler> = {
  RunInstances: runInstances,
  DescribeInstances: describeInstances,
  DescribeDisks: describeDisks,
  StopInstances: stopInstances,
  StartInstances: startInstances,
  DeleteInstances: deleteInstances,
};
