/**
 * `drbot serve`: the Slack app on the local runtime (embedded store, simulated cloud by default),
 * listening for signed HTTP requests or connected with Socket Mode. Tests and the ack bench start
 * it in-process on a loopback port with the in-memory store. With `provider: 'aws'` it acts on AWS
 * and keeps its state in the DynamoDB table DRBOT_TABLE, shared by every replica: a sweeper kicks
 * unfinished runs (leases keep one replica per run) and a lock per firing keeps a scheduled drill
 * from starting once per replica.
 */
import type { LogLevel } from '@slack/bolt';
import { DrbotError } from '../../engine/errors.js';
import type { Clock, Notifier, RunStore } from '../../engine/ports.js';
import { isTerminal } from '../../engine/run.js';
import { mayAwaitCommit } from '../../engine/tier/commit-policy.js';
import type { BotConfig } from '../config.js';
import { type AwsStore, openAwsStore, readAwsStoreConfig } from '../runtime/aws-store.js';
import { healEndedRuns } from '../runtime/heal.js';
import { createLocalRuntime, type LocalRuntime, type LocalRuntimeOptions } from '../runtime/local.js';
import type { ProviderName } from '../runtime/provider.js';
import { type RunSweeper, startRunSweeper } from '../runtime/sweeper.js';
import { type LocalSchedulesOptions, startLocalSchedules } from '../scorecard/local-schedules.js';
import { withScorecard } from '../scorecard/notifier.js';
import { commandDrillStarter, pacedScorecardPoster, slackChannelPoster } from '../scorecard/slack.js';
import { DEFAULT_STALE_DAYS } from '../scorecard/staleness.js';
import { runScheduledDrill } from '../scorecard/weekly.js';
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
  /**
   * `aws`: act on AWS, with the run store in the DynamoDB table DRBOT_TABLE; `alibaba`: act on
   * Alibaba Cloud (credentials chain), runs in the embedded store. @default sim
   */
  provider?: ProviderName;
  /** Settings of `provider: 'aws'`. */
  aws?: ServeAwsOptions;
}

export interface ServeAwsOptions {
  /** Where DRBOT_TABLE, AWS_REGION, AWS_ENDPOINT_URL_DYNAMODB … are read. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Create the table (the project's own definition) when it is missing. @default false */
  createTable?: boolean;
  /** Pause between sweeps for runs another replica started or left behind. @default 15000 */
  sweepMs?: number;
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
  const provider = options.provider ?? 'sim';
  const awsStore = provider === 'aws' ? openServeAwsStore(options) : undefined;
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
        ...(awsStore ? { provider: 'aws' as const, store: awsStore.store } : {}),
        // self-hosted on Alibaba Cloud: its ECS/Cloud Assistant/Alidns clients, the embedded store
        ...(provider === 'alibaba' ? { provider: 'alibaba' as const } : {}),
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
        ...(rt.network
          ? {
              readiness: {
                cloud: rt.cloud,
                network: rt.network,
                ...(rt.replication ? { replication: rt.replication } : {}),
              },
            }
          : {}),
      };
    },
  });
  const rt = runtime as unknown as LocalRuntime;
  let stopSchedules: () => void = () => undefined;
  let sweeper: RunSweeper | undefined;
  try {
    if (awsStore) await checkTable(awsStore, options.aws?.createTable ?? false);
    const started = await bot.start(config.port, options.host ?? '0.0.0.0');
    // Runs left in flight by an earlier process continue where they stopped (waiting ones too:
    // their approval timeouts need a wake-up, and ended failovers their commit timeout); ended ones get their audit trail repaired.
    await healEndedRuns(bot.services);
    for (const summary of await rt.store.listRuns({ limit: 50 })) {
      if (!isTerminal(summary.status) || mayAwaitCommit(summary)) rt.driver.kick(summary.id);
    }
    if (awsStore) {
      sweeper = startRunSweeper({
        store: rt.store,
        driver: rt.driver,
        ...(options.aws?.sweepMs === undefined ? {} : { intervalMs: options.aws.sweepMs }),
        log,
      });
    }
    if (options.schedules ?? true) {
      const deps = {
        post: slackChannelPoster(bot.app.client),
        start: commandDrillStarter(bot.services),
        staleDays,
      };
      const owner = `serve-${process.pid}-${clock.now().toString(36)}`;
      stopSchedules = startLocalSchedules(bot.services, rt.runbooks.values(), {
        deps,
        // replicas share the table: the first to claim a firing posts and starts it
        ...(awsStore
          ? {
              onDue: async (entry) => {
                if (!(await claimFiring(rt.store, entry, owner, clock.now()))) return;
                return runScheduledDrill({ ...deps, services: bot.services }, entry);
              },
            }
          : {}),
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
        sweeper?.stop();
        // An advance cut off mid-way would hold its run's lease until it expires; let it finish.
        await rt.driver.stop();
        await bot.stop();
        await bot.notifier.idle().catch(() => undefined);
        await rt.close();
        await awsStore?.close();
      },
    };
  } catch (err) {
    stopSchedules();
    sweeper?.stop();
    await bot.stop();
    await rt.close();
    await awsStore?.close();
    throw err;
  }
}

function openServeAwsStore(options: ServeOptions): AwsStore {
  if (options.runtime?.inMemory) {
    throw new DrbotError('--memory cannot be combined with --provider aws', {
      code: 'SERVE_OPTIONS_CONFLICT',
      explanation:
        'On AWS every run, approval and lease lives in the DynamoDB table DRBOT_TABLE, so replicas and restarts share them.',
      action: 'Leave out --memory (or use --provider sim to try drbot without AWS).',
    });
  }
  return openAwsStore(readAwsStoreConfig(options.aws?.env ?? process.env), {
    createTable: options.aws?.createTable ?? false,
  });
}

/** Fails at start, with the remedy, when the table is missing (rather than on the first command). */
async function checkTable(awsStore: AwsStore, createTable: boolean): Promise<void> {
  try {
    await awsStore.store.listRuns({ limit: 1 });
  } catch (err) {
    if (!createTable && err instanceof DrbotError && err.code === 'STORE_TABLE_NOT_FOUND') {
      throw new DrbotError(err.message, {
        code: err.code,
        explanation: `${err.explanation} drbot serve --provider aws keeps runs in DRBOT_TABLE (${awsStore.config.table}${awsStore.config.region ? ` in ${awsStore.config.region}` : ''}).`,
        action:
          "Start once with --create-table to create it, point DRBOT_TABLE at the deployed stack's table, or check AWS_REGION.",
        cause: err,
      });
    }
    throw err;
  }
}

/** One replica per scheduled firing: a lock named after the entry and the minute it fired. */
async function claimFiring(
  store: RunStore,
  entry: { runbook: string; mode: string; index?: number },
  owner: string,
  now: number,
): Promise<boolean> {
  const minute = Math.floor(now / 60_000);
  const name = `schedule:${entry.runbook}:${entry.mode}:${entry.index ?? 0}:${minute}`;
  return (await store.acquireLock(name, owner, now)).acquired;
}
