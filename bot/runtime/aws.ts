/**
 * The AWS runtime: everything a Lambda handler needs, composed once per cold start and reused
 * by every invocation of the container. DynamoDB store, AWS cloud, Slack notifier/directory,
 * the engine, and the SQS driver. Configuration is validated before anything is built, so a
 * missing variable fails the first invocation with one message naming every problem.
 */

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { WebClient } from '@slack/web-api';
import { ACTION_SPECS } from '../../engine/actions/catalogue.js';
import { type ActionRegistry, createRegistry } from '../../engine/actions/types.js';
import { DynamoRunStore } from '../../engine/adapters/dynamodb/store.js';
import { SqsRunDriver } from '../../engine/adapters/sqs/driver.js';
import { systemClock, systemRandom } from '../../engine/adapters/system.js';
import type { Engine } from '../../engine/api.js';
import { createEngine } from '../../engine/executor/engine.js';
import type { Clock, Random, RunStore } from '../../engine/ports.js';
import type { Runbook } from '../../engine/runbook/types.js';
import { loadBotConfig } from '../config.js';
import { type LambdaConfig, readLambdaConfig } from '../lambda/config.js';
import { readSecret } from '../lambda/secrets.js';
import { withScorecard } from '../scorecard/notifier.js';
import { pacedScorecardPoster } from '../scorecard/slack.js';
import { staleDaysFromEnv } from '../scorecard/staleness.js';
import type { BotServices } from '../services.js';
import { SlackDirectory } from '../slack/directory.js';
import { SlackNotifier } from '../slack/notifier.js';
import { runProviderOf } from './run-provider.js';

/** Replacements for tests: loopback dynalite, fake SQS/SSM, a Slack client on a fake API, the sim. */
export interface AwsRuntimeOptions {
  /** @default process.env */
  env?: NodeJS.ProcessEnv;
  dynamo?: DynamoDBClient;
  sqs?: Pick<SQSClient, 'send'>;
  ssm?: Pick<SSMClient, 'send'>;
  /**
   * The action handlers. Only the worker executes steps, so it passes the AWS cloud's handlers;
   * the slack and scheduler functions keep the default (the catalogue without handlers), which
   * keeps the EC2/SSM/Route 53 clients out of their bundles and their cold starts.
   * @default the action catalogue without handlers
   */
  actions?: (deps: { clock: Clock; store: RunStore }) => ActionRegistry;
  clock?: Clock;
  random?: Random;
  /**
   * The runbooks the function serves: a map, or a loader given DRBOT_RUNBOOK_DIR
   * (packaged-runbooks.ts; slack and scheduler). The worker passes an empty map: it advances runs
   * from their snapshots and starts none. Required, so no function is left without by mistake.
   */
  runbooks: Map<string, Runbook> | ((dir: string, env: NodeJS.ProcessEnv) => Promise<Map<string, Runbook>>);
  /** Create the table when missing (dynalite in tests; the stack owns it on AWS). @default false */
  createTable?: boolean;
  /** Slack updates are coalesced per channel; tests set 0. @default 1000 */
  slackMinIntervalMs?: number;
}

export interface AwsRuntime {
  config: LambdaConfig;
  services: BotServices;
  engine: Engine;
  store: RunStore;
  driver: SqsRunDriver;
  slack: WebClient;
  notifier: SlackNotifier;
  signingSecret: string;
  botToken: string;
  /** Days without a successful drill before a runbook is flagged (DRBOT_STALE_DAYS). */
  staleDays: number;
  /** Waits (at most `maxMs`) until queued Slack updates are sent; call before a handler returns. */
  flush(maxMs?: number): Promise<void>;
}

export async function createAwsRuntime(options: AwsRuntimeOptions): Promise<AwsRuntime> {
  const env = options.env ?? process.env;
  const config = readLambdaConfig(env);
  const ssm = options.ssm ?? new SSMClient({ region: config.region });
  const [signingSecret, botToken] = await Promise.all([
    config.secrets.signingSecretParam
      ? readSecret(ssm, config.secrets.signingSecretParam)
      : env.SLACK_SIGNING_SECRET,
    config.secrets.botTokenParam ? readSecret(ssm, config.secrets.botTokenParam) : env.SLACK_BOT_TOKEN,
  ]);
  // The shared bot config validates the Slack values (token shape, API URL) with the same messages.
  const bot = loadBotConfig({ ...env, SLACK_SIGNING_SECRET: signingSecret, SLACK_BOT_TOKEN: botToken });

  const staleDays = staleDaysFromEnv(env);
  const clock = options.clock ?? systemClock;
  const runbooks =
    typeof options.runbooks === 'function'
      ? await options.runbooks(config.runbookDir, env)
      : options.runbooks;
  const store = new DynamoRunStore({
    client: options.dynamo ?? new DynamoDBClient({ region: config.region }),
    tableName: config.table,
    createTable: options.createTable ?? false,
  });
  const slack = new WebClient(bot.slack.botToken, bot.slack.apiUrl ? { slackApiUrl: bot.slack.apiUrl } : {});
  const driver = new SqsRunDriver({
    client: options.sqs ?? new SQSClient({ region: config.region }),
    queueUrl: config.queueUrl,
  });
  const directory = new SlackDirectory({ client: slack, clock });
  const log = (message: string, err?: unknown) => console.error(message, err);

  let engine: Engine | undefined;
  const notifier = new SlackNotifier({
    client: slack,
    store,
    clock,
    runbookOf: (run) => (engine ? engine.runbookOf(run) : Promise.resolve(undefined)),
    ...(bot.defaultChannel ? { defaultChannel: bot.defaultChannel } : {}),
    ...(options.slackMinIntervalMs === undefined ? {} : { minIntervalMs: options.slackMinIntervalMs }),
    log,
  });
  engine = createEngine({
    store,
    clock,
    random: options.random ?? systemRandom,
    directory,
    actions: options.actions ? options.actions({ clock, store }) : createRegistry(ACTION_SPECS),
    provider: runProviderOf('aws', env),
    notifier: withScorecard({
      inner: notifier,
      store,
      clock,
      post: pacedScorecardPoster(notifier, slack, store),
      scorecard: { staleDays },
      log,
    }),
  });

  const services: BotServices = {
    engine,
    store,
    runbooks: () => runbooks,
    directory,
    clock,
    driver,
    runbookDir: `${config.runbookDir}/`,
    staleDays,
    log,
    // No `readiness`: the slack function's role has no EC2/SSM read rights, so `/dr doctor` answers
    // DOCTOR_UNAVAILABLE there and points at `drbot doctor <runbook> --provider aws`.
  };
  return {
    config,
    services,
    engine,
    store,
    driver,
    slack,
    notifier,
    signingSecret: bot.slack.signingSecret ?? '',
    botToken: bot.slack.botToken,
    staleDays,
    flush: (maxMs = 5_000) => flushWithin(notifier, maxMs),
  };
}

async function flushWithin(notifier: SlackNotifier, maxMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, maxMs);
  });
  try {
    await Promise.race([notifier.idle(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

let shared: Promise<AwsRuntime> | undefined;

/**
 * The container's runtime, built on first use with the first caller's options (one container
 * runs one function); a failed build is retried by the next invocation.
 */
export function getAwsRuntime(options: AwsRuntimeOptions): Promise<AwsRuntime> {
  if (!shared) {
    shared = createAwsRuntime(options);
    shared.catch(() => {
      shared = undefined;
    });
  }
  return shared;
}
