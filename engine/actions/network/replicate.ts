/**
 * network.replicate: copies the protected VPCs to the recovery region and stores the mapping
 * (engine/network/replicate.ts does the work; this is the step around it).
 */
import type { CloudProvider } from '../../cloud/provider.js';
import { NonRetryableError } from '../../errors.js';
import type { CidrRemap } from '../../network/cidr.js';
import { loadRunbookMapping } from '../../network/mapping-store.js';
import type { NetworkCloud } from '../../network/ports.js';
import { replicateNetwork } from '../../network/replicate.js';
import type { RunStore } from '../../ports.js';
import { invalidInput } from '../support/inputs.js';
import { protectedInstances } from '../support/protected.js';
import { protectedRegion, recoveryRegion } from '../support/regions.js';
import { type ActionHandler, defineAction } from '../types.js';
import { ALIBABA_NETWORK_REPLICATE, NETWORK_CHANGE, NETWORK_CREATE, NETWORK_DESCRIBE } from './iam.js';

const cidr = {
  type: 'string',
  pattern: '^\\d{1,3}(?:\\.\\d{1,3}){3}/\\d{1,2}$',
  description: 'An IPv4 CIDR such as 10.0.0.0/16.',
};

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

export default defineAction({
  name: 'network.replicate',
  typicalDuration: '2m',
  mutating: true,
  description:
    'Replicates the VPCs of the protected instances to the recovery region (subnets per zone, gateways, routes, ACLs, security groups, SSM endpoints; on Alibaba Cloud the VPC, vSwitches and security groups, reporting NAT gateways and custom routes), idempotently, and stores the source ↔ target mapping.',
  inputSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      cidrRemap: {
        type: 'object',
        additionalProperties: false,
        required: ['from', 'to'],
        description:
          'Move every address of `from` to the same offset in `to`, e.g. 10.0.0.0/16 → 20.0.0.0/16.',
        properties: { from: cidr, to: cidr },
      },
    },
  },
  outputs: {
    vpcs: 'Map of source VPC id → target VPC id.',
    created: 'How many resources this run created (0 when everything already existed).',
    reused: 'How many resources already existed and were reused.',
    notes: 'What was not copied and why.',
  },
  capabilities: ['compute', 'network'],
  permissions: {
    aws: [
      { statement: 'DescribeFleet', actions: ['ec2:DescribeInstances'] },
      { statement: 'DescribeNetwork', actions: NETWORK_DESCRIBE },
      { statement: 'CreateTaggedNetwork', actions: NETWORK_CREATE },
      { statement: 'CreateInsideOwnVpc', actions: NETWORK_CREATE },
      { statement: 'ChangeOwnNetwork', actions: NETWORK_CHANGE },
      { statement: 'TagNetworkOwnKeysOnly', actions: ['ec2:CreateTags'] },
    ],
    alibaba: ALIBABA_NETWORK_REPLICATE,
  },
  effects: () => [{ verb: 'create', scope: 'recovery', what: 'the replica network (VPCs, subnets, routes)' }],
  handler: ({ cloud, network, store }) =>
    network && store ? networkReplicateHandler({ cloud, network, store }) : networkUnavailableHandler(),
});
