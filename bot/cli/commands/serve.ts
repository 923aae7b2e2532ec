/**
 * `drbot serve [--port N] [--provider aws [--create-table]]`: the Slack bot. Bolt's HTTP receiver
 * verifies every request's signature (for Slack through a tunnel or a gateway); with
 * SLACK_APP_TOKEN set it connects with Socket Mode instead and needs no public URL. With
 * `--provider aws` it acts on AWS and keeps runs in the DynamoDB table DRBOT_TABLE.
 */
import type { Command } from 'commander';
import { ConfigError, loadBotConfig } from '../../config.js';
import { parseProvider } from '../../runtime/provider.js';
import { scheduleLines } from '../../shell/schedules.js';
import { startServe } from '../../slack/serve.js';
import { reportFailure } from './plan.js';

interface ServeFlags {
  port?: string;
  host: string;
  dataDir?: string;
  dir?: string;
  memory?: boolean;
  localDirectory?: boolean;
  provider: string;
  createTable?: boolean;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description(
      'Run the Slack bot: HTTP with signature verification, or Socket Mode when SLACK_APP_TOKEN is set.',
    )
    .option('--port <n>', 'HTTP port (env PORT, default 3000)')
    .option('--host <host>', 'interface to listen on', '0.0.0.0')
    .option('--data-dir <dir>', 'embedded store directory (env DRBOT_DATA_DIR, default .drbot)')
    .option('--dir <dir>', 'runbook directory (env DRBOT_RUNBOOK_DIR, default runbooks)')
    .option('--memory', 'keep runs in memory only')
    .option(
      '--provider <name>',
      'sim (simulated cloud, embedded store), aws (DynamoDB table DRBOT_TABLE) or alibaba (Alibaba Cloud, embedded store)',
      'sim',
    )
    .option('--create-table', 'with --provider aws: create DRBOT_TABLE when it is missing')
    .option(
      '--local-directory',
      'resolve groups from runbooks/sim/directory.yaml instead of Slack user groups',
    )
    .addHelpText(
      'after',
      '\nEnvironment: SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET (HTTP) or SLACK_APP_TOKEN (Socket Mode),\n' +
        'SLACK_API_URL (GovSlack or a test server), PORT, DRBOT_DATA_DIR, DRBOT_CHANNEL,\n' +
        'with --provider aws: DRBOT_TABLE, AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL_<SERVICE>,\n' +
        'with --provider alibaba: ALIBABA_CLOUD_ACCESS_KEY_ID / _SECRET (or a RAM role), ALIBABA_CLOUD_ENDPOINT_ECS / _VPC / _ALIDNS,\n' +
        'DRBOT_STALE_DAYS (days without a successful drill before a runbook is flagged, default 14).\n' +
        "The runbooks' schedule entries run in-process (croner) while serve is up.\n" +
        'Slack app: slash command /dr and interactivity both point at https://<host>/slack/events.',
    )
    .action(async (flags: ServeFlags) => {
      try {
        const provider = parseProvider(flags.provider);
        const port = flags.port === undefined ? undefined : Number(flags.port);
        const config = loadBotConfig(process.env, {
          ...(port === undefined ? {} : { port }),
          ...(flags.dataDir ? { dataDir: flags.dataDir } : {}),
          ...(flags.dir ? { runbookDir: flags.dir } : {}),
        });
        const served = await startServe({
          config,
          host: flags.host,
          ...(flags.memory ? { runtime: { inMemory: true } } : {}),
          ...(flags.localDirectory ? { localDirectory: true } : {}),
          provider,
          ...(flags.createTable ? { aws: { createTable: true } } : {}),
          onSchedules: (schedules) => {
            if (schedules.length > 0) process.stdout.write(`${scheduleLines(schedules).join('\n')}\n`);
          },
        });
        process.stdout.write(
          served.socketMode
            ? 'drbot is connected to Slack with Socket Mode. Try /dr help in a channel the bot is in.\n'
            : `drbot is listening on http://${flags.host}:${served.port}/slack/events (signed requests only).\n`,
        );
        const stop = async () => {
          await served.close();
          process.exit(0);
        };
        process.once('SIGINT', () => void stop());
        process.once('SIGTERM', () => void stop());
      } catch (err) {
        if (err instanceof ConfigError) {
          process.stderr.write(`${err.message}\n${err.explanation}\n${err.action}\n`);
          process.exitCode = 2;
          return;
        }
        reportFailure(err);
      }
    });
}
