/**
 * Launch blueprints auto-filled from the network mapping: for each protected instance its type
 * (with the runbook's default when the target region lacks it, and a note saying so), its private
 * IP remapped, its subnet and security groups mapped, its volumes, instance profile and tags.
 * Pure: inventory, mapping, offerings and overrides are given.
 */

import type { Blueprint, Instance } from '../cloud/compute.js';
import { ORIGIN_TAG } from '../cloud/origin.js';
import type { Translator } from './mapping.js';

/** Fields a runbook (or an operator, through `drbot blueprint --write`) may pin per instance. */
export interface BlueprintOverride {
  instanceType?: string;
  subnetId?: string;
  privateIp?: string;
  securityGroups?: string[];
  instanceProfile?: string;
  /** Merged over the copied tags. */
  tags?: Record<string, string>;
}

export interface BlueprintVolume {
  device: string;
  sizeGiB: number;
  type: string;
}

/** A Blueprint (what `CloudProvider.launch` takes) plus what the plan and doctor show. */
export interface PlannedBlueprint extends Blueprint {
  sourceInstanceType: string;
  volumes: BlueprintVolume[];
  /** Set when the type was replaced by the runbook's default because the region lacks it. */
  fellBackFrom?: string;
  /** Human-readable remarks: fallbacks, unmapped ids, missing recovery points. */
  notes: string[];
}

export interface BuildBlueprintsInput {
  /** The protected instances, as listed on the protected side. */
  instances: readonly Instance[];
  /** The mapping read in the run's direction (`mapping.forMode(mode)`); undefined: nothing mapped. */
  mapping: Translator | undefined;
  /** Source instance id → recovery point id to launch from. */
  recoveryPoints: Readonly<Record<string, string>>;
  /** The region the blueprints launch in. */
  region: string;
  defaults?: { instanceType?: string };
  /** Types the region offers among those asked (DescribeInstanceTypeOfferings); undefined: not checked. */
  availableTypes?: readonly string[];
  /** Per source instance id (or its `Name` tag). */
  overrides?: Readonly<Record<string, BlueprintOverride>>;
}

/** Tags copied from the protected instance: not AWS-reserved ones, not drbot's own. */
function copiedTags(tags: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(tags).filter(([k]) => !k.startsWith('aws:') && !k.startsWith('drbot:')),
  );
}

function chooseType(
  wanted: string,
  input: BuildBlueprintsInput,
  notes: string[],
): { instanceType: string; fellBackFrom?: string } {
  const offered = input.availableTypes;
  if (!offered || offered.includes(wanted)) return { instanceType: wanted };
  const fallback = input.defaults?.instanceType;
  if (fallback && fallback !== wanted && offered.includes(fallback)) {
    notes.push(
      `${wanted} is not offered in ${input.region}; using the runbook's default type ${fallback} (spec.defaults.instanceType)`,
    );
    return { instanceType: fallback, fellBackFrom: wanted };
  }
  notes.push(
    fallback
      ? `${wanted} is not offered in ${input.region}, and neither is the runbook's default ${fallback}: set spec.defaults.instanceType to a type the region offers`
      : `${wanted} is not offered in ${input.region} and the runbook has no spec.defaults.instanceType to fall back to`,
  );
  return { instanceType: wanted };
}

function mapped(
  ids: readonly string[],
  mapping: Translator | undefined,
  what: string,
  notes: string[],
): string[] {
  const out: string[] = [];
  for (const id of ids) {
    const target = mapping?.id(id);
    if (target) out.push(target);
    else notes.push(`${what} ${id} has no mapping in the other region; run \`drbot network replicate\``);
  }
  return out;
}

export function buildBlueprint(instance: Instance, input: BuildBlueprintsInput): PlannedBlueprint {
  const notes: string[] = [];
  const override =
    input.overrides?.[instance.id] ??
    (instance.tags.Name ? input.overrides?.[instance.tags.Name] : undefined) ??
    {};
  const { mapping } = input;
  const type = chooseType(override.instanceType ?? instance.type, input, notes);
  const subnetId =
    override.subnetId ?? mapped(instance.subnetId ? [instance.subnetId] : [], mapping, 'subnet', notes)[0];
  const groups = override.securityGroups ?? mapped(instance.securityGroups, mapping, 'security group', notes);
  let privateIp = override.privateIp;
  // Without a mapping the source's address belongs to the source network: another region's
  // subnets (or another zone's vSwitch of the same VPC, where the original still holds it) have
  // other ranges, and RunInstances refuses an address outside its subnet. The copy takes a free
  // address of the subnet it lands in instead, and dns.switch follows `privateIps`.
  if (privateIp === undefined && instance.privateIp !== undefined && mapping) {
    try {
      privateIp = mapping.ip(instance.privateIp);
    } catch (err) {
      notes.push(
        `private IP ${instance.privateIp} cannot be remapped: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }
  const recoveryPointId = input.recoveryPoints[instance.id] ?? '';
  if (!recoveryPointId)
    notes.push(`no recovery point of ${instance.id} in ${input.region} yet: run \`drbot protect\``);
  const origin = instance.tags[ORIGIN_TAG];
  return {
    sourceInstanceId: instance.id,
    ...(origin ? { origin } : {}),
    recoveryPointId,
    region: input.region,
    instanceType: type.instanceType,
    ...(input.defaults?.instanceType ? { defaultInstanceType: input.defaults.instanceType } : {}),
    ...(subnetId ? { subnetId } : {}),
    ...(privateIp ? { privateIp } : {}),
    ...(groups.length > 0 ? { securityGroups: groups } : {}),
    ...((override.instanceProfile ?? instance.instanceProfile)
      ? { instanceProfile: override.instanceProfile ?? instance.instanceProfile }
      : {}),
    tags: { ...copiedTags(instance.tags), ...(override.tags ?? {}) },
    sourceInstanceType: instance.type,
    volumes: instance.volumes.map((v) => ({ device: v.device, sizeGiB: v.sizeGiB, type: v.type })),
    ...(type.fellBackFrom ? { fellBackFrom: type.fellBackFrom } : {}),
    notes,
  };
}

/** One blueprint per protected instance, in the instances' order. */
export function buildBlueprints(input: BuildBlueprintsInput): PlannedBlueprint[] {
  return input.instances.map((instance) => buildBlueprint(instance, input));
}

/** The plain port Blueprint (what CloudProvider.launch takes), without the planning extras. */
export function toLaunchBlueprint(planned: PlannedBlueprint): Blueprint {
  const { sourceInstanceType: _t, volumes: _v, fellBackFrom: _f, notes: _n, ...blueprint } = planned;
  return blueprint;
}
