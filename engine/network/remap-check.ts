/**
 * Refuses a CIDR remap before anything is created, with every reason at once: a remap that only
 * fails halfway through a replication would leave a half-built VPC behind.
 */
import {
  type Cidr,
  type CidrRemap,
  cidrContains,
  cidrsOverlap,
  formatCidr,
  isIpv6,
  parseCidr,
  remapCidr,
  remapIp,
} from './cidr.js';
import { CidrRemapError, InvalidCidrError } from './errors.js';

/** What the remap must carry over, and what it must not collide with. */
export interface RemapSubject {
  /** The source VPC's IPv4 CIDR blocks, primary first. */
  vpcCidrs: string[];
  /** The source subnets' IPv4 CIDRs. */
  subnetCidrs: string[];
  /** Private IPs that blueprints will remap (protected instances). */
  privateIps?: string[];
  /** Ranges already used in the target region (other VPCs), with a label for the message. */
  avoid?: { cidr: string; label: string }[];
}

/** AWS VPC CIDR blocks are /16 to /28. */
const VPC_PREFIX = { min: 16, max: 28 };

function tryParse(text: string, what: string, reasons: string[]): Cidr | undefined {
  try {
    return parseCidr(text);
  } catch {
    reasons.push(`${what} ${JSON.stringify(text)} is not an IPv4 CIDR such as 10.0.0.0/16`);
    return undefined;
  }
}

function collect(reasons: string[], fn: () => void): void {
  try {
    fn();
  } catch (err) {
    if (err instanceof CidrRemapError) reasons.push(err.reason);
    else if (err instanceof InvalidCidrError) reasons.push(err.message);
    else throw err;
  }
}

/** Every reason the remap cannot be applied to the subject; empty when it fits. */
export function remapProblems(remap: CidrRemap, subject: RemapSubject): string[] {
  const reasons: string[] = [];
  if (isIpv6(remap.from) || isIpv6(remap.to)) {
    return [
      `IPv6 ranges cannot be remapped (${remap.from} → ${remap.to}): AWS assigns a VPC's IPv6 ranges itself`,
    ];
  }
  const from = tryParse(remap.from, 'from', reasons);
  const to = tryParse(remap.to, 'to', reasons);
  if (!from || !to) return reasons;
  if (cidrsOverlap(from, to) && formatCidr(from) !== formatCidr(to)) {
    reasons.push(
      `${remap.to} overlaps ${remap.from}: an address could then belong to both sides and the reverse mapping used by failback would be ambiguous`,
    );
  }
  const vpc = subject.vpcCidrs.filter((c) => !isIpv6(c));
  const covered = vpc.map((text) => ({ text, c: tryParse(text, 'VPC CIDR', reasons) }));
  if (covered.length > 0 && !covered.some(({ c }) => c && cidrsOverlap(c, from))) {
    reasons.push(`${remap.from} does not cover the VPC (${vpc.join(', ')}): nothing would be remapped`);
  }
  const targetRanges: string[] = [];
  for (const { text, c } of covered) {
    if (!c) continue;
    if (cidrsOverlap(c, from) && !cidrContains(from, c)) {
      reasons.push(`VPC range ${text} is larger than ${remap.from}: only part of the VPC would move`);
      continue;
    }
    collect(reasons, () => {
      const moved = remapCidr(text, remap);
      const prefix = parseCidr(moved).prefix;
      if (prefix < VPC_PREFIX.min || prefix > VPC_PREFIX.max) {
        reasons.push(`the remapped VPC range ${moved} is /${prefix}; AWS accepts /16 to /28 for a VPC`);
      }
      targetRanges.push(moved);
    });
  }
  for (const subnet of subject.subnetCidrs.filter((c) => !isIpv6(c))) {
    collect(reasons, () => {
      remapCidr(subnet, remap);
    });
  }
  for (const ip of subject.privateIps ?? []) collect(reasons, () => void remapIp(ip, remap));
  for (const moved of targetRanges) {
    for (const other of subject.avoid ?? []) {
      if (isIpv6(other.cidr)) continue;
      const o = tryParse(other.cidr, other.label, reasons);
      if (o && cidrsOverlap(parseCidr(moved), o)) {
        reasons.push(
          `the remapped VPC range ${moved} overlaps ${other.label} (${other.cidr}) in the target region`,
        );
      }
    }
  }
  return [...new Set(reasons)];
}

/** Throws CidrRemapError listing every problem, or returns when the remap fits. */
export function assertRemapFits(remap: CidrRemap, subject: RemapSubject): void {
  const reasons = remapProblems(remap, subject);
  if (reasons.length > 0) throw new CidrRemapError(reasons.join('; '), { ...remap, reasons });
}
