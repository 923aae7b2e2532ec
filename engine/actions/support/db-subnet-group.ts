/**
 * The DB subnet group rds.restore places a database in, created in the recovery region when it is
 * missing: same name as the source's group, over the recovery-side subnets that `network
 * replicate` created for the source group's subnets (read from the stored network mapping).
 * Kept apart from engine/network/replicate.ts: that copies VPCs; this is one RDS resource on top.
 */
import { type DatabasePort, DB_TAG, type DbSubnetGroup } from '../../cloud/database.js';
import { NonRetryableError } from '../../errors.js';
import { loadRunbookMapping } from '../../network/mapping-store.js';
import type { RunStore } from '../../ports.js';
import type { Mode, Runbook } from '../../runbook/types.js';
import { protectedRegion, recoveryRegion } from './regions.js';

export interface SubnetGroupRequest {
  database: DatabasePort;
  /** Where the network mapping lives; without it a missing group cannot be derived. */
  store?: RunStore;
  runbook: Runbook;
  mode: Mode;
  /** The group's name (the source's, or the step's `subnetGroup`). */
  name: string;
  runId: string;
  note: (message: string) => void;
}

function notMapped(action: string, runbook: string, name: string, why: string): NonRetryableError {
  return new NonRetryableError(`${action}: DB subnet group ${name} is missing on the recovery side`, {
    code: 'DB_NETWORK_NOT_MAPPED',
    explanation: why,
    action: `Run \`drbot network replicate ${runbook}\` so the subnets are replicated and mapped, or give \`subnetGroup\` (an existing group of the recovery region) in the step.`,
  });
}

/** The recovery-side subnets for the source group: its subnets through the mapping, else the only VPC's. */
async function recoverySubnets(request: SubnetGroupRequest, action: string): Promise<string[]> {
  const { runbook, mode, name } = request;
  const tier = runbook.metadata.name;
  if (!request.store)
    throw notMapped(action, tier, name, 'This runtime has no store to read the network mapping from.');
  const mapping = await loadRunbookMapping(request.store, tier);
  if (mapping.empty)
    throw notMapped(action, tier, name, `${tier} has no network mapping: its network was never replicated.`);
  const translate = mode === 'failback' ? mapping.reverse() : mapping.forward();
  let source: DbSubnetGroup | undefined;
  try {
    source = await request.database.describeSubnetGroup?.(name, protectedRegion(runbook, mode));
  } catch {
    source = undefined; // the protected region may be down (a real outage): fall back to the mapping
  }
  if (source?.subnetIds.length) {
    const mapped = source.subnetIds.map((id) => translate.id(id));
    const missing = source.subnetIds.filter((_, i) => mapped[i] === undefined);
    if (missing.length > 0)
      throw notMapped(
        action,
        tier,
        name,
        `The mapping has no recovery-side subnet for ${missing.join(', ')}.`,
      );
    return mapped as string[];
  }
  // the source group cannot be read: every replicated subnet of the tier, if it has one VPC
  if (mapping.vpcs.length !== 1)
    throw notMapped(
      action,
      tier,
      name,
      `The source group cannot be read in ${protectedRegion(runbook, mode)}, and the mapping has ${mapping.vpcs.length} VPCs to choose from.`,
    );
  const subnets = mapping
    .entries('subnet')
    .map((e) => (translate.direction === 'forward' ? e.targetId : e.sourceId));
  if (subnets.length === 0) throw notMapped(action, tier, name, 'The mapping has no subnets.');
  return subnets;
}

/**
 * Makes sure `name` exists in the recovery region: reuses it when it does, else creates it over
 * the mapped subnets, tagged as drbot's. Providers without subnet groups are left as they were.
 */
export async function ensureRecoverySubnetGroup(
  request: SubnetGroupRequest,
  action = 'rds.restore',
): Promise<{ created: boolean; subnetIds?: string[] }> {
  const { database, runbook, mode, name } = request;
  if (!database.describeSubnetGroup || !database.createSubnetGroup) return { created: false };
  const region = recoveryRegion(runbook, mode);
  if (await database.describeSubnetGroup(name, region)) return { created: false };
  const subnetIds = await recoverySubnets(request, action);
  await database.createSubnetGroup({
    name,
    region,
    description: `drbot: ${runbook.metadata.name}'s databases in ${region} (replicated subnets)`,
    subnetIds,
    tags: {
      [DB_TAG.managed]: 'true',
      'drbot:runbook': runbook.metadata.name,
      'drbot:created-by': request.runId,
    },
  });
  request.note(`${action}: created DB subnet group ${name} in ${region} over ${subnetIds.join(', ')}`);
  return { created: true, subnetIds };
}
