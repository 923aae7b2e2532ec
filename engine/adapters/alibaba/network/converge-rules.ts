/**
 * What has no tags of its own on Alibaba Cloud: security group rules and route entries. Rules are
 * diffed against DescribeSecurityGroupAttribute (one keyed permission per source, rules.ts) and
 * only the missing ones are authorized, so re-runs converge. Route entries are reported: a planned
 * route names a next hop (gateway, NAT) that Alibaba replication never creates, so there is
 * nothing in the replica to route to (CreateRouteEntry is never sent).
 */
import * as Ecs from '@alicloud/ecs20140526';
import type { PlannedRoute, PlanStep } from '../../../network/plan-types.js';
import { chunk } from '../../aws/batching.js';
import type { AlibabaNetworkConverger } from './converge.js';
import { groupPermissions } from './describe.js';
import { type Direction, permissions, toRule } from './rules.js';

/** AuthorizeSecurityGroup(Egress) takes at most 100 permissions per call. */
const PERMISSIONS_PER_CALL = 100;

export function applyRoutes(c: AlibabaNetworkConverger, tableId: string, routes: PlannedRoute[]): void {
  for (const route of routes) {
    const where = route.destination ?? route.ipv6Destination ?? '?';
    c.changes.push(
      `route ${where} → ${route.target.ref} not created in ${tableId}: its ${route.target.kind} is not replicated on Alibaba Cloud`,
    );
  }
}

export async function applyRules(
  c: AlibabaNetworkConverger,
  step: Extract<PlanStep, { kind: 'security-group-rules' }>,
): Promise<void> {
  const groupId = c.target(step.groupRef);
  const existing = await groupPermissions(c.clients.ecs, c.region, groupId);
  for (const direction of ['ingress', 'egress'] as const satisfies Direction[]) {
    const have = new Set(
      existing
        .filter((p) => (p.direction ?? 'ingress') === direction)
        .map(toRule)
        .flatMap((r) => (r ? permissions(r, direction).map((a) => a.key) : [])),
    );
    const wanted = step[direction].map((r) => ({ ...r, groupIds: r.groupIds.map((g) => c.target(g)) }));
    for (const r of wanted.filter(
      (r) => permissions(r, direction).length === 0 && r.cidrs.length + r.groupIds.length > 0,
    ))
      c.changes.push(`${direction} rule ${r.protocol} of ${groupId} not copied: ECS has no such protocol`);
    const missing = wanted
      .flatMap((r) => permissions(r, direction))
      .filter((a, i, all) => !have.has(a.key) && all.findIndex((b) => b.key === a.key) === i);
    for (const batch of chunk(missing, PERMISSIONS_PER_CALL)) {
      const params = batch.map((a) => a.param);
      if (direction === 'ingress') {
        await c.call('ECS', 'AuthorizeSecurityGroup', () =>
          c.clients.ecs.authorizeSecurityGroup(
            new Ecs.AuthorizeSecurityGroupRequest({
              regionId: c.region,
              securityGroupId: groupId,
              permissions: params,
            }),
          ),
        );
      } else {
        await c.call('ECS', 'AuthorizeSecurityGroupEgress', () =>
          c.clients.ecs.authorizeSecurityGroupEgress(
            new Ecs.AuthorizeSecurityGroupEgressRequest({
              regionId: c.region,
              securityGroupId: groupId,
              permissions: params,
            }),
          ),
        );
      }
    }
    if (missing.length > 0) c.changes.push(`authorized ${missing.length} ${direction} rule(s) on ${groupId}`);
  }
}
