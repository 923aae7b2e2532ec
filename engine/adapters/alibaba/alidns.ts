/**
 * DNS switchover with Alidns: the record (`app.shop.example.com` in the domain `shop.example.com`)
 * is found with DescribeSubDomainRecords and changed with UpdateDomainRecord (A for an IP target,
 * CNAME for a host name). Alidns has no change ids: the port's change id is `recordId|value`, and
 * `dnsStatus` is INSYNC when DescribeDomainRecordInfo shows the value and the record is enabled.
 * drbot only updates a record that exists; it never creates or deletes one.
 */
import * as Alidns from '@alicloud/alidns20150109';
import { NonRetryableError } from '../../errors.js';
import type { AlidnsClient } from './clients.js';
import { aliCall, aliErrorCode } from './errors.js';

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** The host record (RR) of `record` in `domain`: `app` for app.shop.example.com in shop.example.com. */
export function hostRecord(domain: string, record: string): string {
  const name = record.replace(/\.$/, '');
  const zone = domain.replace(/\.$/, '');
  if (name === zone) return '@';
  return name.endsWith(`.${zone}`) ? name.slice(0, -(zone.length + 1)) : name;
}

export async function switchRecord(
  client: AlidnsClient,
  domain: string,
  record: string,
  target: string,
): Promise<{ changeId: string }> {
  const type = IPV4.test(target) ? 'A' : 'CNAME';
  const RR = hostRecord(domain, record);
  const fqdn = RR === '@' ? domain : `${RR}.${domain}`;
  const res = await aliCall(`Alidns DescribeSubDomainRecords ${fqdn}`, () =>
    client.describeSubDomainRecords(
      new Alidns.DescribeSubDomainRecordsRequest({ subDomain: fqdn, domainName: domain }),
    ),
  );
  const records = (res.body?.domainRecords?.record ?? []).filter((r) => r.type === 'A' || r.type === 'CNAME');
  const current = records[0];
  if (!current?.recordId || records.length > 1) {
    throw new NonRetryableError(
      `Cannot switch ${fqdn}: ${records.length === 0 ? 'no A or CNAME record' : 'several A/CNAME records'}.`,
      {
        code: 'DNS_RECORD_AMBIGUOUS',
        explanation: `drbot updates exactly one existing record with UpdateDomainRecord; ${domain} has ${records.length} A/CNAME records named ${RR}.`,
        action: `Keep one A or CNAME record ${RR} in ${domain} (Alidns console), then retry.`,
        context: { domain, record: RR },
      },
    );
  }
  const recordId = current.recordId;
  if (current.value !== target || current.type !== type) {
    await aliCall(`Alidns UpdateDomainRecord ${fqdn} → ${target}`, async () => {
      try {
        await client.updateDomainRecord(
          new Alidns.UpdateDomainRecordRequest({
            recordId,
            RR,
            type,
            value: target,
            TTL: current.TTL ?? 600,
          }),
        );
      } catch (err) {
        // the record already has this value (a retried step): nothing to change
        if (aliErrorCode(err) !== 'DomainRecordDuplicate') throw err;
      }
    });
  }
  return { changeId: `${recordId}|${target}` };
}

export async function recordStatus(client: AlidnsClient, changeId: string): Promise<'PENDING' | 'INSYNC'> {
  const cut = changeId.indexOf('|');
  const recordId = changeId.slice(0, cut);
  const value = changeId.slice(cut + 1);
  const res = await aliCall(`Alidns DescribeDomainRecordInfo ${recordId}`, () =>
    client.describeDomainRecordInfo(new Alidns.DescribeDomainRecordInfoRequest({ recordId })),
  );
  return res.body?.value === value && res.body?.status === 'ENABLE' ? 'INSYNC' : 'PENDING';
}
