/**
 * The SSM interface endpoints of a per-run drill VPC. The drill VPC has no internet gateway, NAT
 * or peering, so without these the SSM agent on a drill copy cannot reach Systems Manager, and
 * every agent.* and ssm.runCommand step of the drill would time out on real AWS. An interface
 * endpoint is a network interface in the drill subnets that reaches only the regional AWS
 * service: it adds no route, so the VPC stays isolated from production (drillIsolation still
 * holds). The endpoints use the drill group (members only), private DNS on, so the agent's
 * default endpoint names resolve to them; the VPC's DNS hostnames attribute is turned on for that.
 *
 * Create: describe the VPC's endpoints first and create only the missing services, each with a
 * ClientToken of the run and service, so a resumed step creates no second one.
 * Delete: DeleteVpcEndpoints of the run's tagged endpoints; their interfaces take a while to go,
 * and until then the subnets answer DependencyViolation (the deletion polls again).
 */
import {
  CreateVpcEndpointCommand,
  DeleteVpcEndpointsCommand,
  DescribeVpcEndpointsCommand,
  type DescribeVpcEndpointsCommandInput,
  type EC2Client,
  ModifyVpcAttributeCommand,
  type VpcEndpoint,
} from '@aws-sdk/client-ec2';
import { DRILL_VPC_TAG, type DrillServiceEndpoint } from '../../../network/drill-vpc.js';
import { awsCall } from '../errors.js';
import { tagFilter, tagSpecs } from '../tags.js';
import { allPages, filter } from './pages.js';

const GONE = new Set(['deleted', 'deleting', 'rejected', 'failed', 'expired']);

export interface DrillEndpointPlacement {
  region: string;
  runId: string;
  vpcId: string;
  subnetIds: string[];
  securityGroupId: string;
  tags: Record<string, string>;
  services: readonly DrillServiceEndpoint[];
}

function endpointsIn(
  client: EC2Client,
  region: string,
  filters: DescribeVpcEndpointsCommandInput['Filters'],
) {
  return allPages(
    `EC2 DescribeVpcEndpoints in ${region}`,
    (input: DescribeVpcEndpointsCommandInput) => client.send(new DescribeVpcEndpointsCommand(input)),
    { Filters: filters },
    (o) => o.VpcEndpoints,
  );
}

/** Ensures one interface endpoint per service in the drill VPC; returns the services it has. */
export async function ensureDrillEndpoints(client: EC2Client, p: DrillEndpointPlacement): Promise<string[]> {
  if (p.services.length === 0) return [];
  const { region, vpcId } = p;
  // private DNS on an interface endpoint needs both; a new VPC has DNS support on, hostnames off
  for (const attribute of ['EnableDnsSupport', 'EnableDnsHostnames'] as const) {
    await awsCall(`EC2 ModifyVpcAttribute ${attribute} in ${region}`, () =>
      client.send(new ModifyVpcAttributeCommand({ VpcId: vpcId, [attribute]: { Value: true } })),
    );
  }
  const existing = (await endpointsIn(client, region, [filter('vpc-id', vpcId)])).filter(
    (e: VpcEndpoint) => !GONE.has((e.State ?? '').toLowerCase()),
  );
  const have = new Set(existing.map((e) => e.ServiceName));
  for (const service of p.services) {
    const serviceName = `com.amazonaws.${region}.${service}`;
    if (have.has(serviceName)) continue;
    await awsCall(`EC2 CreateVpcEndpoint ${serviceName}`, () =>
      client.send(
        new CreateVpcEndpointCommand({
          VpcEndpointType: 'Interface',
          VpcId: vpcId,
          ServiceName: serviceName,
          SubnetIds: p.subnetIds,
          SecurityGroupIds: [p.securityGroupId],
          PrivateDnsEnabled: true,
          ClientToken: `${p.runId}-${service}`.slice(0, 64),
          TagSpecifications: tagSpecs(['vpc-endpoint'], p.tags),
        }),
      ),
    );
  }
  return p.services.map((s) => `com.amazonaws.${region}.${s}`);
}

/**
 * Deletes the run's endpoints in the VPC; returns the ids still present (being deleted), which
 * keep the subnets from being deleted yet.
 */
export async function deleteDrillEndpoints(
  client: EC2Client,
  region: string,
  vpcId: string,
  runId: string,
): Promise<{ deleted: string[]; pending: string[] }> {
  const mine = await endpointsIn(client, region, [filter('vpc-id', vpcId), tagFilter(DRILL_VPC_TAG, runId)]);
  const live = mine.filter((e) => !GONE.has((e.State ?? '').toLowerCase())).map((e) => e.VpcEndpointId!);
  const deleting = mine
    .filter((e) => (e.State ?? '').toLowerCase() === 'deleting')
    .map((e) => e.VpcEndpointId!);
  if (live.length > 0) {
    await awsCall(`EC2 DeleteVpcEndpoints in ${region}`, () =>
      client.send(new DeleteVpcEndpointsCommand({ VpcEndpointIds: live })),
    );
  }
  return { deleted: live, pending: [...live, ...deleting] };
}
