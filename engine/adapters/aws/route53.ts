/**
 * DNS switchover through Route 53: one UPSERT of the failover record (A for an IPv4 target, CNAME
 * otherwise, TTL 60 so clients follow quickly), then GetChange until INSYNC. UPSERT is naturally
 * idempotent: repeating it with the same target changes nothing.
 */
import {
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  type Route53Client,
} from '@aws-sdk/client-route-53';
import { awsCall } from './errors.js';

/** Seconds resolvers may cache the switched record. */
export const SWITCH_TTL_SECONDS = 60;

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

export function recordTypeFor(target: string): 'A' | 'CNAME' {
  return IPV4.test(target) ? 'A' : 'CNAME';
}

/** Route 53 returns `/change/C123`; GetChange wants `C123`. */
function bareChangeId(id: string): string {
  return id.replace(/^\/change\//, '');
}

export async function switchRecord(
  client: Route53Client,
  zone: string,
  record: string,
  target: string,
  idempotencyKey: string,
): Promise<{ changeId: string }> {
  const out = await awsCall(`Route 53 UPSERT ${record} in zone ${zone}`, () =>
    client.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zone.replace(/^\/hostedzone\//, ''),
        ChangeBatch: {
          Comment: `drbot ${idempotencyKey}`.slice(0, 256),
          Changes: [
            {
              Action: 'UPSERT',
              ResourceRecordSet: {
                Name: record,
                Type: recordTypeFor(target),
                TTL: SWITCH_TTL_SECONDS,
                ResourceRecords: [{ Value: target }],
              },
            },
          ],
        },
      }),
    ),
  );
  return { changeId: bareChangeId(out.ChangeInfo?.Id ?? '') };
}

export async function changeStatus(client: Route53Client, changeId: string): Promise<'PENDING' | 'INSYNC'> {
  const out = await awsCall(`Route 53 GetChange ${changeId}`, () =>
    client.send(new GetChangeCommand({ Id: bareChangeId(changeId) })),
  );
  return out.ChangeInfo?.Status === 'INSYNC' ? 'INSYNC' : 'PENDING';
}
