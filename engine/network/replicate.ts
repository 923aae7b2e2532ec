/**
 * network.replicate: discover the source VPCs of the protected instances, plan each (refusing a
 * remap that does not fit before anything is created), converge the target region, and store
 * each VPC's mapping (replacing the previous one). Running it again creates nothing twice. A
 * replica created earlier decides the range (replica-cidr.ts): the plan converges on it, or is
 * refused before anything is created, so the stored mapping always matches the real network.
 */
import type { Instance } from '../cloud/compute.js';
import type { Clock, RunStore } from '../ports.js';
import { type CidrRemap, cidrsOverlap, isIdentityRemap, isIpv6, parseCidr } from './cidr.js';
import { ReplicaCidrMismatchError, ReplicationPlanError } from './errors.js';
import type { VpcMappingDoc } from './mapping.js';
import { loadVpcMapping, saveMapping } from './mapping-store.js';
import { buildReplicationPlan } from './plan.js';
import type { ReplicationPlan } from './plan-types.js';
import type { ApplyResult, NetworkCloud } from './ports.js';
import { replicaRemap } from './replica-cidr.js';
import type { VpcTopology } from './topology.js';

export interface ReplicateNetworkInput {
  network: NetworkCloud;
  store: RunStore;
  clock: Clock;
  runbook: string;
  sourceRegion: string;
  targetRegion: string;
  /** The protected instances (source side): their subnets decide which VPCs are copied. */
  instances: readonly Instance[];
  cidrRemap?: CidrRemap;
  zoneOverrides?: Record<string, string>;
  /** Who wrote the mapping: a run id or `cli`. */
  replicatedBy?: string;
}

export interface ReplicateNetworkResult {
  mappings: VpcMappingDoc[];
  plans: ReplicationPlan[];
  applied: ApplyResult[];
  created: number;
  reused: number;
  notes: string[];
}

/** The remap applies to a VPC only when it covers one of the VPC's ranges. */
function remapFor(topology: VpcTopology, remap: CidrRemap | undefined): CidrRemap | undefined {
  if (!remap || isIdentityRemap(remap)) return undefined;
  if (isIpv6(remap.from)) return remap; // the plan builder refuses it with the reason
  const from = parseCidr(remap.from);
  const covers = topology.vpc.cidrs.filter((c) => !isIpv6(c)).some((c) => cidrsOverlap(parseCidr(c), from));
  return covers ? remap : undefined;
}

/** Plans every VPC first, so a refused remap or plan leaves the target region untouched. */
export async function planNetwork(input: ReplicateNetworkInput): Promise<ReplicationPlan[]> {
  if (input.sourceRegion === input.targetRegion) {
    throw new ReplicationPlanError(
      `${input.runbook} needs no network replication: both sides are in ${input.sourceRegion}`,
      'A cross-zone pair recovers into the same VPC (a VPC spans the zones of its region): copying it into its own region would make a second, unconnected network.',
      `Nothing to do: launches use the target zone's subnet of the same VPC (see \`drbot blueprint ${input.runbook}\`).`,
    );
  }
  const subnetIds = [...new Set(input.instances.map((i) => i.subnetId).filter((s): s is string => !!s))];
  if (subnetIds.length === 0) {
    throw new ReplicationPlanError(
      `No subnet to replicate for ${input.runbook}`,
      `None of the ${input.instances.length} protected instance(s) in ${input.sourceRegion} is in a VPC subnet.`,
      'Check spec.protect selects the right instances and that they run in a VPC.',
    );
  }
  const topologies = await input.network.discover(input.sourceRegion, subnetIds);
  if (topologies.length === 0) {
    // an empty plan would report "replicated" with nothing created, and the doctor would ask again
    throw new ReplicationPlanError(
      `Found no VPC holding the subnets of ${input.runbook} in ${input.sourceRegion}`,
      `The network cloud (${input.network.name}) describes none of ${subnetIds.join(', ')} in ${input.sourceRegion}, so there is nothing to copy.`,
      `Check the protected instances' subnets exist in ${input.sourceRegion} and that drbot may describe them (\`drbot doctor ${input.runbook}\`).`,
      { subnetIds },
    );
  }
  const zones = await input.network.availabilityZones(input.targetRegion);
  const ranges = await input.network.vpcRanges(input.targetRegion);
  if (
    input.cidrRemap &&
    !isIdentityRemap(input.cidrRemap) &&
    !topologies.some((t) => remapFor(t, input.cidrRemap))
  ) {
    // let the plan builder explain why (it names the VPC ranges the remap misses)
    const first = topologies[0];
    if (first)
      buildReplicationPlan(first, {
        targetRegion: input.targetRegion,
        targetZones: zones,
        cidrRemap: input.cidrRemap,
      });
  }
  const plans: ReplicationPlan[] = [];
  for (const topology of topologies) {
    const stored = (await loadVpcMapping(input.store, input.sourceRegion, topology.vpc.id))?.cidrRemap;
    const chosen = replicaRemap({
      topology,
      targetRegion: input.targetRegion,
      ranges,
      requested: input.cidrRemap,
      applicable: remapFor(topology, input.cidrRemap),
      stored,
    });
    const remap = chosen.remap;
    const plan = buildReplicationPlan(topology, {
      targetRegion: input.targetRegion,
      targetZones: zones,
      ...(remap ? { cidrRemap: remap } : {}),
      ...(input.zoneOverrides ? { zoneOverrides: input.zoneOverrides } : {}),
      ...(input.network.ssmEndpoints === false ? { ssmEndpoints: false } : {}),
      avoidCidrs: ranges
        .filter((r) => r.sourceId !== topology.vpc.id)
        .flatMap((r) => r.cidrs.map((cidr) => ({ cidr, label: r.vpcId }))),
      privateIps: input.instances
        .filter((i) => i.subnetId && topology.subnets.some((s) => s.id === i.subnetId))
        .map((i) => i.privateIp)
        .filter((ip): ip is string => !!ip),
    });
    if (chosen.note) plan.notes.unshift(chosen.note);
    plans.push(plan);
  }
  return plans;
}

/** The mapping is stored only when each replica's real range is the one its plan describes. */
async function assertMatchesNetwork(
  input: ReplicateNetworkInput,
  plans: readonly ReplicationPlan[],
  applied: readonly ApplyResult[],
): Promise<void> {
  const ranges = await input.network.vpcRanges(input.targetRegion);
  for (const [index, plan] of plans.entries()) {
    const result = applied[index]!;
    const planned = plan.steps.find((step) => step.kind === 'vpc');
    const real = ranges.find((r) => r.vpcId === result.targetVpcId)?.cidrs.find((c) => !isIpv6(c));
    if (planned?.kind !== 'vpc' || real === undefined || real === planned.cidr) continue;
    throw new ReplicaCidrMismatchError({
      sourceVpcId: plan.sourceVpcId,
      sourcePrimary: plan.sourceCidrs.find((c) => !isIpv6(c)) ?? plan.sourceCidrs[0] ?? '?',
      targetRegion: input.targetRegion,
      replicaVpcId: result.targetVpcId,
      replicaPrimary: real,
      planned: planned.cidr,
    });
  }
}

export async function replicateNetwork(input: ReplicateNetworkInput): Promise<ReplicateNetworkResult> {
  const plans = await planNetwork(input);
  const applied: ApplyResult[] = [];
  const mappings: VpcMappingDoc[] = [];
  for (const plan of plans) applied.push(await input.network.apply(plan));
  await assertMatchesNetwork(input, plans, applied);
  for (const [index, plan] of plans.entries()) {
    const result = applied[index]!;
    const doc: VpcMappingDoc = {
      version: 1,
      sourceRegion: plan.sourceRegion,
      targetRegion: plan.targetRegion,
      sourceVpcId: plan.sourceVpcId,
      targetVpcId: result.targetVpcId,
      sourceCidrs: plan.sourceCidrs,
      ...(plan.cidrRemap ? { cidrRemap: plan.cidrRemap } : {}),
      entries: [
        ...result.entries,
        ...Object.entries(plan.zones).map(([sourceId, targetId]) => ({
          kind: 'zone' as const,
          sourceId,
          targetId,
        })),
      ],
      replicatedAt: input.clock.now(),
      ...(input.replicatedBy ? { replicatedBy: input.replicatedBy } : {}),
    };
    await saveMapping(input.store, input.runbook, doc);
    mappings.push(doc);
  }
  const resources = applied.flatMap((a) => a.resources);
  return {
    mappings,
    plans,
    applied,
    created: resources.filter((r) => r.created).length,
    reused: resources.filter((r) => !r.created).length,
    notes: plans.flatMap((p) => p.notes),
  };
}
