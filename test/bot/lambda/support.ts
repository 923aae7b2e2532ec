/**
 * Lambda test kit: realistic API Gateway v2 / SQS / Scheduler events, a fake SQS port that
 * records SendMessage, a fake SSM holding the Slack secrets, and an AWS runtime on dynalite
 * with a fake Slack Web API on loopback.
 */
import { SendMessageCommand, type SendMessageCommandInput } from '@aws-sdk/client-sqs';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import type { EmbeddedDynamo } from '../../../bot/embedded/dynalite.js';
import { type AwsRuntime, createAwsRuntime } from '../../../bot/runtime/aws.js';
import { ACTION_SPECS } from '../../../engine/actions/catalogue.js';
import { notifyHandler } from '../../../engine/actions/flow/notify.js';
import { waitHandler } from '../../../engine/actions/flow/wait.js';
import { createRegistry } from '../../../engine/actions/types.js';
import { FakeClock, SeededRandom } from '../../../engine/adapters/memory/clock.js';
import type { Runbook } from '../../../engine/runbook/types.js';
import { slackSignature } from '../support/signed.js';

export const SECRET = 'lambda-test-signing-secret';
export const TOKEN = 'xoxb-lambda-test';
export const QUEUE_URL = 'https://sqs.us-west-2.amazonaws.com/123456789012/drbot-test-WorkQueue';

export interface FakeSqs {
  client: { send(command: unknown): Promise<{ MessageId: string }> };
  sent: SendMessageCommandInput[];
  /** Parsed bodies of what was sent, with the delay. */
  messages(): { body: Record<string, unknown>; delay: number | undefined }[];
}

export function fakeSqs(): FakeSqs {
  const sent: SendMessageCommandInput[] = [];
  return {
    sent,
    client: {
      send(command: unknown) {
        if (!(command instanceof SendMessageCommand)) throw new Error('only SendMessage is expected');
        sent.push(command.input);
        return Promise.resolve({ MessageId: `m-${sent.length}` });
      },
    },
    messages: () => sent.map((m) => ({ body: JSON.parse(m.MessageBody ?? '{}'), delay: m.DelaySeconds })),
  };
}

/** SSM Parameter Store with the two Slack secrets under the stage's names. */
export function fakeSsm(values: Record<string, string>) {
  const reads: string[] = [];
  return {
    reads,
    client: {
      send(command: unknown) {
        if (!(command instanceof GetParameterCommand)) throw new Error('only GetParameter is expected');
        const name = command.input.Name ?? '';
        reads.push(name);
        if (!command.input.WithDecryption) throw new Error('SecureStrings must be read WithDecryption');
        const value = values[name];
        if (value === undefined) {
          return Promise.reject(
            Object.assign(new Error(`Parameter ${name} not found.`), { name: 'ParameterNotFound' }),
          );
        }
        return Promise.resolve({ Parameter: { Name: name, Type: 'SecureString', Value: value } });
      },
    },
  };
}

export interface TestRuntimeOptions {
  dynamo: EmbeddedDynamo;
  table: string;
  slackApiUrl: string;
  runbooks: Runbook[];
  sqs: FakeSqs;
  clock?: FakeClock;
  /** Give the engine the flow handlers (wait, notify), as the worker has the cloud's. */
  withHandlers?: boolean;
}

export function lambdaEnv(table: string, slackApiUrl: string): NodeJS.ProcessEnv {
  return {
    DRBOT_TABLE: table,
    DRBOT_QUEUE_URL: QUEUE_URL,
    DRBOT_REGION: 'us-west-2',
    DRBOT_RUNBOOK_DIR: 'runbooks',
    DRBOT_SLACK_SIGNING_SECRET_PARAM: '/drbot/test/slack-signing-secret',
    DRBOT_SLACK_BOT_TOKEN_PARAM: '/drbot/test/slack-bot-token',
    SLACK_API_URL: slackApiUrl,
  };
}

export function testRuntime(options: TestRuntimeOptions): Promise<AwsRuntime> {
  const ssm = fakeSsm({ '/drbot/test/slack-signing-secret': SECRET, '/drbot/test/slack-bot-token': TOKEN });
  return createAwsRuntime({
    env: lambdaEnv(options.table, options.slackApiUrl),
    dynamo: options.dynamo.client,
    sqs: options.sqs.client,
    ssm: ssm.client,
    clock: options.clock ?? new FakeClock(),
    random: new SeededRandom(7),
    runbooks: new Map(options.runbooks.map((r) => [r.metadata.name, r])),
    createTable: true,
    slackMinIntervalMs: 0,
    ...(options.withHandlers
      ? { actions: () => createRegistry(ACTION_SPECS, { wait: waitHandler(), notify: notifyHandler() }) }
      : {}),
  });
}

/** An HTTP API (payload 2.0) event for POST /slack/events, signed now, body base64 as API Gateway sends form bodies. */
export function apiGatewayEvent(
  body: string,
  options: { secret?: string; contentType?: string; timestamp?: number } = {},
) {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': options.contentType ?? 'application/x-www-form-urlencoded',
    'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': slackSignature(options.secret ?? SECRET, timestamp, body),
    host: 'abc123.execute-api.us-west-2.amazonaws.com',
  };
  return {
    version: '2.0',
    routeKey: 'POST /slack/events',
    rawPath: '/slack/events',
    rawQueryString: '',
    headers,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.us-west-2.amazonaws.com',
      http: {
        method: 'POST',
        path: '/slack/events',
        protocol: 'HTTP/1.1',
        sourceIp: '3.3.3.3',
        userAgent: headers['user-agent'],
      },
      requestId: 'req-1',
      routeKey: 'POST /slack/events',
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    body: Buffer.from(body).toString('base64'),
    isBase64Encoded: true,
  };
}

/** An SQS event as Lambda delivers it (batch of one), for a message body the driver sent. */
export function sqsEvent(body: string, messageId = 'msg-1') {
  return sqsBatch([{ body, messageId }]);
}

/** A batch of several messages, as the event source mapping gathers them (batchSize > 1). */
export function sqsBatch(messages: { body: string; messageId: string }[]) {
  return {
    Records: messages.map(({ body, messageId }) => sqsRecord(body, messageId)),
  };
}

function sqsRecord(body: string, messageId: string) {
  return {
    messageId,
    receiptHandle: `rh-${messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(Date.now()),
      SenderId: 'AROAEXAMPLE',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: 'x',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-west-2:123456789012:drbot-test-WorkQueue',
    awsRegion: 'us-west-2',
  };
}

export const lambdaContext = { awsRequestId: 'ctx-1', getRemainingTimeInMillis: () => 60_000 };
