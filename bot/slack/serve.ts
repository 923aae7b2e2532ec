/**
 * `drbot serve`: the Slack app on the local runtime (embedded store, simulated cloud by default),
 * listening for signed HTTP requests or connected with Socket Mode. Tests and the ack bench start
 * it in-process on a loopback port with the in-memory store.
 */
import type { LogLevel } from '@slack/bolt';
import type { Clock, Notifier } from '../../engine/ports.js';
import { isTerminal } from '../../engine/run.js';
import type { BotConfig } from '../config.js';
import { healEndedRuns } from '../runtime/heal.js';
import { createLocalRuntime, type LocalRuntime, type LocalRuntimeOptions } from '../runtime/local.js';
import { type LocalSchedulesOptions, startLocalSchedules } from '../scorecard/local-schedules.js';
import { withScorecard } from '../scorecard/notifier.js';
import { commandDrillStarter, pacedScorecardPoster, slackChannelPoster } from '../scorecard/slack.js';
import { DEFAULT_STALE_DAYS } from '../scorecard/staleness.js';
import { createSlackBot, type SlackBot } from './app.js';

export interface ServeOptions {
  config: BotConfig;
  /** Interface to listen on. @default 0.0.0.0 */
  host?: string;
  /** Local runtime settings (in-memory store, latency, clock …); notifier and directory are Slack's. */
  runtime?: Omit<LocalRuntimeOptions, 'notifier' | 'directory'>;
  /** Resolve groups from the local directory file instead of Slack user groups. @default false */
  localDirectory?: boolean;
  /** Per-channel pacing of Slack updates. @default 1000 */
  updateIntervalMs?: number;
  logLevel?: LogLevel;
  /** Run the runbooks' `schedule` entries in-process with croner. @default true */
  schedules?: boolean;
  /** Receives the started schedules (to print the next firing; tests). */
  onSchedules?: LocalSchedulesOptions['onStarted'];
}

export interface Served {
  /** The bound HTTP port (undefined in Socket Mode). */
  port?: number;
  socketMode: boolean;
  bot: SlackBot;
  runtime: LocalRuntime;
  close(): Promise<void>;
}

export async function startServe(options: ServeOptions): Promise<Served> {
  const { config } = options;
  const clock: Clock = options.runtime?.clock ?? { now: () => Date.now() };
  const staleDays = config.staleDays ?? DEFAULT_STALE_DAYS;
  const log = (message: string, err?: unknown) => console.error(message, err);
  let runtime: LocalRuntime | undefined;
  const bot = await createSlackBot({
    slack: config.slack,
    clock,
    ...(options.updateIntervalMs === undefined ? {} : { updateIntervalMs: options.updateIntervalMs }),
    ...(config.defaultChannel ? { defaultChannel: config.defaultChannel } : {}),
    ...(options.logLevel ? { logLevel: options.logLevel } : {}),
    services: async ({ notifier, directory, client }) => {
      // The engine is built with this notifier, and the scorecard needs the engine's store: the
      // wrapper is made once the runtime exists (no event is published before that).
      let scorecarded: Notifier = notifier;
      runtime = await createLocalRuntime({
        dataDir: config.dataDir,
        runbooksDir: config.runbookDir,
        ...options.runtime,
        clock,
        notifier: { publish: (run, events) => scorecarded.publish(run, events) },
        ...(options.localDirectory ? {} : { directory }),
      });
      const rt = runtime;
      scorecarded = withScorecard({
        inner: notifier,
        store: rt.store,
        clock,
        // in the thread after the final summary, paced like every other post
        post: pacedScorecardPoster(notifier, client, rt.store),
        scorecard: { staleDays },
        log,
      });
      return {
        engine: rt.engine,
        store: rt.store,
        runbooks: () => rt.runbooks,
        runbookIssues: () => rt.runbookIssues,
        directory: rt.directory,
        clock: rt.clock,
        driver: rt.driver,
        runbookDir: `${config.runbookDir}/`,
        staleDays,
        ...(rt.network ? { readiness: { cloud: rt.cloud, network: rt.network } } : {}),
      };
    },
  });
  const rt = runtime as unknown as LocalRuntime;
  let stopSchedules: () => void = () => undefined;
  try {
    const started = await bot.start(config.port, options.host ?? '0.0.0.0');
    // Runs left in flight by an earlier process continue where they stopped (waiting ones too:
    // their approval timeouts need a wake-up); ended ones get their audit trail repaired.
    await healEndedRuns(bot.services);
    for (const summary of await rt.store.listRuns({ limit: 50 })) {
      if (!isTerminal(summary.status)) rt.driver.kick(summary.id);
    }
    if (options.schedules ?? true) {
      stopSchedules = startLocalSchedules(bot.services, rt.runbooks.values(), {
        deps: {
          post: slackChannelPoster(bot.app.client),
          start: commandDrillStarter(bot.services),
          staleDays,
        },
        ...(options.onSchedules ? { onStarted: options.onSchedules } : {}),
      });
    }
    return {
      ...(started.port === undefined ? {} : { port: started.port }),
      socketMode: started.socketMode,
      bot,
      runtime: rt,
      async close() {
        stopSchedules();
        // An advance cut off mid-way would hold its run's lease until it expires; let it finish.
        await rt.driver.stop();
        await bot.stop();
        await bot.notifier.idle().catch(() => undefined);
        await rt.close();
      },
    };
  } catch (err) {
    stopSchedules();
    await bot.stop();
    await rt.close();
    throw err;
  }
}
