/**
 * The bot's configuration, read from the environment once at start and validated as a whole:
 * every missing or malformed variable is named in one error, with where to find its value.
 */
import { DrbotError } from '../engine/errors.js';
import { DEFAULT_STALE_DAYS, staleDaysFromEnv } from './scorecard/staleness.js';

export interface SlackConfig {
  /** Verifies that HTTP requests come from Slack (not needed in Socket Mode). */
  signingSecret?: string;
  botToken: string;
  /** `xapp-…`: when set, drbot connects with Socket Mode instead of listening for HTTP. */
  appToken?: string;
  /** Web API base, e.g. `https://slack-gov.com/api/` (GovSlack) or a test server. */
  apiUrl?: string;
}

export interface BotConfig {
  slack: SlackConfig;
  /** HTTP port for `drbot serve`. @default 3000 */
  port: number;
  /** Embedded store directory. @default .drbot */
  dataDir: string;
  /** Where runbook YAML files are loaded from. @default runbooks */
  runbookDir: string;
  /** Channel for runs started without one (scheduled drills set their own). */
  defaultChannel?: string;
  /** Days without a successful drill before `/dr list` and the weekly post flag a runbook. @default 14 */
  staleDays?: number;
}

export class ConfigError extends DrbotError {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(
      `drbot cannot start: ${problems.length} setting${problems.length === 1 ? ' is' : 's are'} missing or invalid.`,
      {
        code: 'CONFIG_INVALID',
        explanation: problems.map((p) => `- ${p}`).join('\n'),
        action:
          'Set the variables above (e.g. in a .env file loaded by your shell or in serverless.yml) and start again.',
      },
    );
    this.problems = problems;
  }
}

const HOW: Record<string, string> = {
  SLACK_BOT_TOKEN:
    'the Bot User OAuth Token (xoxb-…) from your Slack app › OAuth & Permissions; `export SLACK_BOT_TOKEN=xoxb-…`',
  SLACK_SIGNING_SECRET:
    'from your Slack app › Basic Information › App Credentials › Signing Secret; `export SLACK_SIGNING_SECRET=…` (or set SLACK_APP_TOKEN to use Socket Mode instead)',
  SLACK_APP_TOKEN:
    'an app-level token with connections:write (xapp-…) from Basic Information › App-Level Tokens',
};

export interface ConfigOverrides {
  port?: number;
  dataDir?: string;
  runbookDir?: string;
}

/** Reads and validates the Slack bot's configuration; throws one ConfigError naming every problem. */
export function loadBotConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: ConfigOverrides = {},
): BotConfig {
  const problems: string[] = [];
  const get = (name: string) => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  const botToken = get('SLACK_BOT_TOKEN');
  const signingSecret = get('SLACK_SIGNING_SECRET');
  const appToken = get('SLACK_APP_TOKEN');
  const apiUrl = get('SLACK_API_URL');

  if (!botToken) problems.push(`SLACK_BOT_TOKEN is not set: ${HOW.SLACK_BOT_TOKEN}.`);
  else if (!botToken.startsWith('xox'))
    problems.push(`SLACK_BOT_TOKEN does not look like a Slack token: ${HOW.SLACK_BOT_TOKEN}.`);
  if (!signingSecret && !appToken)
    problems.push(`SLACK_SIGNING_SECRET is not set: ${HOW.SLACK_SIGNING_SECRET}.`);
  if (appToken && !appToken.startsWith('xapp-'))
    problems.push(`SLACK_APP_TOKEN must start with xapp-: ${HOW.SLACK_APP_TOKEN}.`);

  let normalizedApiUrl: string | undefined;
  if (apiUrl) {
    try {
      const url = new URL(apiUrl);
      normalizedApiUrl = url.href.endsWith('/') ? url.href : `${url.href}/`;
    } catch {
      problems.push(
        `SLACK_API_URL "${apiUrl}" is not a URL: use e.g. https://slack.com/api/ or leave it unset.`,
      );
    }
  }

  let port = overrides.port;
  if (port === undefined) {
    const text = get('PORT');
    port = text === undefined ? 3000 : Number(text);
    if (text !== undefined && !isPort(port))
      problems.push(`PORT "${text}" is not a port number: use 1–65535, e.g. PORT=3000.`);
  } else if (!isPort(port) && port !== 0) {
    problems.push(`--port ${port} is not a port number: use 1–65535.`);
  }

  let staleDays = DEFAULT_STALE_DAYS;
  try {
    staleDays = staleDaysFromEnv(env);
  } catch (err) {
    problems.push((err as Error).message);
  }

  if (problems.length > 0) throw new ConfigError(problems);
  const defaultChannel = get('DRBOT_CHANNEL');
  return {
    slack: {
      botToken: botToken as string,
      ...(signingSecret ? { signingSecret } : {}),
      ...(appToken ? { appToken } : {}),
      ...(normalizedApiUrl ? { apiUrl: normalizedApiUrl } : {}),
    },
    port: port ?? 3000,
    dataDir: overrides.dataDir ?? get('DRBOT_DATA_DIR') ?? '.drbot',
    runbookDir: overrides.runbookDir ?? get('DRBOT_RUNBOOK_DIR') ?? 'runbooks',
    ...(defaultChannel ? { defaultChannel } : {}),
    staleDays,
  };
}

function isPort(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= 65_535;
}
