/**
 * drs.installAgent on AWS (aws-sdk-client-mock): it asks the region for AWS's published installer
 * document (DescribeDocument) and runs it when present; only a region without it gets drbot's own
 * document (CreateDocument) first.
 */
import {
  CreateDocumentCommand,
  DescribeDocumentCommand,
  ListCommandsCommand,
  SendCommandCommand,
} from '@aws-sdk/client-ssm';
import { afterEach, describe, expect, it } from 'vitest';
import { installAgentHandler } from '../../../../engine/actions/drs/install-agent.js';
import { AWS_DRS_INSTALLER_DOCUMENT } from '../../../../engine/actions/drs/installer-document.js';
import type { CloudProvider } from '../../../../engine/cloud/provider.js';
import { DRS_INSTALLER_DOCUMENT, type ReplicationPort } from '../../../../engine/cloud/replication.js';
import type { Runbook } from '../../../../engine/runbook/types.js';
import { makeRunbook } from '../../../helpers/runbook.js';
import { runAction } from '../../actions/fixtures.js';
import { awsError, mockedProvider } from './aws-test-helpers.js';

const base = makeRunbook({ steps: [] });
const WARM: Runbook = {
  ...base,
  spec: { ...base.spec, protect: { method: 'drs', tags: { 'dr-tier': 'warm' } } },
};
const INSTANCE = 'i-0123456789abcdef0';

/** The provider with SSM mocked, command results and DRS answered directly (not under test here). */
function setup() {
  const ctx = mockedProvider();
  ctx.ssm.on(ListCommandsCommand).resolves({ Commands: [] });
  ctx.ssm.on(SendCommandCommand).resolves({ Command: { CommandId: 'cmd-1' } });
  const cloud = Object.create(ctx.provider) as CloudProvider;
  cloud.commandStatus = async () => ({
    commandId: 'cmd-1',
    done: true,
    invocations: [{ instanceId: INSTANCE, status: 'success' }],
  });
  const replication = {
    sourceServers: async () => [
      {
        sourceServerId: 's-1',
        region: 'us-west-2',
        sourceInstanceId: INSTANCE,
        replicationState: 'CONTINUOUS',
        backlogBytes: 0,
        tags: {},
      },
    ],
  } as unknown as ReplicationPort;
  const handler = installAgentHandler({ cloud, replication, pollIntervalMs: 1_000 });
  return { ...ctx, handler };
}

const sent = (ctx: ReturnType<typeof setup>) =>
  ctx.ssm.commandCalls(SendCommandCommand).map((c) => c.args[0].input);

describe('drs.installAgent on AWS: the installer document', () => {
  let ctx = setup();
  afterEach(() => {
    ctx.ssm.restore();
    ctx = setup();
  });

  it("runs AWS's published document when the region has it, creating nothing", async () => {
    ctx.ssm
      .on(DescribeDocumentCommand, { Name: AWS_DRS_INSTALLER_DOCUMENT })
      .resolves({ Document: { Name: AWS_DRS_INSTALLER_DOCUMENT, Owner: 'Amazon' } });
    const { result, notes } = await runAction(
      ctx.handler,
      ctx.clock,
      { instances: [INSTANCE] },
      {
        runbook: WARM,
        mode: 'failover',
      },
    );
    expect(result.outputs?.sourceServerIds).toEqual(['s-1']);
    expect(ctx.ssm.commandCalls(DescribeDocumentCommand)[0]?.args[0].input).toEqual({
      Name: AWS_DRS_INSTALLER_DOCUMENT,
    });
    expect(ctx.ssm.commandCalls(CreateDocumentCommand)).toHaveLength(0);
    expect(sent(ctx)).toHaveLength(1);
    expect(sent(ctx)[0]).toMatchObject({
      DocumentName: AWS_DRS_INSTALLER_DOCUMENT,
      InstanceIds: [INSTANCE],
      Parameters: { Region: ['us-west-2'] },
    });
    expect(notes.join('\n')).toContain(`AWS's document ${AWS_DRS_INSTALLER_DOCUMENT}`);
  });

  it("creates drbot's document and runs it when the region lacks AWS's", async () => {
    ctx.ssm.on(DescribeDocumentCommand).rejects(awsError('InvalidDocument', 'Document does not exist.'));
    ctx.ssm.on(CreateDocumentCommand).resolves({});
    await runAction(ctx.handler, ctx.clock, { instances: [INSTANCE] }, { runbook: WARM, mode: 'failover' });
    const asked = ctx.ssm.commandCalls(DescribeDocumentCommand).map((c) => c.args[0].input.Name);
    expect(asked).toEqual([AWS_DRS_INSTALLER_DOCUMENT, DRS_INSTALLER_DOCUMENT]);
    expect(ctx.ssm.commandCalls(CreateDocumentCommand)[0]?.args[0].input).toMatchObject({
      Name: DRS_INSTALLER_DOCUMENT,
      DocumentType: 'Command',
    });
    expect(sent(ctx)[0]).toMatchObject({
      DocumentName: DRS_INSTALLER_DOCUMENT,
      Parameters: { Region: ['us-west-2'] },
    });
  });
});
