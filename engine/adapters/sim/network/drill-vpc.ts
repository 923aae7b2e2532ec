/**
 * The sim's per-run drill VPC (NetworkCloud.createDrillVpc / deleteDrillVpcs), on the SimNetwork
 * state: found again by the run's `drbot:drill-vpc` tag (so a resumed step creates nothing),
 * one route table with only the `local` route, one security group admitting only its members,
 * and a deletion that waits while an instance of the world is still in one of its subnets.
 */
import {
  DRILL_SERVICE_ENDPOINTS,
  DRILL_VPC_TAG,
  type DrillVpc,
  type DrillVpcDeletion,
  type DrillVpcRequest,
  drillSecurityGroupName,
  drillSubnetCidr,
  drillVpcTags,
} from '../../../network/drill-vpc.js';
import type { VpcTopology } from '../../../network/topology.js';
import type { SimNetworkState } from './sim-network.js';

/** Which of these subnets' instances are not terminated yet (SimCloud answers it). */
export type SubnetOccupants = (region: string, subnetIds: readonly string[]) => string[];

function nextId(state: SimNetworkState, prefix: string): string {
  return `${prefix}-sim${(state.nextId++).toString(16).padStart(8, '0')}`;
}

function describe(topology: VpcTopology, created: boolean): DrillVpc {
  return {
    vpcId: topology.vpc.id,
    cidr: topology.vpc.cidrs[0]!,
    subnets: Object.fromEntries(topology.subnets.map((s) => [s.zone, s.id])),
    securityGroupId: topology.securityGroups.find((g) => !g.isDefault)!.id,
    created,
    ...(topology.endpoints.length > 0 ? { serviceEndpoints: topology.endpoints.map((e) => e.service) } : {}),
  };
}

/** `com.amazonaws.<region>.<service>`: the names EC2 gives the endpoints (the sim stands in for it). */
const serviceName = (region: string, service: string) => `com.amazonaws.${region}.${service}`;

/** Adds the asked service endpoints the drill VPC lacks (in every drill subnet, private DNS). */
function addEndpoints(state: SimNetworkState, topology: VpcTopology, req: DrillVpcRequest): void {
  for (const service of req.serviceEndpoints ?? []) {
    const name = serviceName(req.region, service);
    if (topology.endpoints.some((e) => e.service === name)) continue;
    topology.endpoints.push({
      id: nextId(state, 'vpce'),
      service: name,
      type: 'Interface',
      subnetIds: topology.subnets.map((s) => s.id),
      privateDns: true,
    });
  }
}

/**
 * Why SSM cannot reach an instance in this subnet, like EC2: a drill VPC has no route out, so
 * the agent reaches Systems Manager only through the three interface endpoints. Undefined when
 * it can (any other network of the sim world is assumed to have a way out, as before).
 */
export function commandUnreachable(
  state: SimNetworkState,
  region: string,
  subnetId: string,
): string | undefined {
  const topology = (state.topologies[region] ?? []).find((t) => t.subnets.some((s) => s.id === subnetId));
  if (!topology?.vpc.tags[DRILL_VPC_TAG]) return undefined;
  const missing = DRILL_SERVICE_ENDPOINTS.filter(
    (s) => !topology.endpoints.some((e) => e.service === serviceName(region, s)),
  );
  return missing.length === 0
    ? undefined
    : `drill VPC ${topology.vpc.id} has no route out and no ${missing.join(', ')} endpoint`;
}

const ofRun = (region: string, runId: string) => (t: VpcTopology) =>
  t.region === region && t.vpc.tags[DRILL_VPC_TAG] === runId;

export function createSimDrillVpc(state: SimNetworkState, req: DrillVpcRequest): DrillVpc {
  state.topologies[req.region] ??= [];
  const existing = state.topologies[req.region]!.find(ofRun(req.region, req.runId));
  if (existing) {
    // a resumed step may need zones the first attempt did not create
    addSubnets(state, existing, req);
    addEndpoints(state, existing, req);
    return describe(existing, false);
  }
  const tags = drillVpcTags(req);
  const vpcId = nextId(state, 'vpc');
  const topology: VpcTopology = {
    region: req.region,
    vpc: {
      id: vpcId,
      cidrs: [req.cidr],
      ipv6Cidrs: [],
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags,
    },
    subnets: [],
    natGateways: [],
    // the main table holds only the local route: no gateway, peering or transit gateway
    routeTables: [
      {
        id: nextId(state, 'rtb'),
        main: true,
        subnetIds: [],
        routes: [{ destination: req.cidr, target: { kind: 'local', id: 'local' } }],
        tags,
      },
    ],
    networkAcls: [],
    securityGroups: [],
    endpoints: [],
  };
  const groupId = nextId(state, 'sg');
  topology.securityGroups.push({
    id: groupId,
    name: drillSecurityGroupName(req.runId),
    description: `drbot drill ${req.runId}: members only`,
    isDefault: false,
    ingress: [{ protocol: '-1', cidrs: [], ipv6Cidrs: [], groupIds: [groupId], prefixListIds: [] }],
    egress: [{ protocol: '-1', cidrs: [req.cidr], ipv6Cidrs: [], groupIds: [], prefixListIds: [] }],
    tags,
  });
  addSubnets(state, topology, req);
  addEndpoints(state, topology, req);
  state.topologies[req.region]!.push(topology);
  state.drillVpcsCreated = (state.drillVpcsCreated ?? 0) + 1;
  state.creates++;
  return describe(topology, true);
}

function addSubnets(state: SimNetworkState, topology: VpcTopology, req: DrillVpcRequest): void {
  for (const zone of req.zones) {
    if (topology.subnets.some((s) => s.zone === zone)) continue;
    topology.subnets.push({
      id: nextId(state, 'subnet'),
      zone,
      cidr: drillSubnetCidr(topology.vpc.cidrs[0]!, topology.subnets.length),
      mapPublicIpOnLaunch: false,
      tags: drillVpcTags(req),
    });
    state.creates++;
  }
}

export function deleteSimDrillVpcs(
  state: SimNetworkState,
  region: string,
  runId: string,
  occupants: SubnetOccupants | undefined,
): DrillVpcDeletion {
  const mine = (state.topologies[region] ?? []).filter(ofRun(region, runId));
  const blockedBy = mine.flatMap(
    (t) =>
      occupants?.(
        region,
        t.subnets.map((s) => s.id),
      ) ?? [],
  );
  // EC2 refuses DeleteSubnet while a network interface is in it (DependencyViolation)
  if (blockedBy.length > 0) return { deleted: [], blockedBy };
  const deleted = mine.flatMap((t) => [
    ...t.subnets.map((s) => s.id),
    ...t.securityGroups.map((g) => g.id),
    t.vpc.id,
  ]);
  state.topologies[region] = (state.topologies[region] ?? []).filter((t) => !mine.includes(t));
  return { deleted, blockedBy: [] };
}
