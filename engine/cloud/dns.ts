/** The DNS capability: switch a record to the recovered endpoint and wait until it is in sync. */

export interface DnsPort {
  switchDns(
    zone: string,
    record: string,
    target: string,
    idempotencyKey: string,
  ): Promise<{ changeId: string }>;
  dnsStatus(changeId: string): Promise<'PENDING' | 'INSYNC'>;
}
