/** dns.switch: UPSERT the failover record, then poll until the change is in sync. */
import { NonRetryableError } from '../../errors.js';
import type { Mode, RunbookSpec } from '../../runbook/types.js';
import { invalidInput, optionalString } from '../support/inputs.js';
import {
  type ActionContext,
  type ActionDeps,
  type ActionHandler,
  type ActionResult,
  defineAction,
} from '../types.js';

/**
 * The record a step switches: its `record`, else (in a drill) the declared drill record, else
 * spec.dns.record. Only the declared drill record is a drill's to switch.
 */
export function switchedRecord(
  inputs: Readonly<Record<string, unknown>>,
  mode: Mode,
  spec: Pick<RunbookSpec, 'dns'>,
): { zone: unknown; record: unknown } {
  const fallback = mode === 'drill' && spec.dns?.drillRecord ? spec.dns.drillRecord : spec.dns?.record;
  return { zone: inputs.zone ?? spec.dns?.zone, record: inputs.record ?? fallback };
}

function dnsTarget(ctx: ActionContext): { zone: string; record: string; target: string } {
  optionalString('dns.switch', ctx.inputs, 'zone');
  optionalString('dns.switch', ctx.inputs, 'record');
  const switched = switchedRecord(ctx.inputs, ctx.mode, ctx.runbook.spec);
  const zone = typeof switched.zone === 'string' && switched.zone ? switched.zone : undefined;
  const record = typeof switched.record === 'string' && switched.record ? switched.record : undefined;
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
  typicalDuration: '1m',
  mutating: true,
  description:
    'Points the failover DNS record at the recovered endpoint (Route 53 UPSERT, TTL 60 s) and waits for INSYNC. Record types: an IPv4 target writes an A record (e.g. the Elastic IP of a recovered instance), any other target a CNAME (a host name such as a restored database endpoint, `${{ steps.<rds.restore>.outputs.endpoint }}`). Alias records (to an ELB, CloudFront or another record of the zone) are not written: UPSERTing an A replaces an alias A of the same name, and a zone apex cannot be a CNAME, so switch a subdomain, or give an IP for the apex. Point a public name at a public address only: a private IP answers nobody outside the VPC.',
  inputSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['target'],
    properties: {
      zone: { type: 'string', description: 'Hosted zone id; defaults to spec.dns.zone.' },
      record: {
        type: 'string',
        description:
          'Record name; defaults to spec.dns.record (in a drill, to spec.dns.drillRecord when declared).',
      },
      target: {
        type: 'string',
        minLength: 1,
        description:
          'New value: an IPv4 address (A record) or a host name such as a DB endpoint (CNAME). No alias records; a zone apex needs an IPv4 target.',
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
  effects: (inputs, mode, spec) => {
    const { zone, record } = switchedRecord(inputs, mode, spec);
    const drill = spec.dns?.drillRecord;
    return drill !== undefined && record === drill && zone === spec.dns?.zone
      ? [{ verb: 'traffic', scope: 'drill-record', what: `the drill record ${drill}` }]
      : [
          {
            verb: 'traffic',
            scope: 'protected',
            what: typeof record === 'string' ? `the DNS record ${record}` : 'a DNS record',
          },
        ];
  },
  handler: dnsSwitchHandler,
});
