/** Request shapes of the Cloud Assistant and Alidns calls, against the loopback fake. */
import { afterAll, describe, expect, it } from 'vitest';
import { AGENT_DOCUMENTS, agentDocuments } from '../../../../agent/commands.js';
import { hostRecord } from '../../../../engine/adapters/alibaba/alidns.js';
import { documentScript } from '../../../../engine/adapters/alibaba/cloud-assistant.js';
import { alibabaWorld, COMMAND, closeFakes, DOMAIN, RECORD, SOURCE } from './fixture.js';

afterAll(closeFakes);

describe('Cloud Assistant on Alibaba Cloud', () => {
  it('DescribeCloudAssistantStatus comes first and a missing client refuses the fleet before InvokeCommand', async () => {
    const w = await alibabaWorld();
    const victim = w.fake.ecs.instances.get(w.fleet[1] as string);
    if (victim) victim.cloudAssistant = false;
    const err = await w.cloud
      .runCommand(w.fleet, SOURCE, COMMAND, {}, 'run-1:health:1')
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CLOUD_ASSISTANT_MISSING', context: { instanceIds: [w.fleet[1]] } });
    expect(w.fake.actions('ecs')).toEqual(['DescribeCloudAssistantStatus']);
    expect(await w.cloud.missingCloudAssistant(w.fleet, SOURCE)).toEqual([w.fleet[1]]);
  });

  it('DescribeCloudAssistantStatus is batched: one call per 50 instances (the API page limit)', async () => {
    const w = await alibabaWorld();
    const ids = Array.from(
      { length: 120 },
      () => w.fake.ecs.addInstance({ RegionId: SOURCE, ZoneId: 'cn-hangzhou-h' }).InstanceId,
    );
    expect(await w.cloud.missingCloudAssistant(ids, SOURCE)).toEqual([]);
    const calls = w.fake.calls.filter((c) => c.action === 'DescribeCloudAssistantStatus');
    expect(calls.map((c) => Object.keys(c.params).filter((k) => k.startsWith('InstanceId.')).length)).toEqual(
      [50, 50, 20],
    );
  });

  it('InvokeCommand carries the ClientToken and every custom parameter; a retried step invokes once', async () => {
    const w = await alibabaWorld();
    const docs = agentDocuments().filter((d) => d.name === AGENT_DOCUMENTS.health);
    await w.cloud.ensureDocuments(SOURCE, docs);
    const params = { urls: ['http://localhost/healthz'] };
    const a = await w.cloud.runCommand(w.fleet, SOURCE, AGENT_DOCUMENTS.health, params, 'run-1:health:1');
    const b = await w.cloud.runCommand(w.fleet, SOURCE, AGENT_DOCUMENTS.health, params, 'run-1:health:1');
    expect(b.commandId).toBe(a.commandId);
    expect(w.fake.ecs.invocations.size).toBe(1);
    const invoke = w.fake.calls.find((c) => c.action === 'InvokeCommand');
    expect(invoke?.params.ClientToken).toBe('run-1:health:1#0');
    expect(JSON.parse(invoke?.params.Parameters ?? '{}')).toMatchObject({ urls: 'http://localhost/healthz' });
  });

  it('DescribeInvocationResults reports each instance, with PlainText output and the exit code', async () => {
    const w = await alibabaWorld();
    const { commandId } = await w.cloud.runCommand(w.fleet, SOURCE, COMMAND, {}, 'run-1:cmd:1');
    expect((await w.cloud.commandStatus(commandId, SOURCE)).done).toBe(false);
    w.fake.advance(10_000);
    const result = await w.cloud.commandStatus(commandId, SOURCE);
    expect(result.done).toBe(true);
    expect(result.invocations).toEqual(
      w.fleet.map((instanceId) => ({ instanceId, status: 'success', exitCode: 0, stdout: 'ok\n' })),
    );
    expect(w.fake.calls.find((c) => c.action === 'DescribeInvocationResults')?.params.ContentEncoding).toBe(
      'PlainText',
    );
  });

  it('CreateCommand / ModifyCommand: ensureDocuments describes before create and converts the SSM document to a shell script', async () => {
    const w = await alibabaWorld();
    const docs = agentDocuments();
    const first = await w.cloud.ensureDocuments(SOURCE, docs);
    // the installer embeds the agent and is over Cloud Assistant's 18 KB: never created
    expect(first[AGENT_DOCUMENTS.install]).toBeUndefined();
    expect(Object.keys(first).length).toBe(docs.length - 1);
    expect(Object.values(first).every((o) => o === 'created')).toBe(true);
    expect(Object.values(await w.cloud.ensureDocuments(SOURCE, docs)).every((o) => o === 'unchanged')).toBe(
      true,
    );
    const health = docs.find((d) => d.name === AGENT_DOCUMENTS.health);
    const changed = [
      {
        name: AGENT_DOCUMENTS.health,
        content: (health?.content ?? '').replace('drbot-agent', 'drbot-agent2'),
      },
    ];
    expect(await w.cloud.ensureDocuments(SOURCE, changed)).toEqual({ [AGENT_DOCUMENTS.health]: 'updated' });
    const created = w.fake.calls.find((c) => c.action === 'CreateCommand');
    expect(created?.params).toMatchObject({ Type: 'RunShellScript', EnableParameter: 'true' });
    const script = Buffer.from(created?.params.CommandContent ?? '', 'base64').toString('utf8');
    expect(script.startsWith('#!/bin/sh\n')).toBe(true);
    expect(documentScript(health?.content ?? '')).toContain('drbot-agent');
    expect(w.fake.actions()).toContain('ModifyCommand');
  });
});

describe('Alidns on Alibaba Cloud', () => {
  it('UpdateDomainRecord changes the A record found by DescribeSubDomainRecords; INSYNC once DescribeDomainRecordInfo shows it', async () => {
    const w = await alibabaWorld();
    const { changeId } = await w.cloud.switchDns(DOMAIN, RECORD, '10.1.1.20', 'run-1:dns:1');
    const update = w.fake.calls.find((c) => c.action === 'UpdateDomainRecord');
    expect(update?.params).toMatchObject({ RR: 'app', Type: 'A', Value: '10.1.1.20' });
    expect(await w.cloud.dnsStatus(changeId)).toBe('INSYNC');
  });

  it('UpdateDomainRecord is skipped when the record already has the value (a retried step)', async () => {
    const w = await alibabaWorld();
    await w.cloud.switchDns(DOMAIN, RECORD, '192.168.1.10', 'run-1:dns:1');
    expect(w.fake.actions('alidns')).toEqual(['DescribeSubDomainRecords']);
  });

  it('a CNAME target and a missing record: CNAME type, and a refusal when there is no record to update', async () => {
    const w = await alibabaWorld();
    await w.cloud.switchDns(DOMAIN, RECORD, 'app-dr.shop.example.com', 'run-1:dns:1');
    expect(w.fake.calls.find((c) => c.action === 'UpdateDomainRecord')?.params.Type).toBe('CNAME');
    const err = await w.cloud
      .switchDns(DOMAIN, 'nope.shop.example.com', '10.0.0.1', 'k')
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'DNS_RECORD_AMBIGUOUS' });
    expect(hostRecord('shop.example.com', 'shop.example.com')).toBe('@');
  });
});
