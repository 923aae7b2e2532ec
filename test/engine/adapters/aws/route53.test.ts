import { ChangeResourceRecordSetsCommand, GetChangeCommand } from '@aws-sdk/client-route-53';
import { afterEach, describe, expect, it } from 'vitest';
import { mockedProvider } from './aws-test-helpers.js';

describe('AwsCloudProvider switchDns and dnsStatus', () => {
  let ctx = mockedProvider();
  afterEach(() => {
    ctx.route53.restore();
    ctx = mockedProvider();
  });

  it('UPSERTs an A record with TTL 60 for an IPv4 target', async () => {
    ctx.route53.on(ChangeResourceRecordSetsCommand).resolves({
      ChangeInfo: { Id: '/change/C123', Status: 'PENDING', SubmittedAt: new Date(0) },
    });

    const { changeId } = await ctx.provider.switchDns(
      'Z0ZONE',
      'app.example.com',
      '10.1.1.10',
      'run-1:dns:1',
    );

    expect(changeId).toBe('C123');
    const input = ctx.route53.commandCalls(ChangeResourceRecordSetsCommand)[0]?.args[0].input;
    expect(input?.HostedZoneId).toBe('Z0ZONE');
    expect(input?.ChangeBatch?.Changes).toEqual([
      {
        Action: 'UPSERT',
        ResourceRecordSet: {
          Name: 'app.example.com',
          Type: 'A',
          TTL: 60,
          ResourceRecords: [{ Value: '10.1.1.10' }],
        },
      },
    ]);
  });

  it('uses a CNAME for a host name target', async () => {
    ctx.route53
      .on(ChangeResourceRecordSetsCommand)
      .resolves({ ChangeInfo: { Id: '/change/C9', Status: 'PENDING', SubmittedAt: new Date(0) } });

    await ctx.provider.switchDns('Z0ZONE', 'app.example.com', 'lb-dr.us-west-2.elb.amazonaws.com', 'k');

    const set = ctx.route53.commandCalls(ChangeResourceRecordSetsCommand)[0]?.args[0].input.ChangeBatch
      ?.Changes?.[0]?.ResourceRecordSet;
    expect(set?.Type).toBe('CNAME');
  });

  it('polls GetChange until INSYNC', async () => {
    ctx.route53
      .on(GetChangeCommand)
      .resolvesOnce({ ChangeInfo: { Id: '/change/C123', Status: 'PENDING', SubmittedAt: new Date(0) } })
      .resolvesOnce({ ChangeInfo: { Id: '/change/C123', Status: 'INSYNC', SubmittedAt: new Date(0) } });

    expect(await ctx.provider.dnsStatus('C123')).toBe('PENDING');
    expect(await ctx.provider.dnsStatus('/change/C123')).toBe('INSYNC');
    expect(ctx.route53.commandCalls(GetChangeCommand).map((c) => c.args[0].input.Id)).toEqual([
      'C123',
      'C123',
    ]);
  });
});
