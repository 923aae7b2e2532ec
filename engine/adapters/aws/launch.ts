/**
 * RunInstances per launch blueprint, idempotent and tagged at creation.
 *
 * Idempotency: each blueprint's ClientToken is `idempotencyKey:index` (hashed to ≤ 64 characters
 * when longer, see `boundedToken`), so a retried call returns the same instance. Because a
 * capacity fallback uses a different token (`…:fallback`), the adapter first looks for instances
 * already tagged with this launch's key (`drbot:launch-key` / `drbot:launch-index`, one batched
 * describe) and reuses them: a resumed launch never starts a second copy of an instance.
 *
 * A TEST (drill) launch goes only into isolated drill subnets, without a private IP
 * (drill-network.ts): it is refused before any RunInstances otherwise.
 */
import {
  type EC2Client,
  type Instance as Ec2Instance,
  RunInstancesCommand,
  type RunInstancesCommandInput,
} from '@aws-sdk/client-ec2';
import type { Blueprint, LaunchedInstance, LaunchRequest } from '../../cloud/compute.js';
import { NonRetryableError } from '../../errors.js';
import { boundedToken, mapLimit } from './batching.js';
import { assertDrillIsolation } from './drill-network.js';
import { describeRaw } from './ec2-inventory.js';
import { awsCall, awsErrorCode, mapAwsError } from './errors.js';
import { TAG, tagFilter, tagMap, tagSpecs } from './tags.js';

/** How many RunInstances calls may be in flight at once. */
export const LAUNCH_CONCURRENCY = 8;

const CAPACITY_CODES = new Set([
  'InsufficientInstanceCapacity',
  'InsufficientCapacity',
  'Unsupported',
  'InvalidInstanceType',
]);

/** True when the error means "this instance type cannot be had here", so another type may work. */
export function isTypeUnavailable(err: unknown): boolean {
  const code = awsErrorCode(err);
  if (CAPACITY_CODES.has(code)) return true;
  const message = err instanceof Error ? err.message : '';
  return code === 'InvalidParameterValue' && /instance ?type/i.test(message);
}

/** The tags every launched instance and volume carries. */
export function launchTags(
  request: LaunchRequest,
  blueprint: Blueprint,
  index: number,
): Record<string, string> {
  const { tags } = request;
  return {
    ...(blueprint.tags ?? {}),
    [TAG.runId]: tags.runId,
    [TAG.mode]: tags.mode,
    ...(tags.expiresAt === undefined ? {} : { [TAG.expires]: new Date(tags.expiresAt).toISOString() }),
    [TAG.sourceInstance]: blueprint.sourceInstanceId,
    [TAG.origin]: blueprint.origin ?? blueprint.sourceInstanceId,
    [TAG.launchType]: request.launchType,
    [TAG.launchKey]: boundedToken(request.idempotencyKey, 255),
    [TAG.launchIndex]: String(index),
  };
}

function runInput(
  request: LaunchRequest,
  blueprint: Blueprint,
  index: number,
  instanceType: string,
  fallback: boolean,
): RunInstancesCommandInput {
  const profile = blueprint.instanceProfile;
  return {
    MinCount: 1,
    MaxCount: 1,
    ImageId: blueprint.recoveryPointId,
    InstanceType: instanceType as RunInstancesCommandInput['InstanceType'],
    SubnetId: blueprint.subnetId,
    // A drill copy never takes a production address, whatever the blueprint says.
    PrivateIpAddress: request.launchType === 'TEST' ? undefined : blueprint.privateIp,
    SecurityGroupIds: blueprint.securityGroups?.length ? blueprint.securityGroups : undefined,
    IamInstanceProfile: profile
      ? profile.startsWith('arn:')
        ? { Arn: profile }
        : { Name: profile }
      : undefined,
    ClientToken: boundedToken(`${request.idempotencyKey}:${index}${fallback ? ':fallback' : ''}`),
    ...(request.userData !== undefined
      ? { UserData: Buffer.from(request.userData, 'utf8').toString('base64') }
      : {}),
    TagSpecifications: tagSpecs(['instance', 'volume'], launchTags(request, blueprint, index)),
  };
}

function launched(
  raw: Ec2Instance | undefined,
  blueprint: Blueprint,
  fellBackFrom?: string,
): LaunchedInstance {
  if (!raw?.InstanceId) {
    throw new NonRetryableError(`RunInstances returned no instance for ${blueprint.sourceInstanceId}.`, {
      code: 'AWS_LAUNCH_EMPTY',
      explanation: 'EC2 accepted the launch but its answer named no instance, which should not happen.',
      action:
        'Look for the instance by the tag drbot:source-instance in the EC2 console, then retry the run.',
    });
  }
  const type = raw.InstanceType ?? blueprint.instanceType;
  const wasFallback = fellBackFrom ?? (type !== blueprint.instanceType ? blueprint.instanceType : undefined);
  return {
    instanceId: raw.InstanceId,
    sourceInstanceId: blueprint.sourceInstanceId,
    instanceType: type,
    privateIp: raw.PrivateIpAddress,
    ...(wasFallback ? { fellBackFrom: wasFallback } : {}),
  };
}

function assertLaunchable(blueprint: Blueprint): void {
  if (blueprint.recoveryPointId.startsWith('ami-')) return;
  throw new NonRetryableError(
    `Cannot launch ${blueprint.sourceInstanceId} from ${blueprint.recoveryPointId}.`,
    {
      code: 'AWS_NOT_AN_IMAGE',
      explanation: 'EC2 launches instances from AMIs only; this recovery point is an EBS snapshot set.',
      action:
        'Protect the instance with captureKind "ami" (the default) and launch from an AMI recovery point.',
    },
  );
}

async function launchOne(
  client: EC2Client,
  request: LaunchRequest,
  blueprint: Blueprint,
  index: number,
): Promise<LaunchedInstance> {
  const region = blueprint.region;
  const operation = `EC2 RunInstances (${blueprint.instanceType}) for ${blueprint.sourceInstanceId} in ${region}`;
  try {
    const out = await client.send(
      new RunInstancesCommand(runInput(request, blueprint, index, blueprint.instanceType, false)),
    );
    return launched(out.Instances?.[0], blueprint);
  } catch (err) {
    const fallbackType = blueprint.defaultInstanceType;
    if (!fallbackType || fallbackType === blueprint.instanceType || !isTypeUnavailable(err)) {
      throw mapAwsError(err, operation);
    }
    const out = await awsCall(
      `EC2 RunInstances (fallback ${fallbackType}) for ${blueprint.sourceInstanceId} in ${region}`,
      () => client.send(new RunInstancesCommand(runInput(request, blueprint, index, fallbackType, true))),
    );
    return launched(out.Instances?.[0], blueprint, blueprint.instanceType);
  }
}

/** Instances this launch already created (by launch key), grouped by region and keyed by index. */
async function alreadyLaunched(
  clientFor: (region: string) => EC2Client,
  request: LaunchRequest,
): Promise<Map<number, Ec2Instance>> {
  const found = new Map<number, Ec2Instance>();
  const key = boundedToken(request.idempotencyKey, 255);
  for (const region of new Set(request.blueprints.map((b) => b.region))) {
    const raw = await describeRaw(clientFor(region), region, {
      filters: [
        tagFilter(TAG.launchKey, key),
        { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] },
      ],
    });
    for (const instance of raw) {
      const index = Number(tagMap(instance.Tags)[TAG.launchIndex]);
      if (Number.isInteger(index) && request.blueprints[index]?.region === region) found.set(index, instance);
    }
  }
  return found;
}

/** Launches every blueprint (bounded concurrency), reusing instances a previous attempt created. */
export async function launchFleet(
  clientFor: (region: string) => EC2Client,
  request: LaunchRequest,
): Promise<LaunchedInstance[]> {
  request.blueprints.forEach(assertLaunchable);
  if (request.launchType === 'TEST') await assertDrillIsolation(clientFor, request.blueprints);
  const existing = await alreadyLaunched(clientFor, request);
  return mapLimit(request.blueprints, LAUNCH_CONCURRENCY, (blueprint, index) => {
    const previous = existing.get(index);
    if (previous) return Promise.resolve(launched(previous, blueprint));
    return launchOne(clientFor(blueprint.region), request, blueprint, index);
  });
}
