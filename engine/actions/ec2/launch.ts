/**
 * ec2.launch: a launch blueprint per protected instance, filled from the network mapping (subnet,
 * security groups and private IP mapped; read in reverse for failback) with stored and step
 * overrides, launched on the recovery side in one request, tagged with the run id, mode and — for
 * drills — the TTL. Without a mapping the `network` profile places the instances, as before any
 * replication. It returns as soon as the instances exist; ec2.waitHealthy waits for them.
 */
import type { Blueprint, Instance, LaunchType } from '../../cloud/compute.js';
import type { CloudProvider } from '../../cloud/provider.js';
import { parseDuration } from '../../duration.js';
import { NonRetryableError } from '../../errors.js';
import { type BlueprintSource, createBlueprintSource } from '../../network/blueprint-source.js';
import { buildBlueprints, type PlannedBlueprint, toLaunchBlueprint } from '../../network/blueprints.js';
import { type DrillVpc, drillSubnetFor } from '../../network/drill-vpc.js';
import type { NetworkCloud } from '../../network/ports.js';
import type { RunStore } from '../../ports.js';
import { choosePoints, POINT_PARAM, parsePointChoice } from '../support/choose-point.js';
import { invalidInput, launchTypeInput, optionalString, stringMap } from '../support/inputs.js';
import { latestPoints, retryThrottled } from '../support/latest-points.js';
import { protectedInstances } from '../support/protected.js';
import { recoveryRegion } from '../support/regions.js';
import { type ActionContext, type ActionHandler, defineAction } from '../types.js';
import { freeHeldAddresses } from './held-addresses.js';

/** How long drill instances may live before a sweeper may delete them. @default 4h */
export const DEFAULT_DRILL_TTL = '4h';

interface ChosenPoints {
  /** Source instance id → the recovery point id it launches from. */
  points: Record<string, string>;
  /** Capture time of the oldest point launched, when known: what the claimed RPO is measured on. */
  oldestCapturedAt?: number;
}

async function pointsFor(
  cloud: CloudProvider,
  ctx: ActionContext,
  instances: Instance[],
  region: string,
): Promise<ChosenPoints> {
  const given = stringMap('ec2.launch', ctx.inputs, 'from');
  const points: Record<string, string> = {};
  const missing: string[] = [];
  // Looked up even with `from`: the claim is the age of the points launched, and `from` usually
  // names the newest ones (one batched call); only an older choice costs a lookup of its own.
  // Without `from`, the `point` start parameter chooses (the newest by default).
  const ids = instances.map((i) => i.id);
  const latest = given
    ? await latestPoints(cloud, ids, region)
    : await choosePoints(cloud, ids, region, parsePointChoice(ctx.params[POINT_PARAM]));
  for (const instance of instances) {
    const id = given ? given[instance.id] : latest[instance.id]?.id;
    if (id) points[instance.id] = id;
    else missing.push(instance.id);
  }
  if (missing.length > 0) {
    throw new NonRetryableError(`No recovery point to launch ${missing.join(', ')} from`, {
      code: 'NO_RECOVERY_POINT',
      explanation: given
        ? 'The `from` map of the step has no entry for these protected instances.'
        : `These protected instances have no available recovery point in ${region}.`,
      action:
        'Run the RPO gate step (recovery.latestPoint) first and pass its points as `from`, or run `drbot protect`.',
      context: { missing },
    });
  }
  let oldest: number | undefined;
  for (const [source, pointId] of Object.entries(points)) {
    let capturedAt = latest[source]?.id === pointId ? latest[source]?.capturedAt : undefined;
    if (capturedAt === undefined) {
      const all = await retryThrottled(() => cloud.recoveryPoints(source, region));
      capturedAt = all.find((p) => p.id === pointId)?.capturedAt;
    }
    if (capturedAt !== undefined) oldest = Math.min(oldest ?? capturedAt, capturedAt);
  }
  return { points, ...(oldest !== undefined ? { oldestCapturedAt: oldest } : {}) };
}

export interface LaunchDeps {
  /** Where the network mapping and stored blueprints are read. @default none: no mapping */
  store?: RunStore;
  /** Checks the recovery region's type offerings. @default none: the cloud falls back at launch */
  network?: NetworkCloud;
}

/** Without a store there is no mapping: blueprints straight from the protected instances. */
function unmappedSource(network: NetworkCloud | undefined): BlueprintSource {
  return {
    async blueprints(request) {
      const defaults = request.runbook.spec.defaults ?? {};
      const types = [
        ...new Set([
          ...request.instances.map((i) => i.type),
          ...(defaults.instanceType ? [defaults.instanceType] : []),
        ]),
      ];
      const availableTypes = network ? await network.offeredInstanceTypes(request.region, types) : undefined;
      return buildBlueprints({
        instances: request.instances,
        mapping: undefined,
        recoveryPoints: request.points,
        region: request.region,
        defaults,
        ...(availableTypes ? { availableTypes } : {}),
      });
    },
  };
}

/**
 * The blueprint as launched. A drill (TEST) copy placed in a mapped subnet drops its private IP:
 * that subnet is where a CUTOVER lands, and a drill must never take a production address. The
 * `drbot:network` profile tag places instances the mapping did not (no subnet in the blueprint).
 */
function launchBlueprint(
  planned: PlannedBlueprint,
  launchType: LaunchType,
  profile: string,
  instanceType: string | undefined,
): Blueprint {
  const { privateIp, ...rest } = toLaunchBlueprint(planned);
  // a drill (TEST) copy never asks for a production address, mapped or not: its subnet gives it one
  const keepIp = privateIp !== undefined && launchType !== 'TEST';
  return {
    ...rest,
    ...(instanceType ? { instanceType } : {}),
    ...(keepIp ? { privateIp } : {}),
    tags: { ...(rest.tags ?? {}), 'drbot:network': profile },
  };
}

/** Blueprint remarks worth an audit line: only once a mapping exists (else every step would nag). */
function blueprintNotes(ctx: ActionContext, planned: PlannedBlueprint[]): void {
  if (!planned.some((b) => b.subnetId)) return;
  for (const b of planned) {
    for (const note of b.notes)
      ctx.note(`${b.sourceInstanceId}: ${note}`, { sourceInstanceId: b.sourceInstanceId });
  }
}

/** The `drillNetwork` input (network.drillVpc's `network` output), checked; undefined when absent. */
function drillNetworkInput(
  ctx: ActionContext,
  launchType: LaunchType,
): Omit<DrillVpc, 'created'> | undefined {
  const value = ctx.inputs.drillNetwork as Partial<DrillVpc> | undefined;
  if (value === undefined) return undefined;
  const subnets = value?.subnets;
  const ok =
    typeof value === 'object' &&
    value !== null &&
    typeof value.vpcId === 'string' &&
    typeof value.securityGroupId === 'string' &&
    typeof subnets === 'object' &&
    subnets !== null &&
    Object.keys(subnets).length > 0 &&
    Object.values(subnets).every((v) => typeof v === 'string');
  if (!ok) {
    throw invalidInput(
      'ec2.launch',
      'drillNetwork',
      "network.drillVpc's `network` output ({ vpcId, subnets, securityGroupId })",
      value,
    );
  }
  if (launchType !== 'TEST') {
    throw new NonRetryableError('ec2.launch: drillNetwork is for TEST launches only', {
      code: 'DRILL_NETWORK_CUTOVER',
      explanation:
        'A per-run drill VPC is isolated from production and deleted after the drill; CUTOVER copies serve production.',
      action: 'Remove `drillNetwork` from the CUTOVER launch step (it launches into the replica network).',
    });
  }
  return value as Omit<DrillVpc, 'created'>;
}

/** Places every TEST copy in the run's drill VPC: the subnet of its zone, only the drill group. */
function intoDrillVpc(
  planned: PlannedBlueprint[],
  instances: readonly Instance[],
  network: Omit<DrillVpc, 'created'>,
): PlannedBlueprint[] {
  const zoneOf = new Map(instances.map((i) => [i.id, i.zone]));
  return planned.map((b) => ({
    ...b,
    subnetId: drillSubnetFor(network, zoneOf.get(b.sourceInstanceId)),
    securityGroups: [network.securityGroupId],
    // the subnet and groups are the drill VPC's: a missing mapping of the originals does not matter
    notes: b.notes.filter((n) => !/^(subnet|security group) .* has no mapping/.test(n)),
  }));
}

export function launchHandler(cloud: CloudProvider, deps: LaunchDeps = {}): ActionHandler {
  const source = deps.store
    ? createBlueprintSource({ store: deps.store, ...(deps.network ? { network: deps.network } : {}) })
    : unmappedSource(deps.network);
  return {
    async start(ctx) {
      const launchType = launchTypeInput('ec2.launch', ctx, {
        message: 'A drill may not launch with launchType CUTOVER',
        explanation: 'CUTOVER launches join the production network; drills must stay isolated (TEST).',
      });
      const override = optionalString('ec2.launch', ctx.inputs, 'instanceType');
      const drillNetwork = drillNetworkInput(ctx, launchType);
      const profile =
        optionalString('ec2.launch', ctx.inputs, 'network') ??
        (launchType === 'TEST' ? 'drill' : 'production');
      const region = recoveryRegion(ctx.runbook, ctx.mode);
      const instances = await protectedInstances(cloud, ctx);
      const { points, oldestCapturedAt } = await pointsFor(cloud, ctx, instances, region);
      const blueprints = await source.blueprints({
        runbook: ctx.runbook,
        mode: ctx.mode,
        instances,
        points,
        region,
      });
      const planned =
        launchType === 'CUTOVER'
          ? await freeHeldAddresses(cloud, ctx, blueprints, region)
          : drillNetwork
            ? intoDrillVpc(blueprints, instances, drillNetwork)
            : blueprints;
      blueprintNotes(ctx, planned);
      const defaults = ctx.runbook.spec.defaults ?? {};
      // `${{ }}` in it were evaluated with the rest of `with`: it names the recovered endpoints
      const userData = optionalString('ec2.launch', ctx.inputs, 'userData');
      const expiresAt =
        ctx.mode === 'drill' ? ctx.now() + parseDuration(defaults.drillTtl ?? DEFAULT_DRILL_TTL) : undefined;
      const launched = await cloud.launch({
        blueprints: planned.map((b) => launchBlueprint(b, launchType, profile, override)),
        launchType,
        tags: { runId: ctx.runId, mode: ctx.mode, ...(expiresAt !== undefined ? { expiresAt } : {}) },
        idempotencyKey: ctx.idempotencyKey,
        ...(userData !== undefined ? { userData } : {}),
      });
      const plannedFallback = new Map(
        planned.filter((b) => b.fellBackFrom && !override).map((b) => [b.sourceInstanceId, b.fellBackFrom!]),
      );
      const instancesOut = launched.map((l) => {
        const fellBackFrom = l.fellBackFrom ?? plannedFallback.get(l.sourceInstanceId);
        return { ...l, ...(fellBackFrom ? { fellBackFrom } : {}) };
      });
      for (const l of instancesOut) {
        if (l.fellBackFrom) {
          ctx.note(
            `Launched ${l.instanceId}, the copy of ${l.sourceInstanceId}, as ${l.instanceType}: ${l.fellBackFrom} is unavailable or out of capacity in ${region}, so it fell back to spec.defaults.instanceType`,
            {
              sourceInstanceId: l.sourceInstanceId,
              instanceId: l.instanceId,
              fellBackFrom: l.fellBackFrom,
              instanceType: l.instanceType,
            },
          );
        }
      }
      return {
        status: 'done',
        outputs: {
          instanceIds: launched.map((l) => l.instanceId),
          instances: instancesOut,
          privateIps: launched.map((l) => l.privateIp).filter((ip): ip is string => ip !== undefined),
        },
        // The claimed RPO is the age of the points actually launched (an earlier `from` than the
        // RPO gate's newest points loses more data than the gate claimed).
        ...(oldestCapturedAt !== undefined
          ? { measures: { rpoClaimedMs: ctx.runStartedAt - oldestCapturedAt } }
          : {}),
      };
    },
  };
}

export default defineAction({
  name: 'ec2.launch',
  typicalDuration: '5m',
  mutating: true,
  description:
    'Launches the protected instances on the recovery side from recovery points, tagged with the run id, mode and drill TTL. Each blueprint comes from the network mapping (`network.replicate`; read in reverse for failback) and `drbot blueprint --write`: mapped subnet, security groups and remapped private IP (without a mapping no fixed IP: the address of the source lies outside the recovery subnets, so the copy takes a free one of the subnet it lands in); drill (TEST) copies never get a fixed IP (their subnet gives them one), so they never take a production address; a CUTOVER copy whose address something still holds (the stopped copies of an earlier failover, the originals beside a failback, the copies a switch-point replaces: the cloud is asked: DescribeNetworkInterfaces on EC2 and ECS, the instances on the sim) gets a fresh one of the same subnet, noted in the audit. On AWS a TEST launch is refused before any RunInstances unless every copy has a mapped, isolated drill subnet (`NO_DRILL_NETWORK`, `DRILL_NETWORK_NOT_ISOLATED`).',
  inputSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['launchType'],
    properties: {
      launchType: {
        enum: ['TEST', 'CUTOVER'],
        description: 'TEST for drills (isolated, run-owned); CUTOVER for real.',
      },
      from: {
        type: 'object',
        additionalProperties: { type: 'string' },
        description:
          'Map of source instance id → recovery point id, usually `${{ steps.<gate>.outputs.points }}`.',
      },
      network: {
        type: 'string',
        description:
          'Network profile name, e.g. `drill` (isolated) or `production`: places the instances the mapping gives no subnet (before any replication).',
      },
      drillNetwork: {
        type: 'object',
        description:
          "TEST only: the run's isolated drill VPC, `${{ steps.<network.drillVpc step>.outputs.network }}`. Every copy goes to its subnet in the copy's zone with only its security group, instead of the mapped or profile network.",
      },
      instanceType: { type: 'string', description: 'Overrides every blueprint instance type.' },
      userData: {
        type: 'string',
        maxLength: 16384,
        description:
          'Boot script for the launched instances, templated with `${{ steps.<id>.outputs.* }}` so the app starts against the recovered database (e.g. `DB_HOST=${{ steps.restore.outputs.endpoint }}`).',
      },
    },
  },
  outputs: {
    instanceIds: 'The launched instance ids.',
    instances:
      'Launched instances: { instanceId, sourceInstanceId, instanceType, privateIp?, fellBackFrom? }.',
    privateIps: 'Private IPs of the launched instances, in launch order (for dns.switch).',
  },
  capabilities: ['compute', 'recoveryPoints'],
  permissions: {
    aws: [
      {
        statement: 'DescribeFleet',
        actions: [
          'ec2:DescribeInstances',
          'ec2:DescribeImages',
          'ec2:DescribeSnapshots',
          'ec2:DescribeInstanceTypeOfferings',
          'ec2:DescribeSubnets',
          'ec2:DescribeSecurityGroups',
          // drill isolation check before a TEST launch (engine/adapters/aws/drill-network.ts)
          'ec2:DescribeRouteTables',
          'ec2:DescribeVpcPeeringConnections',
          'ec2:DescribeTransitGatewayAttachments',
          // who holds a fixed address before a CUTOVER launch asks for it (held-addresses.ts)
          'ec2:DescribeNetworkInterfaces',
        ],
      },
      { statement: 'LaunchTaggedInstances', actions: ['ec2:RunInstances'] },
      { statement: 'LaunchFromInputs', actions: ['ec2:RunInstances'] },
      { statement: 'PassInstanceRolesToEc2', actions: ['iam:PassRole'] },
      { statement: 'TagOnCreate', actions: ['ec2:CreateTags'] },
    ],
    alibaba: [
      'ecs:DescribeInstances',
      'ecs:DescribeDisks',
      'ecs:DescribeImages',
      'ecs:DescribeSnapshots',
      // the recovery region's instance type offerings, for the default-type fallback in blueprints
      'ecs:DescribeAvailableResource',
      // who holds a fixed address before a CUTOVER launch asks for it (held-addresses.ts)
      'ecs:DescribeNetworkInterfaces',
      'ecs:RunInstances',
      // RunInstances with RamRoleName (the blueprint's instance role)
      'ram:PassRole',
    ],
  },
  // TEST copies are run-owned, and isolated only in the drill network; CUTOVER (or a launch type
  // lint cannot know) launches production
  effects: (inputs) =>
    inputs.launchType === 'TEST'
      ? [
          { verb: 'read', scope: 'recovery', what: 'recovery points' },
          { verb: 'create', scope: 'run-owned', what: 'TEST copies tagged with the run id' },
          // in the run's drill VPC (drillNetwork) or the drill profile (no `network`)
          inputs.drillNetwork !== undefined || inputs.network === undefined || inputs.network === 'drill'
            ? { verb: 'create', scope: 'drill-network', what: 'TEST copies in the isolated drill network' }
            : { verb: 'create', scope: 'recovery', what: 'TEST copies attached to the production network' },
        ]
      : [
          { verb: 'read', scope: 'recovery', what: 'recovery points' },
          { verb: 'create', scope: 'recovery', what: 'production (CUTOVER) instances', cutover: true },
        ],
  handler: ({ cloud, store, network }) =>
    launchHandler(cloud, { ...(store ? { store } : {}), ...(network ? { network } : {}) }),
});
