/**
 * Security group rules between Alibaba's shape (one permission per source: IpProtocol TCP/UDP/
 * ICMP/GRE/ALL, PortRange `22/22` or `-1/-1`, Policy Accept/Drop, Priority) and the provider-neutral
 * SgRule (engine/network/topology.ts). Discovery reads permissions into rules; convergence turns
 * rules back into keyed permissions, so what exists and what is wanted compare the same way.
 */
import type { SgRule } from '../../../network/topology.js';

export type Direction = 'ingress' | 'egress';

/** Both ends of a permission, as ECS names them (answered by Describe*, sent by Authorize*). */
interface PermissionEnds {
  description?: string;
  sourceCidrIp?: string;
  ipv6SourceCidrIp?: string;
  sourceGroupId?: string;
  sourcePrefixListId?: string;
  destCidrIp?: string;
  ipv6DestCidrIp?: string;
  destGroupId?: string;
  destPrefixListId?: string;
}

/** What DescribeSecurityGroupAttribute answers per permission (the fields drbot reads). */
export interface RawPermission extends PermissionEnds {
  direction?: string;
  ipProtocol?: string;
  portRange?: string;
  policy?: string;
  priority?: string;
}

/** An Accept permission as AuthorizeSecurityGroup(Egress) takes it in `Permissions.N`. */
export interface PermissionParam extends PermissionEnds {
  ipProtocol: string;
  portRange: string;
  policy: 'accept';
}

const TO_ALI: Record<string, string> = {
  '-1': 'ALL',
  all: 'ALL',
  tcp: 'TCP',
  '6': 'TCP',
  udp: 'UDP',
  '17': 'UDP',
  icmp: 'ICMP',
  '1': 'ICMP',
  icmpv6: 'ICMPv6',
  '58': 'ICMPv6',
  gre: 'GRE',
  '47': 'GRE',
};

/** The Alibaba IpProtocol of a neutral protocol, or undefined when ECS has none for it. */
export function aliProtocol(protocol: string): string | undefined {
  return TO_ALI[protocol.toLowerCase()];
}

function portRange(rule: SgRule, protocol: string): string {
  if (protocol !== 'TCP' && protocol !== 'UDP') return '-1/-1';
  return `${Math.max(1, rule.fromPort ?? 1)}/${Math.min(65535, rule.toPort ?? 65535)}`;
}

/** A permission read from ECS as a neutral rule (one source); undefined for a Drop rule. */
export function toRule(p: RawPermission): SgRule | undefined {
  if ((p.policy ?? 'Accept').toLowerCase() === 'drop') return undefined;
  const egress = p.direction === 'egress';
  const raw = (p.ipProtocol ?? 'ALL').toUpperCase();
  const protocol = raw === 'ALL' ? '-1' : raw.toLowerCase();
  const [from, to] = (p.portRange ?? '-1/-1').split('/').map(Number);
  const ports = from !== undefined && from >= 0 && to !== undefined ? { fromPort: from, toPort: to } : {};
  const cidr = egress ? p.destCidrIp : p.sourceCidrIp;
  const v6 = egress ? p.ipv6DestCidrIp : p.ipv6SourceCidrIp;
  const group = egress ? p.destGroupId : p.sourceGroupId;
  const list = egress ? p.destPrefixListId : p.sourcePrefixListId;
  return {
    protocol,
    ...ports,
    cidrs: cidr ? [cidr] : [],
    ipv6Cidrs: v6 ? [v6] : [],
    groupIds: group ? [group] : [],
    prefixListIds: list ? [list] : [],
    ...(p.description ? { description: p.description } : {}),
  };
}

/** One keyed permission per source of the rule; rules with a protocol ECS lacks give none. */
export function permissions(rule: SgRule, direction: Direction): { key: string; param: PermissionParam }[] {
  const ipProtocol = aliProtocol(rule.protocol);
  if (!ipProtocol) return [];
  const range = portRange(rule, ipProtocol);
  const base = { ipProtocol, portRange: range, policy: 'accept' as const };
  const d = rule.description ? { description: rule.description } : {};
  const egress = direction === 'egress';
  const atom = (kind: string, value: string, field: Partial<PermissionParam>) => ({
    key: `${ipProtocol}|${range}|${kind}:${value}`,
    param: { ...base, ...d, ...field },
  });
  return [
    ...rule.cidrs.map((c) => atom('cidr', c, egress ? { destCidrIp: c } : { sourceCidrIp: c })),
    ...rule.ipv6Cidrs.map((c) => atom('v6', c, egress ? { ipv6DestCidrIp: c } : { ipv6SourceCidrIp: c })),
    ...rule.groupIds.map((g) => atom('sg', g, egress ? { destGroupId: g } : { sourceGroupId: g })),
    ...rule.prefixListIds.map((l) =>
      atom('pl', l, egress ? { destPrefixListId: l } : { sourcePrefixListId: l }),
    ),
  ];
}
