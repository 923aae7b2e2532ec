/**
 * Lambda configuration, read once per cold start and validated as a whole: every missing
 * variable is named in one ConfigError with how to fix it. serverless.yml sets all of these;
 * they matter when someone deploys by other means or runs a handler by hand.
 */
import { ConfigError } from '../config.js';

export interface LambdaConfig {
  /** DynamoDB table of the run store (`DRBOT_TABLE`). */
  table: string;
  /** SQS queue URL of the worker (`DRBOT_QUEUE_URL`). */
  queueUrl: string;
  /** Region of the table and queue (`DRBOT_REGION`): the DR target or a third region. */
  region: string;
  /** Runbook directory, relative to the function root (`DRBOT_RUNBOOK_DIR`). @default runbooks */
  runbookDir: string;
  /** SSM parameter names of the Slack secrets; absent when the value is given directly (tests). */
  secrets: { signingSecretParam?: string; botTokenParam?: string };
}

const HOW = {
  DRBOT_TABLE: "the run-store table name (serverless.yml sets it to the stack's RunTable)",
  DRBOT_QUEUE_URL: "the worker queue URL (serverless.yml sets it to the stack's WorkQueue)",
  DRBOT_REGION: "the region holding the table and queue, e.g. us-west-2 (never a runbook's source region)",
  DRBOT_SLACK_SIGNING_SECRET_PARAM:
    'the SSM parameter name of the Slack signing secret, e.g. /drbot/prod/slack-signing-secret',
  DRBOT_SLACK_BOT_TOKEN_PARAM:
    'the SSM parameter name of the Slack bot token, e.g. /drbot/prod/slack-bot-token',
} as const;

export function readLambdaConfig(env: NodeJS.ProcessEnv = process.env): LambdaConfig {
  const get = (name: string) => env[name]?.trim() || undefined;
  const problems: string[] = [];
  const required = (name: keyof typeof HOW) => {
    const value = get(name);
    if (!value) problems.push(`${name} is not set: ${HOW[name]}.`);
    return value ?? '';
  };
  const table = required('DRBOT_TABLE');
  const queueUrl = required('DRBOT_QUEUE_URL');
  const region = required('DRBOT_REGION');
  if (queueUrl && !/^https?:\/\//.test(queueUrl)) {
    problems.push(`DRBOT_QUEUE_URL "${queueUrl}" is not a URL: ${HOW.DRBOT_QUEUE_URL}.`);
  }
  const secrets: LambdaConfig['secrets'] = {};
  if (!get('SLACK_SIGNING_SECRET')) secrets.signingSecretParam = required('DRBOT_SLACK_SIGNING_SECRET_PARAM');
  if (!get('SLACK_BOT_TOKEN')) secrets.botTokenParam = required('DRBOT_SLACK_BOT_TOKEN_PARAM');
  if (problems.length > 0) throw new ConfigError(problems);
  return { table, queueUrl, region, runbookDir: get('DRBOT_RUNBOOK_DIR') ?? 'runbooks', secrets };
}
