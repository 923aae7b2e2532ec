/**
 * The worker process of the kill-and-resume drill (test/reliability/kill-resume.test.ts): the
 * local runtime's pieces (embedded dynalite ON DISK, the sim restored from and persisted to the
 * store, the real action registry, the engine, the local driver) wired as `drbot run` wires them.
 *
 * On start it resumes every run that is not terminal (kick), then starts new drills until
 * `drills` exist, and runs everything to the end. With `killAfter` = K it SIGKILLs itself at the
 * K-th store or cloud operation boundary (before or after the call), a seeded random point
 * chosen by the parent: the kill can land between an intent and its cloud call, between a cloud
 * call and the save of its result, or between a run save and its audit append.
 *
 *   node --import tsx drill-worker.ts '<json WorkerOptions>'
 *
 * Prints one JSON line `{ done: true, ... }` when it finishes without being killed.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmbeddedDynamo } from '../../../bot/embedded/dynalite.js';
import { simStateStore } from '../../../bot/runtime/sim-provider.js';
import { createActionRegistry } from '../../../engine/actions/registry.js';
import { DynamoRunStore } from '../../../engine/adapters/dynamodb/store.js';
import { FakeClock, SeededRandom } from '../../../engine/adapters/memory/clock.js';
import { generateWorld } from '../../../engine/adapters/sim/generate-world.js';
import { SimCloud } from '../../../engine/adapters/sim/sim-cloud.js';
import { LocalDriver } from '../../../engine/driver/local-driver.js';
import { createEngine } from '../../../engine/executor/index.js';
import type { RunStore } from '../../../engine/ports.js';
import { isTerminal } from '../../../engine/run.js';
import { loadRunbook } from '../../../engine/runbook/load.js';

export interface WorkerOptions {
  dataDir: string;
  /** Protected instances in the generated world. */
  instances: number;
  /** Drills to have started in total; the worker starts new ones until there are this many. */
  drills: number;
  /** SIGKILL at this operation boundary; 0 never. */
  killAfter: number;
  /** Seeds the engine's jitter and ids (distinct per process). */
  seed: number;
  /** Lease length in fake ms: a killed worker's lease blocks its successor this long. */
  leaseMs: number;
  /** Fake ms between the end of one drill and the start of the next (a drill cadence). @default 0 */
  gapMs?: number;
}

/** A drill without agent steps: the kill points of interest are launches, polls and cleanup. */
export const DRILL_RUNBOOK = `apiVersion: drbot/v1
kind: Runbook
metadata: { name: chaos-tier, description: Kill-and-resume drill }
spec:
  source: { region: us-east-1 }
  target: { region: us-west-2 }
  objectives: { rto: 15m, rpo: 24h }
  protect: { tags: { dr-tier: app } }
  access: { drill: { users: ["*"] } }
  defaults: { instanceType: t3.large }
  modes:
    drill:
      steps:
        - { id: rpo-gate, action: recovery.latestPoint, with: { maxAge: 24h } }
        - id: launch
          action: ec2.launch
          needs: [rpo-gate]
          with: { launchType: TEST, from: "\${{ steps.rpo-gate.outputs.points }}", network: drill }
          retry: { maxAttempts: 3, initialInterval: 10s, backoffCoefficient: 2 }
        - id: wait-healthy
          action: ec2.waitHealthy
          needs: [launch]
          with: { instances: "\${{ steps.launch.outputs.instanceIds }}" }
          rto: end
      cleanup:
        - id: terminate
          action: ec2.terminate
          with: { runOwned: true }
          retry: { maxAttempts: 5, initialInterval: 30s, backoffCoefficient: 2 }
`;

const STORE_METHODS = [
  'createRun',
  'getRun',
  'saveRun',
  'listRuns',
  'appendAudit',
  'listAudit',
  'acquireLease',
  'releaseLease',
  'acquireLock',
  'releaseLock',
  'openGate',
  'getGate',
  'recordApproval',
  'decideGate',
  'putDoc',
  'getDoc',
] as const;

/** Counts operation boundaries and kills the process at the chosen one. */
export function killSwitch(killAfter: number): { boundary: () => void; ops: () => number } {
  let ops = 0;
  const boundary = () => {
    ops += 1;
    if (killAfter > 0 && ops >= killAfter) process.kill(process.pid, 'SIGKILL');
  };
  return { boundary, ops: () => ops };
}

export function instrumentStore(
  inner: RunStore,
  boundary: () => void,
  extra: readonly (keyof RunStore)[] = [],
): RunStore {
  const store = Object.create(inner) as RunStore;
  for (const method of [...STORE_METHODS, ...extra]) {
    const original = (inner[method] as (...args: unknown[]) => Promise<unknown>).bind(inner);
    (store as unknown as Record<string, unknown>)[method] = async (...args: unknown[]) => {
      boundary();
      const result = await original(...args);
      boundary();
      return result;
    };
  }
  return store;
}

/**
 * The fake clock continues from the last process's high-water mark (written synchronously on
 * every move, so a SIGKILL cannot lose it) plus one lease: the successor never waits long.
 */
export function durableClock(dataDir: string, leaseMs: number): FakeClock {
  const file = join(dataDir, 'clock.txt');
  let start = Date.UTC(2026, 0, 5, 9, 0, 0);
  try {
    start = Number(readFileSync(file, 'utf8')) + leaseMs + 1;
  } catch {
    // first process: the fixed start
  }
  const clock = new FakeClock(start);
  const save = () => writeFileSync(file, String(clock.now()));
  const advanceTo = clock.advanceTo.bind(clock);
  const advance = clock.advance.bind(clock);
  clock.advanceTo = (at) => {
    advanceTo(at);
    save();
  };
  clock.advance = (ms) => {
    advance(ms);
    save();
  };
  save();
  return clock;
}

/** Every cloud call is two operation boundaries (before and after), like the store's. */
export function instrumentCloud(sim: SimCloud, boundary: () => void): SimCloud {
  return new Proxy(sim, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function' || prop === 'snapshot' || prop === 'constructor') return value;
      return async (...args: unknown[]) => {
        boundary();
        const result = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        boundary();
        return result;
      };
    },
  });
}

export async function runWorker(options: WorkerOptions): Promise<Record<string, unknown>> {
  const kill = killSwitch(options.killAfter);
  const boundary = kill.boundary;
  const clock = durableClock(options.dataDir, options.leaseMs);
  const random = new SeededRandom(options.seed);
  const dynamo = await startEmbeddedDynamo({ dataDir: join(options.dataDir, 'dynamo') });
  try {
    const store = instrumentStore(
      new DynamoRunStore({ client: dynamo.client, tableName: 'drbot', createTable: true }),
      boundary,
    );
    const states = simStateStore(store);
    const saved = await states.load();
    const sim = new SimCloud({
      world: generateWorld({ instances: options.instances }),
      clock,
      random,
      state: saved,
      persist: (state) => states.save(state),
    });
    const cloud = instrumentCloud(sim, boundary);
    const engine = createEngine({
      store,
      clock,
      random,
      notifier: { publish: async () => undefined },
      directory: { membersOf: async () => [] },
      actions: createActionRegistry({ cloud }),
      leaseMs: options.leaseMs,
      owner: `worker-${options.seed}`,
      concurrency: 50,
    });
    const driver = new LocalDriver({ engine, clock, busyRetryMs: 1_000 });
    const runbook = loadRunbook(DRILL_RUNBOOK, 'chaos-tier.yaml');
    let resumed = 0;
    for (const summary of await store.listRuns({ runbook: 'chaos-tier', limit: 1000 })) {
      if (isTerminal(summary.status)) {
        // A kill between an ended run's save and its last audit append: reading it repairs the trail.
        await engine.getRun(summary.id);
        continue;
      }
      resumed += 1;
      await driver.runToCompletion(summary.id);
    }
    let started = (await store.listRuns({ runbook: 'chaos-tier', limit: 1000 })).length;
    while (started < options.drills) {
      if (started > 0 && options.gapMs) clock.advance(options.gapMs);
      const run = await engine.startRun({ runbook, mode: 'drill', initiator: 'chaos' });
      started += 1;
      await driver.runToCompletion(run.id);
    }
    return { done: true, resumed, started, ops: kill.ops() };
  } finally {
    await dynamo.close();
  }
}

const isMain = process.argv[1]?.endsWith('drill-worker.ts') || process.argv[1]?.endsWith('drill-worker.mjs');
if (isMain) {
  const options = JSON.parse(process.argv[2] ?? '{}') as WorkerOptions;
  const result = await runWorker(options);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
