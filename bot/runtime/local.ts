/**
 * The local runtime behind `npm start`, `drbot run` and `drbot protect`: the embedded DynamoDB
 * (dynalite, data under `.drbot/`) or an in-memory store, the simulated cloud restored from that
 * store (or AWS), the action registry, the engine and the in-process driver, wired once.
 */

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createActionRegistry } from '../../engine/actions/registry.js';
import { DynamoRunStore } from '../../engine/adapters/dynamodb/store.js';
import { MemoryRunStore } from '../../engine/adapters/memory/store.js';
import type { WorldFaults } from '../../engine/adapters/sim/world.js';
import { systemClock, systemRandom } from '../../engine/adapters/system.js';
import type { Engine } from '../../engine/api.js';
import type { DatabasePort } from '../../engine/cloud/database.js';
import type { ObjectStoragePort } from '../../engine/cloud/object-storage.js';
import type { CloudProvider } from '../../engine/cloud/provider.js';
import type { ReplicationPort } from '../../engine/cloud/replication.js';
import { LocalDriver } from '../../engine/driver/local-driver.js';
import { timersFor } from '../../engine/driver/timers.js';
import { createEngine } from '../../engine/executor/engine.js';
import type { NetworkCloud } from '../../engine/network/ports.js';
import type { Clock, Directory, Notifier, Random, RunStore } from '../../engine/ports.js';
import type { RunProvider } from '../../engine/run.js';
import type { RunbookIssue } from '../../engine/runbook/errors.js';
import type { Runbook } from '../../engine/runbook/types.js';
import { startEmbeddedDynamo } from '../embedded/dynalite.js';
import { loadRunbookDir } from '../runbooks/repository.js';
import { loadLocalDirectory } from './directory.js';
import {
  createDataPorts,
  createNetworkCloud,
  createProvider,
  createReplication,
  type ProviderName,
} from './provider.js';
import { runProviderOf } from './run-provider.js';

export interface LocalRuntimeOptions {
  /** Where the embedded store (and the sim's agent sandboxes) keep their files. @default .drbot */
  dataDir?: string;
  /** Use an in-memory store instead of dynalite: nothing survives the process. @default false */
  inMemory?: boolean;
  /** @default the system clock (pass a FakeClock to skip time, as `--fast` does) */
  clock?: Clock;
  /** @default Math.random */
  random?: Random;
  /** Multiplies the sim's latencies; small values make `npm start` feel alive. @default 0.1 */
  latencyScale?: number;
  /** Faults injected into the sim, replacing the world's. @default the world's faults */
  faults?: WorldFaults;
  /** @default sim */
  provider?: ProviderName;
  /** Receives every audit event (progress lines, the terminal chat). @default none */
  notifier?: Notifier;
  /** @default runbooks/sim/directory.yaml */
  directory?: Directory;
  /** Where runbooks (and sim/world.yaml, sim/directory.yaml) live. @default runbooks */
  runbooksDir?: string;
  /** Run the real agent script for `Drbot*` documents in the sim. @default true */
  agent?: boolean;
  /** Table name in the embedded DynamoDB. @default drbot */
  tableName?: string;
  /**
   * A store to use instead of the embedded one (`drbot serve --provider aws`: the DRBOT_TABLE
   * table); its owner closes it. @default the embedded dynalite, or memory with `inMemory`
   */
  store?: RunStore;
}

export interface LocalRuntime {
  engine: Engine;
  store: RunStore;
  cloud: CloudProvider;
  /** What runs started here record as their provider; runs of another one are not driven here. */
  provider: RunProvider;
  /** The cloud's network side (replication, blueprints, doctor): the sim's SimNetwork, AWS or Alibaba Cloud. */
  network?: NetworkCloud;
  /** The cloud's data tier (the sim's SimDatabase / SimObjectStorage, or RDS and S3). */
  database: DatabasePort;
  objectStorage: ObjectStoragePort;
  /** Elastic Disaster Recovery (the sim's model, or DRS). */
  replication?: ReplicationPort;
  driver: LocalDriver;
  /** Valid runbooks by name. */
  runbooks: Map<string, Runbook>;
  /** Problems found while loading the runbook directory (invalid files are left out of `runbooks`). */
  runbookIssues: RunbookIssue[];
  directory: Directory;
  clock: Clock;
  /** Stops the driver's timers, the embedded store and removes temporary sandboxes. */
  close(): Promise<void>;
}

const silentNotifier: Notifier = { publish: () => Promise.resolve() };

export async function createLocalRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  // Absolute, because the sim runs the agent script with the sandbox as its root from another cwd.
  const dataDir = resolve(options.dataDir ?? '.drbot');
  const runbooksDir = options.runbooksDir ?? 'runbooks';
  const clock = options.clock ?? systemClock;
  const random = options.random ?? systemRandom;
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const fn of closers.splice(0).reverse()) await fn().catch(() => undefined);
  };
  try {
    let store: RunStore;
    if (options.store) {
      store = options.store;
    } else if (options.inMemory) {
      store = new MemoryRunStore();
    } else {
      const dynamo = await startEmbeddedDynamo({ dataDir: join(dataDir, 'dynamo') });
      closers.push(() => dynamo.close());
      store = new DynamoRunStore({
        client: dynamo.client,
        tableName: options.tableName ?? 'drbot',
        createTable: true,
      });
    }
    let sandboxRoot: string | undefined;
    if ((options.agent ?? true) && (options.provider ?? 'sim') === 'sim') {
      if (options.inMemory) {
        const tmp = await mkdtemp(join(tmpdir(), 'drbot-sandbox-'));
        closers.push(() => rm(tmp, { recursive: true, force: true }));
        sandboxRoot = tmp;
      } else {
        sandboxRoot = join(dataDir, 'sandbox');
      }
    }
    const provider = options.provider ?? 'sim';
    const latencyScale = options.latencyScale ?? 0.1;
    // the sim's completion events wake runs through the driver (created below, once the engine is)
    let driverRef: LocalDriver | undefined;
    const timers = timersFor(clock);
    closers.push(async () => timers.clear());
    const simOptions = {
      wakeups: { waker: { wake: (runId: string, why: string) => driverRef?.wake(runId, why) }, timers },
      worldFile: join(runbooksDir, 'sim', 'world.yaml'),
      store,
      clock,
      random,
      latencyScale,
      faults: options.faults,
      sandboxRoot,
    };
    const cloud = await createProvider(provider, simOptions);
    const data = await createDataPorts(provider, simOptions);
    // polls follow the sim's pace: a tenth of the latencies, a tenth of the poll interval
    const pollIntervalMs = provider === 'sim' ? Math.max(250, Math.round(5_000 * latencyScale)) : 5_000;
    const network = await createNetworkCloud(provider, cloud);
    const replication = await createReplication(provider, cloud);
    const actions = createActionRegistry({
      cloud,
      pollIntervalMs,
      store,
      ...(network ? { network } : {}),
      database: data.database,
      objectStorage: data.objectStorage,
      ...(replication ? { replication } : {}),
    });
    const directory =
      options.directory ??
      (await loadLocalDirectory(join(runbooksDir, 'sim', 'directory.yaml'), provider !== 'sim'));
    const runProvider = runProviderOf(provider);
    const engine = createEngine({
      store,
      clock,
      random,
      // per-process entropy for run ids, even when `random` is seeded (`--fast`, `--seed`)
      idEntropy: systemRandom,
      notifier: options.notifier ?? silentNotifier,
      directory,
      actions,
      provider: runProvider,
    });
    const driver = new LocalDriver({ engine, clock });
    driverRef = driver;
    closers.push(async () => driver.stop());
    const { runbooks, issues } = await loadRunbookDir(runbooksDir);
    return {
      engine,
      store,
      cloud,
      provider: runProvider,
      ...(network ? { network } : {}),
      database: data.database,
      objectStorage: data.objectStorage,
      ...(replication ? { replication } : {}),
      driver,
      runbooks,
      runbookIssues: issues,
      directory,
      clock,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
