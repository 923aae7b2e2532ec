/**
 * `drbot serve`: the Slack app on the local runtime (embedded store, simulated cloud by default),
 * listening for signed HTTP requests or connected with Socket Mode. Tests and the ack bench start
 * it in-process on a loopback port with the in-memory store.
 */
import type { LogLevel } from '@slack/bolt';
import type { Clock } from '../../engine/ports.js';
import type { BotConfig } from '../config.js';
import { createLocalRuntime, type LocalRuntime, type LocalRuntimeOptions } from '../runtime/local.js';
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
  let runtime: LocalRuntime | undefined;
  const bot = await createSlackBot({
    slack: config.slack,
    clock,
    ...(options.updateIntervalMs === undefined ? {} : { updateIntervalMs: options.updateIntervalMs }),
    ...(config.defaultChannel ? { defaultChannel: config.defaultChannel } : {}),
    ...(options.logLevel ? { logLevel: options.logLevel } : {}),
    services: async ({ notifier, directory }) => {
      runtime = await createLocalRuntime({
        dataDir: config.dataDir,
        runbooksDir: config.runbookDir,
        ...options.runtime,
        clock,
        notifier,
        ...(options.localDirectory ? {} : { directory }),
      });
      const rt = runtime;
      return {
        engine: rt.engine,
        store: rt.store,
        runbooks: () => rt.runbooks,
        directory: rt.directory,
        clock: rt.clock,
        driver: rt.driver,
        runbookDir: `${config.runbookDir}/`,
      };
    },
  });
  const rt = runtime as unknown as LocalRuntime;
  try {
    const started = await bot.start(config.port, options.host ?? '0.0.0.0');
    // Runs left in flight by an earlier process continue where they stopped.
    for (const summary of await rt.store.listRuns({ limit: 50 })) {
      if (summary.status === 'running') rt.driver.kick(summary.id);
    }
    return {
      ...(started.port === undefined ? {} : { port: started.port }),
      socketMode: started.socketMode,
      bot,
      runtime: rt,
      async close() {
        await bot.stop();
        await bot.notifier.idle().catch(() => undefined);
        await rt.close();
      },
    };
  } catch (err) {
    await bot.stop();
    await rt.close();
    throw err;
  }
}
