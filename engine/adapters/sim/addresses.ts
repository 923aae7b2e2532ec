/**
 * EC2 (and ECS) give every instance a private IP: the one asked for, or a free one of its subnet
 * when none is fixed. The sim does the same, so a copy launched without a fixed IP (every drill
 * copy, a failback copy whose original still holds its address) has an address of its own that
 * `dns.switch` and the agent can use, and never a production one.
 */
import { addressKey, type SubnetAddress } from '../../cloud/compute.js';
import type { SimContext } from './context.js';

function toInt(ip: string): number {
  return ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

function toIp(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

/**
 * Every address held in the region (`subnet|ip` → instance id): any instance not terminated holds
 * its address, stopped ones too, as on EC2. The one scan behind free addresses, the launch's
 * InUse check and addressHolders.
 */
export function heldAddresses(ctx: SimContext, region: string): Map<string, string> {
  const held = new Map<string, string>();
  for (const i of Object.values(ctx.state.instances)) {
    if (i.state === 'terminated' || i.region !== region || !i.subnetId || !i.privateIp) continue;
    held.set(addressKey({ subnetId: i.subnetId, ip: i.privateIp }), i.id);
  }
  return held;
}

/** A free address of `subnetId` (the first host after the 4 that AWS reserves), or undefined. */
export function freeAddress(ctx: SimContext, region: string, subnetId: string): string | undefined {
  const cidr =
    ctx.world.regions[region]?.subnets.find((s) => s.id === subnetId)?.cidr ??
    ctx.network?.subnet(region, subnetId)?.cidr;
  if (!cidr) return undefined;
  const [base, bits] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  const first = toInt(base!) - (toInt(base!) % size);
  const taken = heldAddresses(ctx, region);
  // .0-.3 and the broadcast address are reserved, as in a VPC subnet
  for (let host = first + 4; host < first + size - 1; host++) {
    const ip = toIp(host);
    if (!taken.has(addressKey({ subnetId, ip }))) return ip;
  }
  return undefined;
}

/** Who holds each address (CloudProvider.addressHolders): any instance not terminated, like EC2. */
export function addressHolders(
  ctx: SimContext,
  region: string,
  addresses: readonly SubnetAddress[],
): Record<string, string> {
  const held = heldAddresses(ctx, region);
  const out: Record<string, string> = {};
  for (const key of addresses.map(addressKey)) {
    const holder = held.get(key);
    if (holder) out[key] = holder;
  }
  return out;
}
