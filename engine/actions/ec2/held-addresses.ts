/**
 * A failback lands on the original site, whose original instances still exist (stopped or stale
 * since the failover) and still hold the private IPs the reverse mapping gives back. EC2 gives
 * an address of a subnet to one instance only (InvalidIPAddress.InUse), so a CUTOVER launch that
 * asked for them would fail at the worst moment. A blueprint whose fixed IP its own origin still
 * holds launches without the fixed IP instead: the copy gets a fresh address of the same subnet,
 * the audit says so, and `dns.switch` follows the launch's `privateIps` output. The originals are
 * never touched here; retiring them is the operator's choice.
 */
import type { Instance } from '../../cloud/compute.js';
import { ORIGIN_TAG } from '../../cloud/origin.js';
import type { CloudProvider } from '../../cloud/provider.js';
import type { PlannedBlueprint } from '../../network/blueprints.js';
import type { ActionContext } from '../types.js';

export async function freeHeldAddresses(
  cloud: CloudProvider,
  ctx: Pick<ActionContext, 'note'>,
  sources: readonly Instance[],
  planned: PlannedBlueprint[],
  region: string,
): Promise<PlannedBlueprint[]> {
  const originOf = new Map<string, string>();
  for (const source of sources) {
    const origin = source.tags[ORIGIN_TAG];
    if (origin && origin !== source.id) originOf.set(source.id, origin);
  }
  for (const b of planned)
    if (b.origin && b.origin !== b.sourceInstanceId) originOf.set(b.sourceInstanceId, b.origin);
  const asking = planned.filter((b) => b.privateIp && originOf.has(b.sourceInstanceId));
  if (asking.length === 0) return planned;
  let originals: Instance[];
  try {
    originals = await cloud.describe(
      [...new Set(asking.map((b) => originOf.get(b.sourceInstanceId)!))],
      region,
    );
  } catch {
    return planned; // the originals are gone (or unreadable): nothing holds the addresses
  }
  // origin id → the address it still holds (a terminated instance holds none)
  const holds = new Map(
    originals
      .filter((o) => o.state !== 'terminated' && o.state !== 'shutting-down' && o.privateIp)
      .map((o) => [o.id, o.privateIp]),
  );
  return planned.map((b) => {
    const held = originOf.get(b.sourceInstanceId);
    if (!held || !b.privateIp || holds.get(held) !== b.privateIp) return b;
    ctx.note(
      `${b.privateIp} is still held by ${held}, the original ${b.sourceInstanceId} was recovered from: its copy gets a fresh address in its subnet (DNS follows the new address)`,
      { sourceInstanceId: b.sourceInstanceId, heldBy: held, privateIp: b.privateIp },
    );
    const { privateIp: _, ...rest } = b;
    return rest;
  });
}
