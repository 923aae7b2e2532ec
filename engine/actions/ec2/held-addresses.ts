/**
 * A CUTOVER launch can ask for an address that a live instance of the same origin still holds:
 * a failback lands on the original site, whose originals (stale since the failover) keep their
 * addresses; a switch-point launches beside the uncommitted copies it replaces, which keep theirs
 * until the new ones pass their health checks. EC2 gives an address of a subnet to one instance
 * only (InvalidIPAddress.InUse), so asking would fail the launch at the worst moment. Such a
 * blueprint launches without the fixed IP instead: the copy gets a fresh address of the same
 * subnet, the audit says so, and `dns.switch` follows the launch's `privateIps` output. The
 * holders are never touched here; retiring them is the runbook's or the operator's choice.
 */
import type { Instance } from '../../cloud/compute.js';
import { ORIGIN_TAG } from '../../cloud/origin.js';
import type { CloudProvider } from '../../cloud/provider.js';
import type { PlannedBlueprint } from '../../network/blueprints.js';
import { SWITCH_FROM_PARAM } from '../../tier/machine.js';
import type { ActionContext } from '../types.js';

const originOf = (i: Pick<Instance, 'id' | 'tags'>) => i.tags[ORIGIN_TAG] ?? i.id;
const live = (i: Instance) => i.state !== 'terminated' && i.state !== 'shutting-down' && Boolean(i.privateIp);

/** Live instances that may hold the blueprints' addresses: the sources' originals, and a switch's old copies. */
async function possibleHolders(
  cloud: CloudProvider,
  ctx: Pick<ActionContext, 'params'>,
  sources: readonly Instance[],
  region: string,
): Promise<Instance[]> {
  const holders: Instance[] = [];
  const originals = [...new Set(sources.map(originOf).filter((o) => !sources.some((s) => s.id === o)))];
  if (originals.length > 0) {
    try {
      holders.push(...(await cloud.describe(originals, region)));
    } catch {
      // the originals are gone (or in another region): they hold nothing here
    }
  }
  const replaced = ctx.params[SWITCH_FROM_PARAM];
  if (replaced) holders.push(...(await cloud.findRunOwned(replaced, region)));
  return holders.filter(live);
}

export async function freeHeldAddresses(
  cloud: CloudProvider,
  ctx: Pick<ActionContext, 'note' | 'params'>,
  sources: readonly Instance[],
  planned: PlannedBlueprint[],
  region: string,
): Promise<PlannedBlueprint[]> {
  if (!planned.some((b) => b.privateIp)) return planned;
  const holders = await possibleHolders(cloud, ctx, sources, region);
  if (holders.length === 0) return planned;
  const sourceOrigin = new Map(sources.map((s) => [s.id, originOf(s)]));
  return planned.map((b) => {
    const origin = b.origin ?? sourceOrigin.get(b.sourceInstanceId) ?? b.sourceInstanceId;
    const holder = holders.find((h) => h.privateIp === b.privateIp && originOf(h) === origin);
    if (!holder) return b;
    ctx.note(
      `${b.privateIp} is still held by ${holder.id} (the same origin as ${b.sourceInstanceId}): the new copy gets a fresh address in its subnet, and DNS follows the new address`,
      { sourceInstanceId: b.sourceInstanceId, heldBy: holder.id, privateIp: b.privateIp },
    );
    const { privateIp: _, ...rest } = b;
    return rest;
  });
}
