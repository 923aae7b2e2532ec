/**
 * network.drillVpc: creates this drill run's own isolated VPC in the recovery region (a subnet per
 * zone the copies need, a security group admitting only its members, no gateway, peering or
 * transit-gateway route, everything tagged with the run id and the drill TTL) and returns it for
 * ec2.launch's `drillNetwork`. network.deleteDrillVpc deletes it in cleanup. The VPC is found
 * again by the run's tag, so a resumed or retried step creates no second one.
 */
import type { CloudProvider } from '../../cloud/provider.js';
import { parseDuration } from '../../duration.js';
import { NonRetryableError } from '../../errors.js';
import {
  DRILL_SERVICE_ENDPOINTS,
  type DrillServiceEndpoint,
  drillZones,
  pickDrillCidr,
} from '../../network/drill-vpc.js';
import type { NetworkCloud } from '../../network/ports.js';
import { DEFAULT_DRILL_TTL } from '../ec2/launch.js';
import { optionalString, stringList } from '../support/inputs.js';
import { protectedInstances } from '../support/protected.js';
import { recoveryRegion } from '../support/regions.js';
import { type ActionHandler, defineAction } from '../types.js';
import { DRILL_VPC_CREATE, DRILL_VPC_DESCRIBE } from './iam.js';

const CIDR = '^\\d{1,3}(?:\\.\\d{1,3}){3}/\\d{1,2}$';

/** The network cloud's drill-VPC methods, or a refusal that says why there are none. */
export function drillVpcNetwork(
  action: string,
  network: NetworkCloud | undefined,
): Required<Pick<NetworkCloud, 'createDrillVpc' | 'deleteDrillVpcs' | 'vpcRanges' | 'availabilityZones'>> {
  if (!network?.createDrillVpc || !network.deleteDrillVpcs) {
    throw new NonRetryableError(`${action} is not available in this runtime`, {
      code: 'DRILL_VPC_UNAVAILABLE',
      explanation: `The runtime's network cloud (${network?.name ?? 'none'}) cannot create or delete per-run drill VPCs.`,
      action:
        'Run the drill with --provider sim or aws (both implement it), or drop the network.drillVpc step and map a drill subnet with `drbot network replicate`.',
    });
  }
  return network as ReturnType<typeof drillVpcNetwork>;
}

export function drillVpcHandler(cloud: CloudProvider, network: NetworkCloud | undefined): ActionHandler {
  return {
    async start(ctx) {
      if (ctx.mode !== 'drill') {
        throw new NonRetryableError(`network.drillVpc runs only in drills, not in ${ctx.mode}`, {
          code: 'DRILL_VPC_NOT_DRILL',
          explanation:
            'A per-run drill VPC is isolated from production on purpose; a failover or failback must launch into the replica network.',
          action: `Remove the network.drillVpc step from the ${ctx.mode} mode of the runbook.`,
        });
      }
      const net = drillVpcNetwork('network.drillVpc', network);
      const region = recoveryRegion(ctx.runbook, ctx.mode);
      const zones =
        stringList('network.drillVpc', ctx.inputs, 'zones') ??
        drillZones(
          (await protectedInstances(cloud, ctx)).map((i) => i.zone),
          await net.availabilityZones(region),
        );
      const given = optionalString('network.drillVpc', ctx.inputs, 'cidr');
      const cidr = given ?? pickDrillCidr((await net.vpcRanges(region)).flatMap((r) => r.cidrs));
      if (!cidr) {
        throw new NonRetryableError(`No free range for a drill VPC in ${region}`, {
          code: 'DRILL_VPC_NO_RANGE',
          explanation: `Every candidate /16 (10.200-255.0.0, 172.16-31.0.0) overlaps a VPC of ${region}.`,
          action: 'Set `with.cidr` on the network.drillVpc step to a range you reserve for drills.',
        });
      }
      const ttl = parseDuration(ctx.runbook.spec.defaults?.drillTtl ?? DEFAULT_DRILL_TTL);
      const serviceEndpoints = (stringList('network.drillVpc', ctx.inputs, 'serviceEndpoints') ?? [
        ...DRILL_SERVICE_ENDPOINTS,
      ]) as DrillServiceEndpoint[];
      const vpc = await net.createDrillVpc({
        region,
        runId: ctx.runId,
        cidr,
        zones,
        expiresAt: ctx.now() + ttl,
        serviceEndpoints,
      });
      ctx.note(
        `${vpc.created ? 'Created' : 'Reused'} drill VPC ${vpc.vpcId} (${vpc.cidr}) in ${region}: ${Object.entries(
          vpc.subnets,
        )
          .map(([z, s]) => `${s} in ${z}`)
          .join(
            ', ',
          )}${vpc.serviceEndpoints?.length ? `; endpoints for the agent: ${vpc.serviceEndpoints.join(', ')}` : ''}`,
        { vpcId: vpc.vpcId, created: vpc.created },
      );
      const { created, ...placement } = vpc;
      return {
        status: 'done',
        outputs: {
          network: placement,
          vpcId: vpc.vpcId,
          subnetIds: Object.values(vpc.subnets),
          securityGroupId: vpc.securityGroupId,
          created,
        },
      };
    },
  };
}

export default defineAction({
  name: 'network.drillVpc',
  typicalDuration: '1m',
  mutating: true,
  description:
    "Creates this drill run's own isolated VPC in the recovery region: a subnet per zone the copies need, a security group that admits only its members (egress only inside the VPC), no internet gateway, peering or transit-gateway route, and on AWS the SSM interface endpoints the agent needs (no route: they reach only the regional service), all tagged `drbot:run-id` and `drbot:expires`. Pass `${{ steps.<id>.outputs.network }}` as ec2.launch `drillNetwork`, and delete it in cleanup with network.deleteDrillVpc. A resumed step finds the run's VPC by its tag instead of creating another.",
  inputSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      cidr: {
        type: 'string',
        pattern: CIDR,
        description:
          "The VPC range, e.g. the replica's remapped 20.0.0.0/16. @default the first /16 of 10.200-255.0.0 or 172.16-31.0.0 that overlaps no VPC of the region",
      },
      serviceEndpoints: {
        type: 'array',
        items: { enum: [...DRILL_SERVICE_ENDPOINTS] },
        uniqueItems: true,
        description:
          "Interface endpoints (no route) so the copies' SSM agent takes drbot's commands (agent.*, ssm.runCommand) inside the isolated VPC; `[]` for none. @default [ssm, ssmmessages, ec2messages]",
      },
      zones: {
        type: 'array',
        items: { type: 'string' },
        minItems: 1,
        description:
          "Recovery-side zones to create a subnet in. @default the protected instances' zone letters in the recovery region",
      },
    },
  },
  outputs: {
    network:
      'Placement for ec2.launch `drillNetwork`: { vpcId, cidr, subnets: zone → subnet id, securityGroupId }.',
    vpcId: 'The drill VPC id.',
    subnetIds: 'Its subnet ids.',
    securityGroupId: 'Its security group id.',
    created: "False when the run's VPC already existed (a resumed step) and was reused.",
  },
  capabilities: ['compute', 'network', 'drillNetwork'],
  permissions: {
    aws: [
      { statement: 'DescribeFleet', actions: ['ec2:DescribeInstances'] },
      { statement: 'DescribeNetwork', actions: DRILL_VPC_DESCRIBE },
      { statement: 'CreateDrillVpc', actions: DRILL_VPC_CREATE },
      {
        statement: 'CreateInsideDrillVpc',
        actions: ['ec2:CreateSubnet', 'ec2:CreateSecurityGroup', 'ec2:CreateVpcEndpoint'],
      },
      {
        statement: 'ChangeDrillVpc',
        actions: [
          'ec2:RevokeSecurityGroupEgress',
          'ec2:AuthorizeSecurityGroupEgress',
          'ec2:AuthorizeSecurityGroupIngress',
          'ec2:ModifyVpcAttribute',
        ],
      },
      { statement: 'TagDrillVpcOnCreate', actions: ['ec2:CreateTags'] },
    ],
  },
  effects: () => [
    { verb: 'read', scope: 'recovery', what: "the recovery region's VPC ranges and zones" },
    { verb: 'create', scope: 'drill-network', what: "the run's isolated drill VPC (tagged with the run id)" },
  ],
  handler: ({ cloud, network }) => drillVpcHandler(cloud, network),
});
