/**
 * network.replicate: copies the protected instances' VPCs to the recovery region and stores the
 * mapping. It runs in one attempt (creates return at once; NAT gateways and endpoints finish on
 * their own), and converges when retried, so a retry never creates anything twice.
 */
import type { ActionHandler } from '../../actions/types.js';
import type { CloudProvider } from '../../cloud.js';
import { NonRetryableError } from '../../errors.js';
import type { CidrRemap } from '../../network/cidr.js';
import { loadRunbookMapping } from '../../network/mapping-store.js';
import type { NetworkCloud } from '../../network/ports.js';
import { replicateNetwork } from '../../network/replicate.js';
import type { RunStore } from '../../ports.js';
import { invalidInput } from './inputs.js';
import { protectedInstances } from './recovery.js';
import { protectedRegion, recoveryRegion } from './regions.js';

export interface NetworkActionDeps {
  cloud: CloudProvider;
  network: NetworkCloud;
  store: RunStore;
}

function remapInput(value: unknown): CidrRemap | undefined {
  if (value === undefined) return undefined;
  const v = value as Partial<CidrRemap> | null;
  if (typeof v !== 'object' || v === null || typeof v.from !== 'string' || typeof v.to !== 'string') {
    throw invalidInput('network.replicate', 'cidrRemap', '{ from: CIDR, to: CIDR }', value);
  }
  return { from: v.from, to: v.to };
}

/**
 * The remap of the current mapping, when the step gives none: re-replicating converges to the
 * same mapping instead of silently dropping a remap set by `drbot network replicate --cidr-remap`.
 */
async function storedRemap(store: RunStore, runbook: string): Promise<CidrRemap | undefined> {
  const mapping = await loadRunbookMapping(store, runbook);
  const remaps = [
    ...new Map(
      mapping.vpcs
        .filter((d) => d.cidrRemap)
        .map((d) => [`${d.cidrRemap!.from}=${d.cidrRemap!.to}`, d.cidrRemap!]),
    ).values(),
  ];
  if (remaps.length > 1) {
    throw new NonRetryableError(`network.replicate: ${runbook} has ${remaps.length} different CIDR remaps`, {
      code: 'NETWORK_REMAP_AMBIGUOUS',
      explanation: `The current mappings use ${remaps.map((r) => `${r.from} → ${r.to}`).join(' and ')}; one step applies one remap, and replicating without it would drop the others.`,
      action:
        'Set `with.cidrRemap` on the network.replicate step, or replicate each VPC with `drbot network replicate --cidr-remap`.',
    });
  }
  return remaps[0];
}

export function networkReplicateHandler(deps: NetworkActionDeps): ActionHandler {
  return {
    async start(ctx) {
      if (ctx.mode === 'failback') {
        throw new NonRetryableError('network.replicate does not run in failback', {
          code: 'NETWORK_REPLICATE_FAILBACK',
          explanation:
            'Failback returns to the original network, which still exists; it reads the stored mapping in reverse (target → source).',
          action: 'Remove the network.replicate step from the failback mode of the runbook.',
        });
      }
      const instances = await protectedInstances(deps.cloud, ctx);
      const cidrRemap =
        remapInput(ctx.inputs.cidrRemap) ?? (await storedRemap(deps.store, ctx.runbook.metadata.name));
      const result = await replicateNetwork({
        network: deps.network,
        store: deps.store,
        clock: { now: () => ctx.now() },
        runbook: ctx.runbook.metadata.name,
        sourceRegion: protectedRegion(ctx.runbook, ctx.mode),
        targetRegion: recoveryRegion(ctx.runbook, ctx.mode),
        instances,
        ...(cidrRemap ? { cidrRemap } : {}),
        replicatedBy: ctx.runId,
      });
      for (const note of result.notes) ctx.note(note);
      return {
        status: 'done',
        outputs: {
          vpcs: Object.fromEntries(result.mappings.map((m) => [m.sourceVpcId, m.targetVpcId])),
          created: result.created,
          reused: result.reused,
          notes: result.notes,
        },
      };
    },
  };
}

/** network.replicate where the runtime was built without a network cloud or store: say so. */
export function networkUnavailableHandler(): ActionHandler {
  return {
    async start() {
      throw new NonRetryableError('network.replicate is not available in this runtime', {
        code: 'NETWORK_UNAVAILABLE',
        explanation:
          'The action registry was created without a network cloud and a store, so it cannot replicate VPCs or store the mapping.',
        action:
          'Pass `network` and `store` to createActionRegistry (the local runtime and the worker do), or run `drbot network replicate <runbook>`.',
      });
    },
  };
}
