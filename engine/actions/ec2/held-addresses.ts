/**
 * A CUTOVER launch can ask for an address that something still holds: a failback lands on the
 * original site, whose originals (stale since the failover) keep their addresses; a switch-point
 * launches beside the uncommitted copies it replaces, which keep theirs until the new ones pass
 * their health checks; a second failover lands beside the stopped copies of the first. EC2 gives an address of a subnet to one instance
 * only (InvalidIPAddress.InUse), so asking would fail the launch at the worst moment. Such a
 * blueprint launches without the fixed IP instead: the copy gets a fresh address of the same
 * subnet, the audit says so, and `dns.switch` follows the launch's `privateIps` output. The
 * holders are never touched here; retiring them is the runbook's or the operator's choice.
 * Who holds an address is the cloud's answer (CloudProvider.addressHolders: DescribeNetworkInterfaces
 * on EC2 and ECS, the instances on the sim).
 */
import { addressKey } from '../../cloud/compute.js';
import type { CloudProvider } from '../../cloud/provider.js';
import type { PlannedBlueprint } from '../../network/blueprints.js';
import type { ActionContext } from '../types.js';

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
 * the stopped copies of an earlier failover that a failback left behind, an original, the copies a
 * switch-point replaces, anything else — the launch would fail, so the copy takes a fresh address.
 */
export async function freeHeldAddresses(
  cloud: CloudProvider,
  ctx: Pick<ActionContext, 'note'>,
  planned: PlannedBlueprint[],
  region: string,
): Promise<PlannedBlueprint[]> {
  const fixed = planned.filter((b): b is PlannedBlueprint & { privateIp: string; subnetId: string } =>
    Boolean(b.privateIp && b.subnetId),
  );
  if (fixed.length === 0) return planned;
  const held = await cloud.addressHolders(
    region,
    fixed.map((b) => ({ subnetId: b.subnetId, ip: b.privateIp })),
  );
  return planned.map((b) => {
    const holder =
      b.privateIp && b.subnetId ? held[addressKey({ subnetId: b.subnetId, ip: b.privateIp })] : undefined;
    return holder ? withoutAddress(ctx, b, holder, `in ${b.subnetId}`) : b;
  });
}
