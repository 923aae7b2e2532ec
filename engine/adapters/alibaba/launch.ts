/**
 * RunInstances per launch blueprint in the recovery region (or zone), idempotent and tagged at
 * creation. Each blueprint's ClientToken is `idempotencyKey:index` (bounded to the API's 64
 * characters), so a retried call returns the same instance; a type fallback uses `…:fallback`.
 * Before launching, instances already tagged with this launch's key are reused, so a resumed launch
 * never starts a second copy. The blueprint's subnet is the vSwitch and its security groups are
 * passed as SecurityGroupIds; the private IP only for CUTOVER launches (a TEST copy beside
 * production must not take its address).
 */
import * as Ecs from '@alicloud/ecs20140526';
import type { Blueprint, LaunchedInstance, LaunchRequest } from '../../cloud/compute.js';
import { NonRetryableError } from '../../errors.js';
import { boundedToken, mapLimit } from '../aws/batching.js';
import type { EcsClient } from './clients.js';
import { aliCall, aliErrorCode, mapAliError } from './errors.js';
import { describeTagged, type RawInstance } from './inventory.js';
import { TAG, tagList, tagMap } from './tags.js';

export const LAUNCH_CONCURRENCY = 8;
/** ECS ClientToken: at most 64 ASCII characters. */
const CLIENT_TOKEN_MAX = 64;
/** ECS tag values: at most 128 characters. */
const TAG_VALUE_MAX = 128;

const NO_TYPE = [
  /^OperationDenied\.NoStock/,
  /^InvalidInstanceType\./,
  /^InvalidResourceType\.NotSupported/,
  /^Zone\.NotOnSale/,
  /^OperationDenied\.(NoStock|InstanceTypeNotSupported)/,
];

/** True when the error means "this instance type cannot be had here". */
export function isTypeUnavailable(err: unknown): boolean {
  const cause = err instanceof Error && err.cause ? err.cause : err;
  const code = aliErrorCode(cause);
  return NO_TYPE.some((re) => re.test(code));
}

export function launchTags(
  request: LaunchRequest,
  blueprint: Blueprint,
  index: number,
): Record<string, string> {
  const { tags } = request;
  return {
    ...Object.fromEntries(
      Object.entries(blueprint.tags ?? {}).filter(([k]) => !k.startsWith('acs:') && !k.startsWith('aliyun')),
    ),
    [TAG.runId]: tags.runId,
    [TAG.mode]: tags.mode,
    ...(tags.expiresAt === undefined ? {} : { [TAG.expires]: new Date(tags.expiresAt).toISOString() }),
    [TAG.sourceInstance]: blueprint.sourceInstanceId,
    [TAG.launchType]: request.launchType,
    [TAG.launchKey]: boundedToken(request.idempotencyKey, TAG_VALUE_MAX),
    [TAG.launchIndex]: String(index),
  };
}

export function runRequest(
  request: LaunchRequest,
  blueprint: Blueprint,
  index: number,
  instanceType: string,
  fallback: boolean,
): InstanceType<typeof Ecs.RunInstancesRequest> {
  // drbot's tags first: ECS takes 20, and losing a copied tag is better than losing the run id
  const own = launchTags({ ...request }, { ...blueprint, tags: {} }, index);
  const copied = Object.fromEntries(
    Object.entries(launchTags(request, blueprint, index)).filter(([k]) => !(k in own)),
  );
  return new Ecs.RunInstancesRequest({
    regionId: blueprint.region,
    imageId: blueprint.recoveryPointId,
    instanceType,
    amount: 1,
    minAmount: 1,
    ...(blueprint.subnetId ? { vSwitchId: blueprint.subnetId } : {}),
    ...(blueprint.securityGroups?.length ? { securityGroupIds: blueprint.securityGroups } : {}),
    ...(request.launchType === 'CUTOVER' && blueprint.privateIp
      ? { privateIpAddress: blueprint.privateIp }
      : {}),
    ...(blueprint.instanceProfile ? { ramRoleName: blueprint.instanceProfile } : {}),
    ...(request.userData !== undefined
      ? { userData: Buffer.from(request.userData, 'utf8').toString('base64') }
      : {}),
    instanceName: `drbot-${blueprint.sourceInstanceId}`,
    clientToken: boundedToken(
      `${request.idempotencyKey}:${index}${fallback ? ':fallback' : ''}`,
      CLIENT_TOKEN_MAX,
    ),
    tag: tagList({ ...own, ...copied }),
  });
}

function launched(
  id: string | undefined,
  blueprint: Blueprint,
  type: string,
  privateIp?: string,
  fellBackFrom?: string,
): LaunchedInstance {
  if (!id) {
    throw new NonRetryableError(`RunInstances returned no instance for ${blueprint.sourceInstanceId}.`, {
      code: 'ALIBABA_LAUNCH_EMPTY',
      explanation: 'ECS accepted the launch but its answer named no instance id.',
      action:
        'Look for the instance by the tag drbot:source-instance in the ECS console, then retry the run.',
    });
  }
  return {
    instanceId: id,
    sourceInstanceId: blueprint.sourceInstanceId,
    instanceType: type,
    ...(privateIp ? { privateIp } : {}),
    ...(fellBackFrom ? { fellBackFrom } : {}),
  };
}

function assertLaunchable(blueprint: Blueprint): void {
  if (blueprint.recoveryPointId.startsWith('m-')) return;
  throw new NonRetryableError(
    `Cannot launch ${blueprint.sourceInstanceId} from ${blueprint.recoveryPointId}.`,
    {
      code: 'ALIBABA_NOT_AN_IMAGE',
      explanation: 'ECS launches instances from custom images (m-…); this recovery point is a disk snapshot.',
      action:
        'Protect the instance with captureKind "image" (the default) and launch from an image recovery point.',
    },
  );
}

async function launchOne(
  client: EcsClient,
  request: LaunchRequest,
  blueprint: Blueprint,
  index: number,
): Promise<LaunchedInstance> {
  const operation = `ECS RunInstances (${blueprint.instanceType}) for ${blueprint.sourceInstanceId} in ${blueprint.region}`;
  const ip = request.launchType === 'CUTOVER' ? blueprint.privateIp : undefined;
  try {
    const res = await client.runInstances(
      runRequest(request, blueprint, index, blueprint.instanceType, false),
    );
    return launched(res.body?.instanceIdSets?.instanceIdSet?.[0], blueprint, blueprint.instanceType, ip);
  } catch (err) {
    const fallback = blueprint.defaultInstanceType;
    if (!fallback || fallback === blueprint.instanceType || !isTypeUnavailable(err))
      throw mapAliError(err, operation);
    const res = await aliCall(
      `ECS RunInstances (fallback ${fallback}) for ${blueprint.sourceInstanceId} in ${blueprint.region}`,
      () => client.runInstances(runRequest(request, blueprint, index, fallback, true)),
    );
    return launched(
      res.body?.instanceIdSets?.instanceIdSet?.[0],
      blueprint,
      fallback,
      ip,
      blueprint.instanceType,
    );
  }
}

async function alreadyLaunched(
  clientFor: (region: string) => EcsClient,
  request: LaunchRequest,
): Promise<Map<number, RawInstance>> {
  const found = new Map<number, RawInstance>();
  const key = boundedToken(request.idempotencyKey, TAG_VALUE_MAX);
  for (const region of new Set(request.blueprints.map((b) => b.region))) {
    for (const instance of await describeTagged(clientFor(region), region, { [TAG.launchKey]: key })) {
      const index = Number(tagMap(instance.tags)[TAG.launchIndex]);
      if (Number.isInteger(index) && request.blueprints[index]?.region === region) found.set(index, instance);
    }
  }
  return found;
}

export async function launchFleet(
  clientFor: (region: string) => EcsClient,
  request: LaunchRequest,
): Promise<LaunchedInstance[]> {
  request.blueprints.forEach(assertLaunchable);
  const existing = await alreadyLaunched(clientFor, request);
  return mapLimit(request.blueprints, LAUNCH_CONCURRENCY, (blueprint, index) => {
    const previous = existing.get(index);
    if (previous) {
      const type = previous.instanceType ?? blueprint.instanceType;
      return Promise.resolve(
        launched(
          previous.instanceId,
          blueprint,
          type,
          previous.vpcAttributes?.privateIpAddress?.ipAddress?.[0],
          type !== blueprint.instanceType ? blueprint.instanceType : undefined,
        ),
      );
    }
    return launchOne(clientFor(blueprint.region), request, blueprint, index);
  });
}
