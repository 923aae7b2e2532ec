/**
 * A CUTOVER launch can ask for an address that a live instance of the same origin still holds:
 * a failback lands on the original site, whose originals (stale since the failover) keep their
 * addresses; a switch-point launches beside the uncommitted copies it replaces, which keep theirs
 * until the new ones pass their health checks. EC2 gives an address of a subnet to one instance
 * only (InvalidIPAddress.InUse), so asking would fail the launch at the worst moment. Such a
 * blueprint launches without the fixed IP instead: the copy gets a fresh address of the same
 * subnet, the audit says so, and `dns.switch` follows the launch's `privateIps` output. The
 * holders are never touched here; retiring them is the runbook's or the operator's choice.
 * A provider that answers who holds an address (EC2: DescribeNetworkInterfaces) is asked; one that
 * cannot is covered for the holders drbot knows (originals, a switch-point's replaced copies).
 */
import { addressKey, type Instance } from '../../cloud/compute.js';
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

/** A blueprint without its fixed address, noted in the audit. */
function withoutAddress(
  ctx: Pick<ActionContext, 'note'>,
  b: PlannedBlueprint,
  holder: string,
  why: string,
): PlannedBlueprint {
  ctx.note(
    `${b.privateIp} is still held by ${holder} (${why}): the new copy of ${b.sourceInstanceId} gets a fresh address in its subnet, and DNS follows the new address`,
    { sourceInstanceId: b.sourceInstanceId, heldBy: holder, privateIp: b.privateIp },
  );
  const { privateIp: _, ...rest } = b;
  return rest;
}

/**
 * Asks the cloud who holds each fixed address (CloudProvider.addressHolders): whatever holds it —
 * the stopped copies of an earlier failover that a failback left behind, an original, anything
 * else — the launch would fail, so the copy takes a fresh address instead.
 */
async function freeByCloud(
  lookup: NonNullable<CloudProvider['addressHolders']>,
  ctx: Pick<ActionContext, 'note'>,
  planned: PlannedBlueprint[],
  region: string,
): Promise<PlannedBlueprint[]> {
  const fixed = planned.filter((b): b is PlannedBlueprint & { privateIp: string; subnetId: string } =>
    Boolean(b.privateIp && b.subnetId),
  );
  const held = await lookup(
    region,
    fixed.map((b) => ({ subnetId: b.subnetId, ip: b.privateIp })),
  );
  return planned.map((b) => {
    const holder =
      b.privateIp && b.subnetId ? held[addressKey({ subnetId: b.subnetId, ip: b.privateIp })] : undefined;
    return holder ? withoutAddress(ctx, b, holder, `in ${b.subnetId}`) : b;
  });
}

export async function freeHeldAddresses(
  cloud: CloudProvider,
  ctx: Pick<ActionContext, 'note' | 'params'>,
  sources: readonly Instance[],
  planned: PlannedBlueprint[],
  region: string,
): Promise<PlannedBlueprint[]> {
  if (!planned.some((b) => b.privateIp)) return planned;
  if (cloud.addressHolders) return freeByCloud(cloud.addressHolders.bind(cloud), ctx, planned, region);
  // a provider that cannot say: the instances drbot knows could hold them
  const holders = await possibleHolders(cloud, ctx, sources, region);
  if (holders.length === 0) return planned;
  const sourceOrigin = new Map(sources.map((s) => [s.id, originOf(s)]));
  return planned.map((b) => {
    const origin = b.origin ?? sourceOrigin.get(b.sourceInstanceId) ?? b.sourceInstanceId;
    const holder = holders.find((h) => h.privateIp === b.privateIp && originOf(h) === origin);
    return holder ? withoutAddress(ctx, b, holder.id, `the same origin as ${b.sourceInstanceId}`) : b;
  });
}
