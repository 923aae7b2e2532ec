/**
 * Drill isolation on AWS: a TEST launch goes only into subnets with no path toward production.
 *
 * A subnet is an isolated drill network when it exists, and its route table (its own association,
 * else the VPC's main table) has no route through a VPC peering connection, a transit gateway, a
 * virtual private gateway, a core network or a local gateway, and its VPC has no active peering
 * connection and no transit-gateway attachment. Internet and NAT gateways, endpoints and `local`
 * routes are allowed: none of them reaches the source VPC's private addresses.
 *
 * The subnets come from the network mapping (`drbot network replicate`). A blueprint with no
 * subnet would land in the region's default VPC, so it is refused before any RunInstances.
 */
import {
  DescribeRouteTablesCommand,
  DescribeSubnetsCommand,
  DescribeTransitGatewayAttachmentsCommand,
  DescribeVpcPeeringConnectionsCommand,
  type EC2Client,
  type Route,
  type RouteTable,
} from '@aws-sdk/client-ec2';
import type { Blueprint } from '../../cloud/compute.js';
import { NonRetryableError } from '../../errors.js';
import type { DrillIsolationProblem } from '../../network/ports.js';
import { awsCall } from './errors.js';

/** Why one subnet is not an isolated drill network. */
export type IsolationProblem = DrillIsolationProblem;

const LIVE_PEERING = ['active', 'pending-acceptance', 'provisioning'];
const LIVE_ATTACHMENT = ['available', 'pending', 'pendingAcceptance', 'modifying', 'initiating'];

/** The route's target when it leads out of the VPC toward another network, else undefined. */
function crossNetworkTarget(route: Route): string | undefined {
  if (route.State === 'blackhole') return undefined;
  if (route.VpcPeeringConnectionId) return `peering connection ${route.VpcPeeringConnectionId}`;
  if (route.TransitGatewayId) return `transit gateway ${route.TransitGatewayId}`;
  if (route.GatewayId?.startsWith('vgw-')) return `virtual private gateway ${route.GatewayId}`;
  if (route.CoreNetworkArn) return `core network ${route.CoreNetworkArn}`;
  if (route.LocalGatewayId) return `local gateway ${route.LocalGatewayId}`;
  return undefined;
}

function tableOf(tables: RouteTable[], subnetId: string): RouteTable | undefined {
  return (
    tables.find((t) => t.Associations?.some((a) => a.SubnetId === subnetId)) ??
    tables.find((t) => t.Associations?.some((a) => a.Main))
  );
}

/** Every reason the subnets are not isolated (empty: all are isolated drill networks). */
export async function drillIsolationProblems(
  client: EC2Client,
  region: string,
  subnetIds: readonly string[],
): Promise<IsolationProblem[]> {
  const ids = [...new Set(subnetIds)];
  if (ids.length === 0) return [];
  const problems: IsolationProblem[] = [];
  const subnets =
    (
      await awsCall(`EC2 DescribeSubnets in ${region}`, () =>
        client.send(new DescribeSubnetsCommand({ SubnetIds: ids })),
      )
    )?.Subnets ?? [];
  const vpcOf = new Map(subnets.map((s) => [s.SubnetId ?? '', s.VpcId ?? '']));
  for (const id of ids.filter((i) => !vpcOf.get(i))) {
    problems.push({ subnetId: id, reason: `subnet ${id} does not exist in ${region}` });
  }
  for (const vpcId of new Set([...vpcOf.values()].filter(Boolean))) {
    const inVpc = ids.filter((i) => vpcOf.get(i) === vpcId);
    const tables =
      (
        await awsCall(`EC2 DescribeRouteTables in ${region}`, () =>
          client.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] })),
        )
      )?.RouteTables ?? [];
    for (const subnetId of inVpc) {
      for (const route of tableOf(tables, subnetId)?.Routes ?? []) {
        const target = crossNetworkTarget(route);
        const destination = route.DestinationCidrBlock ?? route.DestinationPrefixListId ?? 'a prefix';
        if (target) problems.push({ subnetId, reason: `it routes ${destination} through ${target}` });
      }
    }
    const peerings = await livePeerings(client, region, vpcId);
    const attachments =
      (
        await awsCall(`EC2 DescribeTransitGatewayAttachments in ${region}`, () =>
          client.send(
            new DescribeTransitGatewayAttachmentsCommand({
              Filters: [
                { Name: 'resource-id', Values: [vpcId] },
                { Name: 'state', Values: LIVE_ATTACHMENT },
              ],
            }),
          ),
        )
      )?.TransitGatewayAttachments ?? [];
    for (const subnetId of inVpc) {
      for (const p of peerings) problems.push({ subnetId, reason: `its VPC ${vpcId} is peered (${p})` });
      for (const a of attachments) {
        problems.push({
          subnetId,
          reason: `its VPC ${vpcId} is attached to transit gateway ${a.TransitGatewayId ?? '?'} (${a.TransitGatewayAttachmentId ?? '?'})`,
        });
      }
    }
  }
  return problems;
}

async function livePeerings(client: EC2Client, region: string, vpcId: string): Promise<string[]> {
  const found = new Set<string>();
  for (const side of ['requester-vpc-info.vpc-id', 'accepter-vpc-info.vpc-id']) {
    const out = await awsCall(`EC2 DescribeVpcPeeringConnections in ${region}`, () =>
      client.send(
        new DescribeVpcPeeringConnectionsCommand({
          Filters: [
            { Name: side, Values: [vpcId] },
            { Name: 'status-code', Values: LIVE_PEERING },
          ],
        }),
      ),
    );
    for (const p of out?.VpcPeeringConnections ?? []) found.add(p.VpcPeeringConnectionId ?? '?');
  }
  return [...found];
}

export function noDrillNetworkError(unplaced: readonly string[], region: string): NonRetryableError {
  return new NonRetryableError(`No isolated drill network for ${unplaced.join(', ')} in ${region}`, {
    code: 'NO_DRILL_NETWORK',
    explanation:
      'A TEST launch on AWS goes only into a subnet mapped by `drbot network replicate`; without one EC2 would place the copies in the default VPC, next to whatever else lives there.',
    action:
      'Run `drbot network replicate <runbook>` (then `drbot doctor <runbook>`), and start the drill again.',
    context: { unplaced, region },
  });
}

export function notIsolatedError(problems: readonly IsolationProblem[], region: string): NonRetryableError {
  return new NonRetryableError(`The drill network in ${region} is not isolated from production`, {
    code: 'DRILL_NETWORK_NOT_ISOLATED',
    explanation: `A drill copy must not reach production: ${problems.map((p) => `${p.subnetId}: ${p.reason}`).join('; ')}.`,
    action:
      'Remove those routes, peering connections and transit-gateway attachments from the replica VPC (drbot network replicate never creates them), then start the drill again.',
    context: { problems: problems.map((p) => `${p.subnetId}: ${p.reason}`), region },
  });
}

/**
 * Refuses a TEST launch unless every blueprint has a subnet and all of them are isolated. Runs
 * before any RunInstances, so a refused drill launches nothing.
 */
export async function assertDrillIsolation(
  clientFor: (region: string) => EC2Client,
  blueprints: readonly Blueprint[],
): Promise<void> {
  for (const region of new Set(blueprints.map((b) => b.region))) {
    const here = blueprints.filter((b) => b.region === region);
    const unplaced = here.filter((b) => !b.subnetId).map((b) => b.sourceInstanceId);
    if (unplaced.length > 0) throw noDrillNetworkError(unplaced, region);
    const problems = await drillIsolationProblems(
      clientFor(region),
      region,
      here.map((b) => b.subnetId!),
    );
    if (problems.length > 0) throw notIsolatedError(problems, region);
  }
}
