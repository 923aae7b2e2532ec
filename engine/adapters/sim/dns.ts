/**
 * Simulated Route 53: UPSERT of one record, PENDING until the change propagates, then INSYNC.
 * Zones listed in the world must exist; a world without `dns` accepts any zone.
 */
import { NonRetryableError } from '../../errors.js';
import type { SimContext } from './context.js';
import { countCall, countKey } from './counters.js';
import { emitAt, runOfKey } from './events.js';
import { notFound } from './faults.js';
import { dnsKey, nextId } from './state.js';

export function switchDns(
  ctx: SimContext,
  zone: string,
  record: string,
  target: string,
  idempotencyKey: string,
): { changeId: string } {
  const { state } = ctx;
  countCall(state.counters, 'ChangeResourceRecordSets');
  ctx.faults.beforeCall('ChangeResourceRecordSets', undefined);
  countKey(state.counters, idempotencyKey);
  const known = state.tokens.dns[idempotencyKey];
  if (known) return { changeId: known };
  if (ctx.world.dns && !ctx.world.dns[zone]) {
    throw new NonRetryableError(`Hosted zone ${zone} does not exist (NoSuchHostedZone)`, {
      code: 'NO_SUCH_HOSTED_ZONE',
      explanation: `The simulated world defines the zones ${Object.keys(ctx.world.dns).join(', ')}.`,
      action: 'Set spec.dns.zone (or the step input zone) to an existing hosted zone id.',
      context: { zone },
    });
  }
  if (!target.trim()) {
    throw new NonRetryableError('dns.switch was given an empty target', {
      code: 'INVALID_DNS_TARGET',
      explanation: 'A record must point at an IP address or a host name.',
      action: 'Pass the recovered endpoint, e.g. `${{ steps.launch.outputs.privateIps[0] }}`.',
    });
  }
  const changeId = `/change/${nextId(state, 'C').replace('C-0', 'C')}`;
  state.dnsRecords[dnsKey(zone, record)] = target;
  state.dnsChanges[changeId] = {
    changeId,
    zone,
    record,
    target,
    insyncAt: ctx.clock.now() + ctx.latency.of('dns'),
  };
  state.tokens.dns[idempotencyKey] = changeId;
  emitAt(
    ctx.wakeups,
    state.dnsChanges[changeId]!.insyncAt,
    runOfKey(idempotencyKey),
    `dns:insync ${changeId}`,
  );
  return { changeId };
}

export function dnsStatus(ctx: SimContext, changeId: string): 'PENDING' | 'INSYNC' {
  countCall(ctx.state.counters, 'GetChange');
  ctx.faults.beforeCall('GetChange', undefined);
  const change = ctx.state.dnsChanges[changeId];
  if (!change) throw notFound('DNS change', [changeId], 'route53');
  return ctx.clock.now() >= change.insyncAt ? 'INSYNC' : 'PENDING';
}

/** The record's current value, for tests and the terminal shell. */
export function dnsValue(ctx: SimContext, zone: string, record: string): string | undefined {
  return ctx.state.dnsRecords[dnsKey(zone, record)];
}
