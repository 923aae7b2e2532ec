/**
 * IPv4 CIDR arithmetic and the CIDR remap (e.g. 10.0.0.0/16 → 20.0.0.0/16). A remap moves every
 * address of `from` to the same offset inside `to`, so subnets and private IPs stay consistent
 * with each other and the reverse remap (failback) gives the original back. IPv6 is never
 * remapped: AWS assigns a VPC's IPv6 ranges itself.
 */
import { CidrRemapError, InvalidCidrError } from './errors.js';

/** Remap every address of `from` into `to`, keeping its offset. */
export interface CidrRemap {
  /** The source range, e.g. `10.0.0.0/16`. */
  from: string;
  /** The target range, e.g. `20.0.0.0/16`. */
  to: string;
}

export interface Cidr {
  /** Network address as an unsigned 32-bit number. */
  network: number;
  prefix: number;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const TWO_32 = 2 ** 32;

/** True for anything that looks like an IPv6 address or CIDR (left alone by every remap). */
export function isIpv6(value: string): boolean {
  return value.includes(':');
}

export function parseIpv4(ip: string): number {
  const m = IPV4.exec(ip.trim());
  if (!m) throw new InvalidCidrError(ip, 'IPv4 address');
  const octets = m.slice(1).map(Number);
  if (octets.some((o) => o > 255)) throw new InvalidCidrError(ip, 'IPv4 address');
  return octets.reduce((acc, o) => acc * 256 + o, 0);
}

export function formatIpv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

export function cidrSize(c: Cidr): number {
  return 2 ** (32 - c.prefix);
}

/** Parses `a.b.c.d/n`; refuses host bits set (10.0.0.1/16) so ranges are never ambiguous. */
export function parseCidr(text: string): Cidr {
  const [ip, prefixText, extra] = text.trim().split('/');
  if (ip === undefined || prefixText === undefined || extra !== undefined || !/^\d{1,2}$/.test(prefixText)) {
    throw new InvalidCidrError(text);
  }
  const prefix = Number(prefixText);
  if (prefix > 32) throw new InvalidCidrError(text);
  const network = parseIpv4(ip);
  if (network % 2 ** (32 - prefix) !== 0) throw new InvalidCidrError(text);
  return { network, prefix };
}

export function formatCidr(c: Cidr): string {
  return `${formatIpv4(c.network)}/${c.prefix}`;
}

/** True when `inner` lies entirely inside `outer` (equal counts). */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  return (
    inner.prefix >= outer.prefix &&
    inner.network >= outer.network &&
    inner.network + cidrSize(inner) <= outer.network + cidrSize(outer)
  );
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return a.network < b.network + cidrSize(b) && b.network < a.network + cidrSize(a);
}

/** True when the address lies in the range. */
export function ipInCidr(ip: string, cidr: string): boolean {
  if (isIpv6(ip) || isIpv6(cidr)) return false;
  const c = parseCidr(cidr);
  const n = parseIpv4(ip);
  return n >= c.network && n < c.network + cidrSize(c);
}

function parsedRemap(remap: CidrRemap): { from: Cidr; to: Cidr } {
  if (isIpv6(remap.from) || isIpv6(remap.to)) {
    throw new CidrRemapError(
      `IPv6 ranges cannot be remapped (${remap.from} → ${remap.to}): AWS assigns a VPC's IPv6 ranges itself`,
    );
  }
  return { from: parseCidr(remap.from), to: parseCidr(remap.to) };
}

/** The remap the other way round (target → source), used for failback. */
export function reverseRemap(remap: CidrRemap): CidrRemap {
  return { from: remap.to, to: remap.from };
}

/** A remap that changes nothing (from = to). */
export function isIdentityRemap(remap: CidrRemap | undefined): boolean {
  return !remap || remap.from.trim() === remap.to.trim();
}

/**
 * The address at the same offset inside `to`. Addresses outside `from` and IPv6 addresses are
 * returned unchanged; an offset past the end of `to` is refused (CidrRemapError).
 */
export function remapIp(ip: string, remap: CidrRemap | undefined): string {
  if (!remap || isIpv6(ip)) return ip;
  const { from, to } = parsedRemap(remap);
  const n = parseIpv4(ip);
  const offset = n - from.network;
  if (offset < 0 || offset >= cidrSize(from)) return ip;
  if (offset >= cidrSize(to)) {
    throw new CidrRemapError(
      `${ip} is ${offset} addresses into ${remap.from}, past the end of ${remap.to} (${cidrSize(to)} addresses)`,
      { ip, ...remap },
    );
  }
  return formatIpv4((to.network + offset) % TWO_32);
}

/**
 * The range at the same offset inside `to`, keeping its prefix length (`from` itself becomes
 * `to`). Ranges disjoint from `from` and ranges that contain it (0.0.0.0/0, a 10.0.0.0/8 route)
 * are returned unchanged, as are IPv6 ranges; a range that would not fit in `to` is refused.
 */
export function remapCidr(cidr: string, remap: CidrRemap | undefined): string {
  if (!remap || isIpv6(cidr)) return cidr;
  const { from, to } = parsedRemap(remap);
  const c = parseCidr(cidr);
  if (c.network === from.network && c.prefix === from.prefix) return formatCidr(to);
  if (!cidrContains(from, c)) return cidr;
  const offset = c.network - from.network;
  if (offset + cidrSize(c) > cidrSize(to)) {
    throw new CidrRemapError(
      `${cidr} would land at ${formatIpv4((to.network + offset) % TWO_32)}/${c.prefix}, outside ${remap.to}: ${remap.to} has ${cidrSize(to)} addresses but ${cidr} ends ${offset + cidrSize(c)} addresses into ${remap.from}`,
      { cidr, ...remap },
    );
  }
  return formatCidr({ network: to.network + offset, prefix: c.prefix });
}
