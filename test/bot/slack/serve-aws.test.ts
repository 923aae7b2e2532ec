/**
 * `drbot serve --provider aws`, composed in-process: the run store is a DynamoDB table on dynalite
 * (reached through AWS_ENDPOINT_URL_DYNAMODB, created with --create-table), EC2 is mocked with
 * aws-sdk-client-mock, and Slack's Web API is faked on loopback. Requests are signed as Slack signs
 * them. A second replica on the same table finishes a run the first one left.
 */
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeSnapshotsCommand,
  DescribeVolumesCommand,
  EC2Client,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { SSMClient } from '@aws-sdk/client-ssm';
import { LogLevel } from '@slack/bolt';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { BotConfig } from '../../../bot/config.js';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '../../../bot/embedded/dynalite.js';
import type { LocalSchedule } from '../../../bot/scorecard/local-schedules.js';
import { type Served, startServe } from '../../../bot/slack/serve.js';
import { DynamoRunStore } from '../../../engine/adapters/dynamodb/store.js';
import { createTableInput } from '../../../engine/adapters/dynamodb/table-definition.js';
import { isTerminal, type Run } from '../../../engine/run.js';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack.js';
import { runIdOf, textOf } from '../support/served.js';
import { postSigned, slashCommandBody } from '../support/signed.js';

const SECRET = 'serve-aws-signing-secret';
const PROTECTED = 'i-0aws0000000000001';
const ec2 = mockClient(EC2Client);
const ssm = mockClient(SSMClient);

let dynamo: EmbeddedDynamo;
let slack: FakeSlack;
let tables = 0;
const open: Served[] = [];

function mockEc2(): void {
  ec2.reset();
  ssm.reset();
  ec2.on(DescribeInstancesCommand).callsFake((input: { Filters?: { Name?: string }[] }) => {
    const names = (input.Filters ?? []).map((f) => f.Name);
    // the protected fleet by its tag; run-owned lookups (cleanup) find nothing: nothing was launched
    if (!names.includes('tag:dr-tier')) return { Reservations: [] };
    return {
      Reservations: [
        {
          Instances: [
            {
              InstanceId: PROTECTED,
              InstanceType: 't3.medium',
              State: { Name: 'running' },
              SubnetId: 'subnet-0aws1',
              PrivateIpAddress: '10.0.1.4',
              Tags: [{ Key: 'dr-tier', Value: 'app' }],
            },
          ],
        },
      ],
    };
  });
  ec2.on(DescribeVolumesCommand).resolves({ Volumes: [] });
  ec2.on(DescribeImagesCommand).resolves({
    Images: [
      {
        ImageId: 'ami-0aws0000000000001',
        State: 'available',
        Tags: [
          { Key: 'drbot:source-instance', Value: PROTECTED },
          { Key: 'drbot:captured-at', Value: new Date(Date.now() - 10 * 60_000).toISOString() },
        ],
      },
    ],
  });
  ec2.on(DescribeSnapshotsCommand).resolves({ Snapshots: [] });
}

beforeAll(async () => {
  dynamo = await startEmbeddedDynamo({ port: 0 });
  slack = await startFakeSlack({ S0SRE: ['bob', 'carol'] });
});

afterEach(async () => {
  for (const served of open.splice(0)) await served.close();
  vi.unstubAllEnvs();
});

afterAll(async () => {
  ec2.restore();
  ssm.restore();
  await slack?.close();
  await dynamo?.close();
});

/** The environment a container would get: the table, the region, the endpoint, credentials. */
function awsEnv(table: string): NodeJS.ProcessEnv {
  const env = {
    DRBOT_TABLE: table,
    AWS_REGION: 'us-west-2',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ACCESS_KEY_ID: 'AKIDSERVETEST',
    AWS_SECRET_ACCESS_KEY: 'serve-test-secret',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  // the SDK's credential chain reads the process environment, as in a container
  for (const [key, value] of Object.entries(env)) vi.stubEnv(key, value);
  return env;
}

async function serveAws(
  env: NodeJS.ProcessEnv,
  sweepMs = 60_000,
  onSchedules?: (schedules: LocalSchedule[]) => void,
): Promise<Served> {
  const config: BotConfig = {
    slack: { signingSecret: SECRET, botToken: 'xoxb-serve-aws', apiUrl: slack.apiUrl },
    port: 0,
    dataDir: '.drbot-unused',
    runbookDir: 'test/fixtures/serve-aws',
  };
  const served = await startServe({
    config,
    host: '127.0.0.1',
    provider: 'aws',
    aws: { env, createTable: true, sweepMs },
    updateIntervalMs: 20,
    logLevel: LogLevel.ERROR,
    schedules: onSchedules !== undefined,
    ...(onSchedules ? { onSchedules } : {}),
  });
  open.push(served);
  return served;
}

function slash(served: Served, text: string, user: string) {
  const url = `http://127.0.0.1:${served.port}/slack/events`;
  return postSigned(url, slashCommandBody({ text, user, responseUrl: slack.responseUrl(`aws-${user}`) }), {
    secret: SECRET,
  });
}

async function waitForEnd(store: DynamoRunStore, runId: string, timeoutMs = 20_000): Promise<Run> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const run = await store.getRun(runId);
    if (run && isTerminal(run.status)) return run;
    if (Date.now() > until) throw new Error(`run ${runId} is still ${run?.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function regionOf(call: { thisValue: unknown }): Promise<string> {
  return (call.thisValue as EC2Client).config.region();
}

describe('drbot serve --provider aws', () => {
  it('handles a signed /dr drill end to end on the DRBOT_TABLE table, acting on EC2 in the runbook regions', async () => {
    mockEc2();
    tables += 1;
    const table = `drbot-serve-aws-${tables}`;
    const served = await serveAws(awsEnv(table));
    // --create-table made the table from the project's own definition
    const { Table } = await dynamo.client.send(new DescribeTableCommand({ TableName: table }));
    expect(Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName).sort()).toEqual(
      createTableInput(table)
        .GlobalSecondaryIndexes?.map((i) => i.IndexName)
        .sort(),
    );
    expect(served.runtime.store).toBeInstanceOf(DynamoRunStore);
    expect((served.runtime.store as DynamoRunStore).tableName).toBe(table);

    const ack = await slash(served, 'drill app-tier', 'alice');
    expect(ack.status).toBe(200);
    const runId = runIdOf(ack);
    const run = await waitForEnd(served.runtime.store as DynamoRunStore, runId);
    expect(run.status).toBe('succeeded');
    expect(run.steps['cleanup:terminate']?.status).toBe('succeeded');

    // the RPO gate read the fleet in the source region and the points in the recovery region
    const fleet = ec2
      .commandCalls(DescribeInstancesCommand)
      .filter((c) => JSON.stringify(c.args[0].input).includes('tag:dr-tier'));
    expect(fleet.length).toBeGreaterThan(0);
    expect(await regionOf(fleet[0] as { thisValue: unknown })).toBe('us-east-1');
    const images = ec2.commandCalls(DescribeImagesCommand);
    expect(images).toHaveLength(1);
    expect(await regionOf(images[0] as { thisValue: unknown })).toBe('us-west-2');
    // cleanup looked for this run's instances only, in the recovery region
    const owned = ec2
      .commandCalls(DescribeInstancesCommand)
      .find((c) => JSON.stringify(c.args[0].input).includes('tag:drbot:run-id'));
    expect(owned?.args[0].input.Filters).toContainEqual({ Name: 'tag:drbot:run-id', Values: [runId] });
    expect(await regionOf(owned as { thisValue: unknown })).toBe('us-west-2');
    expect(ec2.commandCalls(RunInstancesCommand)).toHaveLength(0);

    // the same Slack rendering as on the sim: a status message for the run, updated to its outcome
    await served.bot.notifier.idle();
    const parent = await served.runtime.store.getDoc<{ ts: string }>('slack-message', runId);
    expect(parent?.ts).toBeDefined();
    const updates = slack.callsOf('chat.update').filter((c) => c.body.ts === parent?.ts);
    expect(textOf(updates.at(-1)?.body.blocks)).toContain('Succeeded');
  });

  it('a second replica on the same table finishes a run the first one left in flight', async () => {
    mockEc2();
    tables += 1;
    const env = awsEnv(`drbot-serve-aws-${tables}`);
    const first = await serveAws(env);
    const second = await serveAws(env, 50);
    const store = first.runtime.store as DynamoRunStore;

    const runId = runIdOf(await slash(first, 'drill app-tier', 'alice'));
    // the first replica starts the 2 s wait, then goes away (a rolling deploy)
    for (let i = 0; i < 400; i++) {
      if ((await store.getRun(runId))?.steps.settle?.status === 'running') break;
      await new Promise((r) => setTimeout(r, 10));
    }
    expect((await store.getRun(runId))?.steps.settle?.status).toBe('running');
    await first.close();
    open.splice(open.indexOf(first), 1);

    const run = await waitForEnd(second.runtime.store as DynamoRunStore, runId);
    expect(run.status).toBe('succeeded');
    // leases kept the replicas from both acting: every step started exactly once
    const started = (await store.listAudit(runId)).filter((e) => e.kind === 'step.started');
    const perStep = new Map<string, number>();
    for (const e of started) {
      const key = String((e as { stepKey?: string }).stepKey);
      perStep.set(key, (perStep.get(key) ?? 0) + 1);
    }
    expect(Object.fromEntries(perStep)).toEqual({ 'rpo-gate': 1, settle: 1, 'cleanup:terminate': 1 });
    expect(ec2.commandCalls(DescribeImagesCommand)).toHaveLength(1);
  });

  it('a scheduled drill that fires on two replicas is announced and started once', async () => {
    mockEc2();
    tables += 1;
    const env = awsEnv(`drbot-serve-aws-${tables}`);
    const schedules: LocalSchedule[] = [];
    const first = await serveAws(env, 60_000, (s) => schedules.push(...s));
    await serveAws(env, 60_000, (s) => schedules.push(...s));
    expect(schedules).toHaveLength(2);
    const announced = () =>
      slack.callsOf('chat.postMessage').filter((c) => String(c.body.text).includes('Weekly drill')).length;
    const before = announced();
    await Promise.all(schedules.map((s) => s.trigger()));
    const runs = await first.runtime.store.listRuns({});
    expect(runs).toHaveLength(1);
    expect(announced() - before).toBe(1);
    await waitForEnd(first.runtime.store as DynamoRunStore, runs[0]?.id as string);
  });

  it('refuses to start without DRBOT_TABLE, naming the variable', async () => {
    const config: BotConfig = {
      slack: { signingSecret: SECRET, botToken: 'xoxb-serve-aws', apiUrl: slack.apiUrl },
      port: 0,
      dataDir: '.drbot-unused',
      runbookDir: 'test/fixtures/serve-aws',
    };
    await expect(
      startServe({ config, host: '127.0.0.1', provider: 'aws', aws: { env: {} }, schedules: false }),
    ).rejects.toThrow(/setting is missing/);
    await expect(
      startServe({ config, host: '127.0.0.1', provider: 'aws', aws: { env: {} }, schedules: false }),
    ).rejects.toMatchObject({ explanation: expect.stringContaining('DRBOT_TABLE') });
  });

  it('without --create-table, a missing table stops the start with the remedy', async () => {
    tables += 1;
    const env = awsEnv(`drbot-serve-aws-missing-${tables}`);
    const config: BotConfig = {
      slack: { signingSecret: SECRET, botToken: 'xoxb-serve-aws', apiUrl: slack.apiUrl },
      port: 0,
      dataDir: '.drbot-unused',
      runbookDir: 'test/fixtures/serve-aws',
    };
    await expect(
      startServe({ config, host: '127.0.0.1', provider: 'aws', aws: { env }, schedules: false }),
    ).rejects.toMatchObject({
      code: 'STORE_TABLE_NOT_FOUND',
      action: expect.stringContaining('--create-table'),
    });
  });
});
