/**
 * Sub-resources without tags of their own: routes, ACL entries and associations, security group
 * rules. Each is diffed against what the target already has; only what is missing (or different)
 * is written, so re-runs converge.
 */
import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateNetworkAclEntryCommand,
  CreateRouteCommand,
  type IpPermission,
  type NetworkAclEntry,
  ReplaceNetworkAclAssociationCommand,
  ReplaceNetworkAclEntryCommand,
  ReplaceRouteCommand,
  type Route,
  type RuleAction,
} from '@aws-sdk/client-ec2';
import type { PlannedRoute, PlanStep } from '../../../network/plan-types.js';
import type { AclEntry, SgRule } from '../../../network/topology.js';
import type { AwsNetworkConverger } from './converge.js';
import type { Finders } from './converge-find.js';
import { normalProtocol, toRule } from './discover.js';
import { filter } from './pages.js';

type RouteTargetParam = { GatewayId?: string; NatGatewayId?: string; EgressOnlyInternetGatewayId?: string };

function targetParam(route: PlannedRoute, id: string): RouteTargetParam {
  if (route.target.kind === 'nat-gateway') return { NatGatewayId: id };
  if (route.target.kind === 'egress-only-gateway') return { EgressOnlyInternetGatewayId: id };
  return { GatewayId: id };
}

export async function applyRoutes(
  c: AwsNetworkConverger,
  tableId: string,
  existing: Route[],
  routes: PlannedRoute[],
): Promise<void> {
  for (const route of routes) {
    const targetId = c.target(route.target.ref);
    const where = route.destination
      ? { DestinationCidrBlock: route.destination }
      : { DestinationIpv6CidrBlock: route.ipv6Destination };
    const current = existing.find((r) =>
      route.destination
        ? r.DestinationCidrBlock === route.destination
        : r.DestinationIpv6CidrBlock === route.ipv6Destination,
    );
    const param = targetParam(route, targetId);
    if (
      current &&
      (current.GatewayId ?? current.NatGatewayId ?? current.EgressOnlyInternetGatewayId) === targetId
    )
      continue;
    const input = { RouteTableId: tableId, ...where, ...param };
    if (current) await c.send('ReplaceRoute', () => c.client.send(new ReplaceRouteCommand(input)));
    else await c.send('CreateRoute', () => c.client.send(new CreateRouteCommand(input)));
    c.changes.push(
      `${current ? 'replaced' : 'created'} route ${route.destination ?? route.ipv6Destination} → ${targetId} in ${tableId}`,
    );
  }
}

function sameEntry(a: NetworkAclEntry, b: AclEntry): boolean {
  return (
    a.Protocol === b.protocol &&
    a.RuleAction === b.action &&
    (a.CidrBlock ?? undefined) === b.cidr &&
    (a.Ipv6CidrBlock ?? undefined) === b.ipv6Cidr &&
    a.PortRange?.From === b.fromPort &&
    a.PortRange?.To === b.toPort
  );
}

export async function applyAclEntries(
  c: AwsNetworkConverger,
  aclId: string,
  existing: NetworkAclEntry[],
  entries: AclEntry[],
): Promise<void> {
  for (const e of entries) {
    const current = existing.find((x) => x.RuleNumber === e.ruleNumber && (x.Egress ?? false) === e.egress);
    if (current && sameEntry(current, e)) continue;
    const input = {
      NetworkAclId: aclId,
      RuleNumber: e.ruleNumber,
      Egress: e.egress,
      Protocol: e.protocol,
      RuleAction: e.action as RuleAction,
      ...(e.cidr ? { CidrBlock: e.cidr } : {}),
      ...(e.ipv6Cidr ? { Ipv6CidrBlock: e.ipv6Cidr } : {}),
      ...(e.fromPort !== undefined || e.toPort !== undefined
        ? { PortRange: { From: e.fromPort, To: e.toPort } }
        : {}),
    };
    if (current)
      await c.send('ReplaceNetworkAclEntry', () => c.client.send(new ReplaceNetworkAclEntryCommand(input)));
    else await c.send('CreateNetworkAclEntry', () => c.client.send(new CreateNetworkAclEntryCommand(input)));
    c.changes.push(
      `${current ? 'replaced' : 'created'} ACL entry ${e.egress ? 'egress' : 'ingress'} #${e.ruleNumber} in ${aclId}`,
    );
  }
}

/** Every subnet has exactly one ACL association: move it to `aclId`. */
export async function associateAcl(
  c: AwsNetworkConverger,
  find: Finders,
  aclId: string,
  subnetId: string,
): Promise<void> {
  const [current] = await find.acls([filter('association.subnet-id', subnetId)]);
  const association = current?.Associations?.find((a) => a.SubnetId === subnetId)?.NetworkAclAssociationId;
  if (!association || current?.NetworkAclId === aclId) return;
  await c.send('ReplaceNetworkAclAssociation', () =>
    c.client.send(
      new ReplaceNetworkAclAssociationCommand({ AssociationId: association, NetworkAclId: aclId }),
    ),
  );
  c.changes.push(`associated ${subnetId} with ${aclId}`);
}

/** One permission per source (cidr, group …), keyed so existing and desired rules compare. */
function atoms(rule: SgRule): { key: string; permission: IpPermission }[] {
  const protocol = normalProtocol(rule.protocol);
  const ports = protocol === '-1' ? {} : { FromPort: rule.fromPort, ToPort: rule.toPort };
  const base = `${protocol}|${protocol === '-1' ? '' : `${rule.fromPort ?? ''}-${rule.toPort ?? ''}`}`;
  const d = rule.description ? { Description: rule.description } : {};
  return [
    ...rule.cidrs.map((c) => ({
      key: `${base}|cidr:${c}`,
      permission: { IpProtocol: protocol, ...ports, IpRanges: [{ CidrIp: c, ...d }] },
    })),
    ...rule.ipv6Cidrs.map((c) => ({
      key: `${base}|v6:${c}`,
      permission: { IpProtocol: protocol, ...ports, Ipv6Ranges: [{ CidrIpv6: c, ...d }] },
    })),
    ...rule.groupIds.map((g) => ({
      key: `${base}|sg:${g}`,
      permission: { IpProtocol: protocol, ...ports, UserIdGroupPairs: [{ GroupId: g, ...d }] },
    })),
    ...rule.prefixListIds.map((p) => ({
      key: `${base}|pl:${p}`,
      permission: { IpProtocol: protocol, ...ports, PrefixListIds: [{ PrefixListId: p, ...d }] },
    })),
  ];
}

export async function applyRules(
  c: AwsNetworkConverger,
  step: Extract<PlanStep, { kind: 'security-group-rules' }>,
): Promise<void> {
  const groupId = c.target(step.groupRef);
  const group = c.groups.get(groupId);
  for (const direction of ['ingress', 'egress'] as const) {
    const have = new Set(
      (direction === 'ingress' ? group?.IpPermissions : group?.IpPermissionsEgress)?.flatMap((p) =>
        atoms(toRule(p)).map((a) => a.key),
      ) ?? [],
    );
    const wanted = step[direction].map((r) => ({ ...r, groupIds: r.groupIds.map((g) => c.target(g)) }));
    const missing = wanted
      .flatMap(atoms)
      .filter((a, i, all) => !have.has(a.key) && all.findIndex((b) => b.key === a.key) === i);
    if (missing.length === 0) continue;
    const IpPermissions = missing.map((a) => a.permission);
    if (direction === 'ingress') {
      await c.send('AuthorizeSecurityGroupIngress', () =>
        c.client.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions })),
      );
    } else {
      await c.send('AuthorizeSecurityGroupEgress', () =>
        c.client.send(new AuthorizeSecurityGroupEgressCommand({ GroupId: groupId, IpPermissions })),
      );
    }
    c.changes.push(`authorized ${missing.length} ${direction} rule(s) on ${groupId}`);
  }
}
