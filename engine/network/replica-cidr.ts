/**
 * An existing replica decides the remap. Replication reuses the VPC it created before (tag
 * `drbot:source-id`), and a VPC's primary CIDR cannot change, so a plan whose VPC range differs
 * from the replica's would store a mapping that does not describe the real network: blueprints
 * would then place private IPs outside their subnets.
 *
 * - No replica yet: the requested remap (if it covers the VPC) is used.
 * - A remap was asked for (`--cidr-remap`, `with.cidrRemap`, even FROM=FROM): it must give the
 *   replica's range, else the replication is refused (REPLICA_CIDR_MISMATCH) with the remedy.
 * - No remap asked for: the plan converges on the replica — the stored mapping's remap, no remap,
 *   or the remap that moves the source range onto the replica's (same prefix) — whichever gives
 *   the replica's range; none does: refused.
 */
import { type CidrRemap, cidrsOverlap, isIpv6, parseCidr, remapCidr } from './cidr.js';
import { ReplicaCidrMismatchError } from './errors.js';
import type { VpcRange } from './ports.js';
import type { VpcTopology } from './topology.js';

export interface ReplicaRemapInput {
  topology: VpcTopology;
  targetRegion: string;
  /** The target region's VPC ranges (NetworkCloud.vpcRanges). */
  ranges: readonly VpcRange[];
  /** What the caller asked for; undefined: no opinion. */
  requested: CidrRemap | undefined;
  /** The requested remap when it applies to this VPC (it covers one of its ranges). */
  applicable: CidrRemap | undefined;
  /** The remap of the VPC's stored mapping, if any. */
  stored: CidrRemap | undefined;
}

export interface ReplicaRemap {
  remap?: CidrRemap;
  /** Said when the plan kept a remap nobody asked for this time. */
  note?: string;
}

function covers(topology: VpcTopology, remap: CidrRemap): boolean {
  if (isIpv6(remap.from)) return false;
  const from = parseCidr(remap.from);
  return topology.vpc.cidrs.filter((c) => !isIpv6(c)).some((c) => cidrsOverlap(parseCidr(c), from));
}

export function replicaRemap(input: ReplicaRemapInput): ReplicaRemap {
  const { topology, applicable } = input;
  const replica = input.ranges.find((r) => r.sourceId === topology.vpc.id);
  const sourcePrimary = topology.vpc.cidrs.find((c) => !isIpv6(c));
  const replicaPrimary = replica?.cidrs.find((c) => !isIpv6(c));
  if (!replica || !sourcePrimary || !replicaPrimary) return applicable ? { remap: applicable } : {};
  const lands = (remap: CidrRemap | undefined) => remapCidr(sourcePrimary, remap) === replicaPrimary;
  if (input.requested !== undefined) {
    if (lands(applicable)) return applicable ? { remap: applicable } : {};
    throw new ReplicaCidrMismatchError({
      sourceVpcId: topology.vpc.id,
      sourcePrimary,
      targetRegion: input.targetRegion,
      replicaVpcId: replica.vpcId,
      replicaPrimary,
      planned: remapCidr(sourcePrimary, applicable),
    });
  }
  const inferred =
    parseCidr(sourcePrimary).prefix === parseCidr(replicaPrimary).prefix
      ? { from: sourcePrimary, to: replicaPrimary }
      : undefined;
  const candidates = [
    ...(input.stored && covers(topology, input.stored) ? [input.stored] : []),
    undefined,
    ...(inferred ? [inferred] : []),
  ];
  for (const remap of candidates) {
    if (!lands(remap)) continue;
    if (!remap || remap.from === remap.to) return {};
    return {
      remap,
      note: `Kept the CIDR remap ${remap.from} → ${remap.to}: the replica ${replica.vpcId} of ${topology.vpc.id} in ${input.targetRegion} has ${replicaPrimary}.`,
    };
  }
  throw new ReplicaCidrMismatchError({
    sourceVpcId: topology.vpc.id,
    sourcePrimary,
    targetRegion: input.targetRegion,
    replicaVpcId: replica.vpcId,
    replicaPrimary,
    planned: sourcePrimary,
  });
}
