/**
 * Builds the Slack app: Bolt with the HTTP receiver (signature verification on, request times
 * within 5 minutes either way) or Socket Mode
 * when an app token is configured, the Slack notifier and directory, and the shared listeners.
 * The engine side (store, cloud, driver) is built by the caller from the notifier and directory,
 * because the engine publishes to the notifier and the notifier renders the engine's runs.
 */
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import type { Clock, Directory, Notifier } from '../../engine/ports.js';
import type { SlackConfig } from '../config.js';
import { commandDrillStarter, registerScheduleActions } from '../scorecard/slack.js';
import type { BotServices } from '../services.js';
import { SlackDirectory } from './directory.js';
import { registerListeners } from './listeners.js';
import { SlackNotifier } from './notifier.js';
import { guardRequestListener } from './request-time.js';

export interface SlackBotOptions {
  slack: SlackConfig;
  clock: Clock;
  /**
   * Builds the engine side once the Slack notifier and directory exist; `client` is the app's
   * Web API client (to post scorecards and scheduled announcements).
   */
  services: (slack: {
    notifier: Notifier;
    directory: Directory;
    client: App['client'];
  }) => Promise<BotServices>;
  /** Per-channel pacing of Slack updates. @default 1000 */
  updateIntervalMs?: number;
  /** How long user-group members are cached. @default 60_000 */
  directoryTtlMs?: number;
  /** Channel for runs started without one. */
  defaultChannel?: string;
  /** @default LogLevel.WARN */
  logLevel?: LogLevel;
}

export interface SlackBot {
  app: App;
  notifier: SlackNotifier;
  services: BotServices;
  /** Listens for HTTP on `port` (0 for any) or connects with Socket Mode; resolves the bound port. */
  start(port: number, host?: string): Promise<{ port?: number; socketMode: boolean }>;
  stop(): Promise<void>;
}

export async function createSlackBot(options: SlackBotOptions): Promise<SlackBot> {
  const { slack } = options;
  const socketMode = slack.appToken !== undefined;
  const clientOptions = slack.apiUrl ? { slackApiUrl: slack.apiUrl } : {};
  const logLevel = options.logLevel ?? LogLevel.WARN;
  const receiver = socketMode
    ? undefined
    : new HTTPReceiver({
        signingSecret: slack.signingSecret ?? '',
        endpoints: ['/slack/events', '/slack/commands', '/slack/actions'],
        // Ack as soon as the listener calls ack(); the follow-up (kicking the driver) runs after.
        processBeforeResponse: false,
        logLevel,
      });
  // Bolt refuses old timestamps only; refuse future ones too (request-time.ts)
  if (receiver) guardRequestListener(receiver);
  const app = new App({
    token: slack.botToken,
    clientOptions,
    logLevel,
    ...(socketMode ? { socketMode: true, appToken: slack.appToken } : { receiver }),
  });

  let services: BotServices | undefined;
  const notifier = new SlackNotifier({
    client: app.client,
    store: {
      // The notifier only needs the store for docs and gates, which exist once services do.
      getDoc: (kind, id) => required(services).store.getDoc(kind, id),
      putDoc: (kind, id, doc) => required(services).store.putDoc(kind, id, doc),
      getGate: (runId, stepKey) => required(services).store.getGate(runId, stepKey),
    } as BotServices['store'],
    clock: options.clock,
    runbookOf: (run) => required(services).engine.runbookOf(run),
    minIntervalMs: options.updateIntervalMs ?? 1000,
    ...(options.defaultChannel ? { defaultChannel: options.defaultChannel } : {}),
  });
  const directory = new SlackDirectory({
    client: app.client,
    clock: options.clock,
    ttlMs: options.directoryTtlMs ?? 60_000,
  });
  services = await options.services({ notifier, directory, client: app.client });
  const ready = services;

  registerListeners(app, ready, {
    onApprovalChanged: async (runId, stepKey) =>
      notifier.refreshApproval(await ready.engine.getRun(runId), stepKey),
  });
  // The "Start drill" button of `auto: false` schedules (posted by the local schedules).
  registerScheduleActions(app, ready, commandDrillStarter(ready));

  return {
    app,
    notifier,
    services: ready,
    async start(port, host = '0.0.0.0') {
      if (socketMode) {
        await app.start();
        return { socketMode: true };
      }
      const server = (await app.start({ port, host })) as unknown as
        | { address(): AddressInfo | string | null }
        | undefined;
      const address = server?.address();
      return { port: typeof address === 'object' && address ? address.port : port, socketMode: false };
    },
    async stop() {
      notifier.close();
      await app.stop().catch(() => undefined);
    },
  };
}

function required(services: BotServices | undefined): BotServices {
  if (!services) throw new Error('drbot: the Slack notifier was used before the engine was built');
  return services;
}
