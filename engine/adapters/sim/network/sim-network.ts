/**
 * The simulated network: VPC topologies per region (seeded from the world's `network:` section)
 * and a converging `apply` that mirrors the AWS executor — find by `drbot:source-id`, create only
 * what is missing — so `drbot network replicate --provider sim` and the e2e run locally. Its state
 * is plain JSON (`snapshot()`), to be stored next to the SimCloud state.
 */
import type { DrillVpc, DrillVpcDeletion, DrillVpcRequest } from '../../../network/drill-vpc.js';
import type { MappedKind, MappingEntry } from '../../../network/mapping.js';
import { type PlanStep, type ReplicationPlan, SOURCE_ID_TAG } from '../../../network/plan-types.js';
import type { AppliedResource, ApplyResult, NetworkCloud, VpcRange } from '../../../network/ports.js';
import type { SgRule, VpcTopology } from '../../../network/topology.js';
import type { World } from '../world.js';
import {
  commandUnreachable,
  createSimDrillVpc,
  deleteSimDrillVpcs,
  type SubnetOccupants,
} from './drill-vpc.js';
import { type SimNetworkSeed, seedTopologies } from './seed.js';

export interface SimNetworkState {
  version: 1;
  nextId: number;
  /** Region → its VPCs. */
  topologies: Record<string, VpcTopology[]>;
  /** `region|source-id` → target id: the sim's `drbot:source-id` tag index. */
  tagged: Record<string, string>;
  /** Resources created so far (idempotency checks read it). */
  creates: number;
  /** Per-run drill VPCs created so far (network.drillVpc; a resumed step must not add one). */
  drillVpcsCreated?: number;
}

export interface SimNetworkOptions {
  world: World;
  seed: SimNetworkSeed;
  /** Continue from a saved state (see `snapshot`). */
  state?: SimNetworkState;
  persist?: (state: SimNetworkState) => void | Promise<void>;
}

const KIND_PREFIX: Record<MappedKind, string> = {
  vpc: 'vpc',
  'dhcp-options': 'dopt',
  subnet: 'subnet',
  'internet-gateway': 'igw',
  'egress-only-gateway': 'eigw',
  'nat-gateway': 'nat',
  'elastic-ip': 'eipalloc',
  'route-table': 'rtb',
  'network-acl': 'acl',
  'security-group': 'sg',
  'vpc-endpoint': 'vpce',
  zone: 'zone',
};

const STEP_KIND: Record<Exclude<PlanStep['kind'], 'security-group-rules'>, MappedKind> = {
  vpc: 'vpc',
  'dhcp-options': 'dhcp-options',
  subnet: 'subnet',
  'internet-gateway': 'internet-gateway',
  'egress-only-gateway': 'egress-only-gateway',
  'nat-gateway': 'nat-gateway',
  'route-table': 'route-table',
  'network-acl': 'network-acl',
  'security-group': 'security-group',
  'vpc-endpoint': 'vpc-endpoint',
};

function sameRule(a: SgRule, b: SgRule): boolean {
  return (
    JSON.stringify({ ...a, description: undefined }) === JSON.stringify({ ...b, description: undefined })
  );
}

export class SimNetwork implements NetworkCloud {
  readonly name = 'sim';
  private readonly state: SimNetworkState;
  /** Who is still in a subnet: set by the SimCloud that launches into this network. */
  private occupants?: SubnetOccupants;

  constructor(private readonly options: SimNetworkOptions) {
    this.state = options.state
      ? structuredClone(options.state)
      : {
          version: 1,
          nextId: 1,
          topologies: Object.fromEntries(
            Object.keys(options.world.regions).map((r) => [
              r,
              seedTopologies(options.world, options.seed, r),
            ]),
          ),
          tagged: {},
          creates: 0,
        };
  }

  /** The SimCloud launching into this network tells it which instances are in which subnet. */
  useOccupants(occupants: SubnetOccupants): void {
    this.occupants = occupants;
  }

  async createDrillVpc(request: DrillVpcRequest): Promise<DrillVpc> {
    const vpc = createSimDrillVpc(this.state, request);
    await this.options.persist?.(this.snapshot());
    return vpc;
  }

  async deleteDrillVpcs(region: string, runId: string): Promise<DrillVpcDeletion> {
    const result = deleteSimDrillVpcs(this.state, region, runId, this.occupants);
    if (result.deleted.length > 0) await this.options.persist?.(this.snapshot());
    return result;
  }

  snapshot(): SimNetworkState {
    return structuredClone(this.state);
  }

  /** The subnet, in any VPC of the region (SimCloud's launch checks blueprint subnets here). */
  subnet(region: string, subnetId: string): { zone: string; cidr: string; vpcId: string } | undefined {
    for (const t of this.state.topologies[region] ?? []) {
      const s = t.subnets.find((x) => x.id === subnetId);
      if (s) return { zone: s.zone, cidr: s.cidr, vpcId: t.vpc.id };
    }
    return undefined;
  }

  /** Why SSM cannot reach an instance of this subnet (a drill VPC without the agent's endpoints). */
  commandUnreachable(region: string, subnetId: string): string | undefined {
    return commandUnreachable(this.state, region, subnetId);
  }

  hasSecurityGroup(region: string, groupId: string): boolean {
    return (this.state.topologies[region] ?? []).some((t) => t.securityGroups.some((g) => g.id === groupId));
  }

  async discover(region: string, subnetIds: readonly string[]): Promise<VpcTopology[]> {
    return structuredClone(
      (this.state.topologies[region] ?? []).filter((t) => t.subnets.some((s) => subnetIds.includes(s.id))),
    );
  }

  async availabilityZones(region: string): Promise<string[]> {
    const declared = this.options.seed.regions[region]?.zones;
    const fromSubnets = this.options.world.regions[region]?.subnets.map((s) => s.zone) ?? [];
    return [...new Set(declared ?? fromSubnets)].sort();
  }

  async vpcRanges(region: string): Promise<VpcRange[]> {
    return (this.state.topologies[region] ?? []).map((t) => {
      const sourceId = t.vpc.tags[SOURCE_ID_TAG];
      return { vpcId: t.vpc.id, cidrs: t.vpc.cidrs, ...(sourceId ? { sourceId } : {}) };
    });
  }

  async offeredInstanceTypes(region: string, types: readonly string[]): Promise<string[]> {
    const unavailable = this.options.world.regions[region]?.unavailableTypes ?? [];
    return types.filter((t) => !unavailable.includes(t));
  }

  async networkProfiles(region: string): Promise<string[]> {
    return Object.keys(this.options.world.regions[region]?.networks ?? {}).sort();
  }

  async ssmManagedInstances(_region: string, instanceIds: readonly string[]): Promise<string[]> {
    const unmanaged = new Set(this.options.seed.ssmUnmanagedProfiles ?? []);
    return instanceIds.filter((id) => {
      const seeded = this.options.world.instances.find((i) => i.id === id);
      // instances the sim launched carry their source's profile; only seeded ones are checked
      return !seeded || (seeded.instanceProfile !== undefined && !unmanaged.has(seeded.instanceProfile));
    });
  }

  async existingDocuments(_region: string, names: readonly string[]): Promise<string[]> {
    const extra = new Set(this.options.seed.documents ?? []);
    return names.filter((n) => n.startsWith('Drbot') || n.startsWith('AWS-') || extra.has(n));
  }

  async apply(plan: ReplicationPlan): Promise<ApplyResult> {
    const region = plan.targetRegion;
    this.state.topologies[region] ??= [];
    const entries: MappingEntry[] = [];
    const resources: AppliedResource[] = [];
    const changes: string[] = [];
    const target = (sourceId: string) => {
      const id = this.state.tagged[`${region}|${sourceId}`];
      if (!id)
        throw new Error(`replication plan out of order: ${sourceId} is referenced before it was applied`);
      return id;
    };
    const vpcOf = (vpcRef: string) =>
      this.state.topologies[region]!.find((t) => t.vpc.id === target(vpcRef))!;
    for (const step of plan.steps) {
      if (step.kind === 'security-group-rules') {
        const groupId = target(step.groupRef);
        const group = this.state.topologies[region]!.flatMap((t) => t.securityGroups).find(
          (g) => g.id === groupId,
        )!;
        for (const direction of ['ingress', 'egress'] as const) {
          for (const r of step[direction].map((x) => ({ ...x, groupIds: x.groupIds.map(target) }))) {
            if (group[direction].some((have) => sameRule(have, r))) continue;
            group[direction].push(r);
            changes.push(`authorized ${direction} rule on ${groupId}`);
          }
        }
        continue;
      }
      const kind = STEP_KIND[step.kind];
      const key = `${region}|${step.sourceId}`;
      const existing = this.state.tagged[key];
      const id = existing ?? `${KIND_PREFIX[kind]}-sim${(this.state.nextId++).toString(16).padStart(8, '0')}`;
      if (!existing) {
        this.create(step, id, region, vpcOf, target);
        this.state.tagged[key] = id;
        this.state.creates++;
      }
      if (!step.sourceId.startsWith('drbot-')) entries.push({ kind, sourceId: step.sourceId, targetId: id });
      resources.push({ kind, sourceId: step.sourceId, targetId: id, created: !existing });
    }
    await this.options.persist?.(this.snapshot());
    return { entries, targetVpcId: target(plan.sourceVpcId), resources, changes };
  }

  private create(
    step: Exclude<PlanStep, { kind: 'security-group-rules' }>,
    id: string,
    region: string,
    vpcOf: (ref: string) => VpcTopology,
    target: (sourceId: string) => string,
  ): void {
    const tags = { ...step.tags, [SOURCE_ID_TAG]: step.sourceId };
    switch (step.kind) {
      case 'vpc':
        this.state.topologies[region]!.push({
          region,
          vpc: {
            id,
            cidrs: [step.cidr, ...step.secondaryCidrs],
            ipv6Cidrs: [],
            enableDnsSupport: true,
            enableDnsHostnames: true,
            tags,
          },
          subnets: [],
          natGateways: [],
          routeTables: [],
          networkAcls: [],
          securityGroups: [],
          endpoints: [],
        });
        return;
      case 'dhcp-options':
        vpcOf(step.vpcRef).dhcpOptions = { id, configurations: step.configurations };
        return;
      case 'subnet':
        vpcOf(step.vpcRef).subnets.push({
          id,
          zone: step.zone,
          cidr: step.cidr,
          mapPublicIpOnLaunch: step.mapPublicIpOnLaunch,
          tags,
        });
        return;
      case 'internet-gateway':
        vpcOf(step.vpcRef).internetGateway = { id };
        return;
      case 'egress-only-gateway':
        vpcOf(step.vpcRef).egressOnlyGateway = { id };
        return;
      case 'nat-gateway': {
        const subnetId = target(step.subnetRef);
        const vpc = this.state.topologies[region]!.find((t) => t.subnets.some((s) => s.id === subnetId))!;
        vpc.natGateways.push({ id, subnetId, connectivity: step.connectivity, tags });
        return;
      }
      case 'route-table':
        vpcOf(step.vpcRef).routeTables.push({
          id,
          main: step.main,
          subnetIds: step.subnetRefs.map(target),
          routes: step.routes.map((r) => ({
            ...(r.destination ? { destination: r.destination } : {}),
            ...(r.ipv6Destination ? { ipv6Destination: r.ipv6Destination } : {}),
            target: { kind: r.target.kind, id: target(r.target.ref) },
          })),
          tags,
        });
        return;
      case 'network-acl':
        vpcOf(step.vpcRef).networkAcls.push({
          id,
          isDefault: step.isDefault,
          subnetIds: step.subnetRefs.map(target),
          entries: step.entries,
          tags,
        });
        return;
      case 'security-group':
        vpcOf(step.vpcRef).securityGroups.push({
          id,
          name: step.name,
          description: step.description,
          isDefault: step.isDefault,
          ingress: [],
          egress: [],
          tags,
        });
        return;
      case 'vpc-endpoint':
        vpcOf(step.vpcRef).endpoints.push({
          id,
          service: step.serviceName,
          type: 'Interface',
          subnetIds: step.subnetRefs.map(target),
          privateDns: step.privateDns,
        });
        return;
    }
  }
}
