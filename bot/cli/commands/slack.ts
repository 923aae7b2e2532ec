/**
 * `drbot slack manifest [--url https://…] [--socket-mode]`: prints the Slack app manifest (JSON,
 * which Slack's "From an app manifest" accepts), so creating the app is one paste.
 */
import type { Command } from 'commander';
import { slackManifest } from '../../slack/manifest.js';

export function registerSlackCommand(program: Command): void {
  const slack = program.command('slack').description('Slack app setup.');
  slack
    .command('manifest')
    .description('Print the Slack app manifest: the /dr command, interactivity, scopes, Socket Mode.')
    .option('--url <url>', 'public https base URL of drbot (HTTP mode); /slack/events is appended')
    .option('--socket-mode', 'use Socket Mode (no public URL; needs SLACK_APP_TOKEN=xapp-…)')
    .option('--name <name>', 'app and bot name', 'drbot')
    .action((options: { url?: string; socketMode?: boolean; name: string }) => {
      if (options.url !== undefined && !/^https:\/\/[^\s/]+/.test(options.url)) {
        process.stderr.write(
          `error: --url ${options.url} is not an https URL.\n  why: Slack sends slash commands and button clicks only to https endpoints.\n  next: run \`drbot slack manifest --url https://<your-host>\`, or \`drbot slack manifest --socket-mode\` for no public URL.\n`,
        );
        process.exitCode = 2;
        return;
      }
      if (options.url === undefined && !options.socketMode) {
        process.stderr.write(
          'note: no --url given: the manifest has https://<your-host> placeholders (or use --socket-mode).\n',
        );
      }
      const manifest = slackManifest({
        ...(options.url ? { url: options.url } : {}),
        ...(options.socketMode ? { socketMode: true } : {}),
        name: options.name,
      });
      process.stdout.write(`${JSON.stringify(manifest, null, 2)}\n`);
    });
}
