/** dns.switch: UPSERT the failover record, then poll until the change is in sync. */
import { NonRetryableError } from '../../errors.js';
import { invalidInput, optionalString } from '../support/inputs.js';
import {
  type ActionContext,
  type ActionDeps,
  type ActionHandler,
  type ActionResult,
  defineAction,
} from '../types.js';

function dnsTarget(ctx: ActionContext): { zone: string; record: string; target: string } {
  const zone = optionalString('dns.switch', ctx.inputs, 'zone') ?? ctx.runbook.spec.dns?.zone;
  const record = optionalString('dns.switch', ctx.inputs, 'record') ?? ctx.runbook.spec.dns?.record;
  const target = optionalString('dns.switch', ctx.inputs, 'target');
  if (!zone || !record) {
    throw new NonRetryableError('dns.switch does not know which record to change', {
      code: 'DNS_NOT_CONFIGURED',
      explanation:
        'Neither the step (`zone`, `record`) nor the runbook (spec.dns) names the hosted zone and record.',
      action: 'Add `spec.dns: { zone: <hosted zone id>, record: <name> }` to the runbook.',
    });
  }
  if (!target) throw invalidInput('dns.switch', 'target', 'an IP address or host name', target);
  return { zone, record, target };
}

export function dnsSwitchHandler({ cloud, pollIntervalMs }: ActionDeps): ActionHandler {
  const check = async (changeId: string): Promise<ActionResult> =>
    (await cloud.dnsStatus(changeId)) === 'INSYNC'
      ? { status: 'done', outputs: { changeId } }
      : { status: 'pending', handle: { changeId }, pollAfterMs: pollIntervalMs };
  return {
    async start(ctx) {
      const { zone, record, target } = dnsTarget(ctx);
      const { changeId } = await cloud.switchDns(zone, record, target, ctx.idempotencyKey);
      ctx.note(`DNS ${record} in ${zone} → ${target} (change ${changeId})`, {
        zone,
        record,
        target,
        changeId,
      });
      return check(changeId);
    },
    poll: (ctx) => check((ctx.handle as { changeId: string }).changeId),
  };
}

export default defineAction({
  name: 'dns.switch',
  mutating: true,
  description:
    'Points the failover DNS record at the recovered endpoint (Route 53 UPSERT) and waits for INSYNC: an A record for an IPv4 target, a CNAME for a host name such as a restored database endpoint (`${{ steps.<rds.restore>.outputs.endpoint }}`).',
  inputSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['target'],
    properties: {
      zone: { type: 'string', description: 'Hosted zone id; defaults to spec.dns.zone.' },
      record: { type: 'string', description: 'Record name; defaults to spec.dns.record.' },
      target: {
        type: 'string',
        minLength: 1,
        description: 'New value: an IPv4 address (A record) or a host name such as a DB endpoint (CNAME).',
      },
    },
  },
  outputs: { changeId: 'The Route 53 change id.' },
  capabilities: ['dns'],
  permissions: {
    aws: [
      {
        statement: 'SwitchRunbookRecords',
        actions: ['route53:ChangeResourceRecordSets', 'route53:ListResourceRecordSets'],
      },
      { statement: 'ReadDnsChanges', actions: ['route53:GetChange'] },
    ],
    alibaba: [
      'alidns:DescribeSubDomainRecords',
      'alidns:UpdateDomainRecord',
      'alidns:DescribeDomainRecordInfo',
    ],
  },
  handler: dnsSwitchHandler,
});
