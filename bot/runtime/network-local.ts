/**
 * `network replicate <runbook>` and `blueprint <runbook>` on a runtime that is already open: the
 * CLI commands open their own (bot/cli/commands/network.ts, blueprint.ts); the shell passes its
 * own, so the remedies drbot prints (`drbot network replicate db-tier`) run there too.
 */
import { regionOf } from '../../engine/actions/support/regions.js';
import type { CloudProvider } from '../../engine/cloud/provider.js';
import {
  type BlueprintDoc,
  blueprintDocId,
  createBlueprintSource,
} from '../../engine/network/blueprint-source.js';
import type { PlannedBlueprint } from '../../engine/network/blueprints.js';
import type { CidrRemap } from '../../engine/network/cidr.js';
import { BLUEPRINT_DOC_KIND } from '../../engine/network/mapping-store.js';
import type { NetworkCloud } from '../../engine/network/ports.js';
import { type ReplicateNetworkResult, replicateNetwork } from '../../engine/network/replicate.js';
import type { Clock, RunStore } from '../../engine/ports.js';
import type { Mode, Runbook } from '../../engine/runbook/types.js';

export interface NetworkRuntimeParts {
  cloud: CloudProvider;
  store: RunStore;
  clock: Clock;
}

/** Replicates the VPCs of the runbook's protected instances to its target region (idempotent). */
export async function replicateTier(
  runtime: NetworkRuntimeParts,
  network: NetworkCloud,
  runbook: Runbook,
  options: { cidrRemap?: CidrRemap; replicatedBy: string },
): Promise<ReplicateNetworkResult> {
  const instances = await runtime.cloud.listProtected(runbook.spec.protect, runbook.spec.source.region);
  return replicateNetwork({
    network,
    store: runtime.store,
    clock: runtime.clock,
    runbook: runbook.metadata.name,
    sourceRegion: runbook.spec.source.region,
    targetRegion: runbook.spec.target.region,
    instances,
    ...(options.cidrRemap ? { cidrRemap: options.cidrRemap } : {}),
    replicatedBy: options.replicatedBy,
  });
}

/** The mapping as the CLI prints it: one line per VPC, one per mapped resource, then the counts. */
export function replicationLines(out: ReplicateNetworkResult): string[] {
  const lines: string[] = [];
  for (const m of out.mappings) {
    lines.push(
      `${m.sourceRegion} ${m.sourceVpcId} → ${m.targetRegion} ${m.targetVpcId}${m.cidrRemap ? ` (${m.cidrRemap.from} → ${m.cidrRemap.to})` : ''}`,
    );
    for (const e of m.entries) lines.push(`  ${e.kind.padEnd(20)} ${e.sourceId} → ${e.targetId}`);
  }
  lines.push(`created ${out.created}, reused ${out.reused}`);
  for (const note of out.notes) lines.push(`note: ${note}`);
  return lines;
}

/** The launch blueprint of every protected instance; `write` stores them for ec2.launch. */
export async function tierBlueprints(
  runtime: NetworkRuntimeParts,
  network: NetworkCloud,
  runbook: Runbook,
  options: { mode: Mode; write?: boolean },
): Promise<PlannedBlueprint[]> {
  const { mode } = options;
  const region = regionOf(runbook, mode, 'recovery');
  const instances = await runtime.cloud.listProtected(
    runbook.spec.protect,
    regionOf(runbook, mode, 'protected'),
  );
  const points: Record<string, string> = {};
  for (const i of instances) {
    const point = await runtime.cloud.latestRecoveryPoint(i.id, region);
    if (point) points[i.id] = point.id;
  }
  const source = createBlueprintSource({ store: runtime.store, network, useStored: !options.write });
  const built = await source.blueprints({ runbook, mode, instances, points, region });
  if (options.write) {
    const doc: BlueprintDoc = {
      version: 1,
      runbook: runbook.metadata.name,
      direction: mode === 'failback' ? 'reverse' : 'forward',
      region,
      generatedAt: runtime.clock.now(),
      blueprints: built,
    };
    await runtime.store.putDoc(BLUEPRINT_DOC_KIND, blueprintDocId(runbook.metadata.name, mode), doc);
  }
  return built;
}
