/**
 * Engine overhead bench: a 1000-step wide DAG of fixed 20 ms actions at concurrency 50, driven
 * with real timers. Prints JSON lines: wall time ÷ critical path (ceil(steps/concurrency) × 20 ms)
 * and store writes per step transition (a step has two: started and ended), with the ratio's
 * target and whether it is met. `bytesPerTransition`: on DynamoDB the request bytes sent per
 * transition (what write units follow; `requestMiB` is the run's total), on the memory store the
 * run text it serialized per transition (its copy). On DynamoDB it also prints the item writes
 * the store really sent per transition (an audit append is one write per audit page it touches).
 *
 *   npx tsx bench/engine.ts            # BENCH_RUNS=7 rounds (default), medians
 *
 * A single run is noise on a shared 2-core machine: each store's line is the median of
 * `BENCH_RUNS` runs (every run's ratio in `ratios`), beside a `timers-only` line, the floor.
 *
 * Stores come from `STORES` factories: memory, and DynamoDB (embedded dynalite over loopback).
 */

import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { startEmbeddedDynamo } from '../bot/embedded/dynalite.js';
import { DynamoRunStore } from '../engine/adapters/dynamodb/store.js';
import { SeededRandom } from '../engine/adapters/memory/clock.js';
import { MemoryRunStore } from '../engine/adapters/memory/store.js';
import { systemClock } from '../engine/adapters/system.js';
import { LocalDriver } from '../engine/driver/local-driver.js';
import { createEngine } from '../engine/executor/index.js';
import type { RunStore } from '../engine/ports.js';
import { createTestActions } from '../test/helpers/actions.js';
import { makeRunbook } from '../test/helpers/runbook.js';
import { startDynaliteProcess } from './peers/dynalite-server.js';

/** What a store really sent to its database (or copied into itself), for stores that can tell. */
interface StoreTraffic {
  itemWrites?: number;
  requestBytes: number;
  /** Of those, the bytes of run item writes (saves), where the store can tell. */
  runItemBytes?: number;
}

export interface BenchStore {
  name: string;
  /** Issue #20's target for wall / critical path on this store (none: a figure beside one that has it). */
  target?: number;
  create(): Promise<{ store: RunStore; close(): Promise<void>; traffic?: () => StoreTraffic }>;
}

const WRITE_METHODS = [
  'createRun',
  'saveRun',
  'appendAudit',
  'acquireLease',
  'releaseLease',
  'acquireLock',
  'releaseLock',
  'openGate',
  'recordApproval',
  'decideGate',
  'putDoc',
] as const;

/** Wraps a store to count write calls (an appendAudit of n events counts n item writes). */
export function countingStore(inner: RunStore): { store: RunStore; writes: () => number } {
  let writes = 0;
  const store = Object.create(inner) as RunStore;
  for (const method of WRITE_METHODS) {
    const original = (inner[method] as (...args: unknown[]) => Promise<unknown>).bind(inner);
    (store as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
      writes += method === 'appendAudit' ? (args[0] as unknown[]).length : 1;
      return original(...args);
    };
  }
  for (const method of ['getRun', 'listRuns', 'listAudit', 'getGate', 'getDoc'] as const) {
    (store as unknown as Record<string, unknown>)[method] = (
      inner[method] as (...a: unknown[]) => unknown
    ).bind(inner);
  }
  return { store, writes: () => writes };
}

/** A DynamoRunStore on a dynalite from `start`, counting what its client sends. */
function dynaliteStore(
  name: string,
  start: () => Promise<{ client: DynamoDBClient; close(): Promise<void> }>,
  target?: number,
): BenchStore {
  return {
    name,
    ...(target === undefined ? {} : { target }),
    create: async () => {
      const dynamo = await start();
      const store = new DynamoRunStore({
        client: dynamo.client,
        tableName: 'drbot-bench',
        createTable: true,
      });
      let requestBytes = 0;
      let runItemBytes = 0;
      dynamo.client.middlewareStack.add(
        (next) => async (args) => {
          const body = (args.request as { body?: unknown }).body;
          const bytes = byteLength(body);
          requestBytes += bytes;
          // Writes of the run item itself (its key's sort key is RUN): what a save sends.
          if (isRunItemWrite(body)) runItemBytes += bytes;
          return next(args);
        },
        { step: 'finalizeRequest', name: 'benchRequestBytes' },
      );
      const traffic = () => ({ itemWrites: store.writes.total, requestBytes, runItemBytes });
      return { store, close: () => dynamo.close(), traffic };
    },
  };
}

export const STORES: BenchStore[] = [
  {
    name: 'memory',
    target: 1.05,
    create: async () => {
      // Without the tests' check of every delta (it re-serializes every step, as a whole save does).
      const store = new MemoryRunStore({ checkChanges: false });
      return {
        store,
        close: async () => undefined,
        traffic: () => ({ requestBytes: store.runCharsWritten }),
      };
    },
  },
  dynaliteStore(
    'dynalite',
    async () => {
      const dynamo = await startEmbeddedDynamo();
      return { client: dynamo.client, close: () => dynamo.close() };
    },
    1.3,
  ),
  // The same database in a process of its own: its CPU (request parsing, LevelDB) no longer
  // shares the engine's event loop, as DynamoDB's does not. The target stays on the line above.
  dynaliteStore('dynalite-process', startDynaliteProcess),
];

function targetOf(factory: BenchStore, ratio: number): { target?: number; targetMet?: boolean } {
  return factory.target === undefined ? {} : { target: factory.target, targetMet: ratio <= factory.target };
}

/** A request on the run item itself (sort key RUN) that is not a read: a save. */
function isRunItemWrite(body: unknown): boolean {
  const text =
    typeof body === 'string'
      ? body
      : body instanceof Uint8Array
        ? Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8')
        : '';
  return text.includes('"SK":{"S":"RUN"}') && !text.includes('"ConsistentRead"');
}

function byteLength(body: unknown): number {
  if (typeof body === 'string') return Buffer.byteLength(body, 'utf8');
  return body instanceof Uint8Array ? body.byteLength : 0;
}

export async function benchEngine(factory: BenchStore, steps = 1000, concurrency = 50, actionMs = 20) {
  const { store: inner, close, traffic } = await factory.create();
  const { store, writes } = countingStore(inner);
  const actions = createTestActions();
  const engine = createEngine({
    store,
    clock: systemClock,
    random: new SeededRandom(1),
    notifier: { publish: async () => undefined },
    directory: { membersOf: async () => [] },
    actions: actions.registry,
    concurrency,
  });
  const runbook = makeRunbook({
    steps: Array.from({ length: steps }, (_, i) => ({
      id: `s${i}`,
      action: 'test.sleep',
      with: { ms: actionMs },
    })),
  });
  const driver = new LocalDriver({ engine, clock: systemClock });
  const run = await engine.startRun({ runbook, mode: 'drill', initiator: 'bench' });
  const before = writes();
  const trafficBefore = traffic?.();
  const started = performance.now();
  const done = await driver.runToCompletion(run.id);
  const wallMs = performance.now() - started;
  const trafficAfter = traffic?.();
  await close();
  if (done.status !== 'succeeded') throw new Error(`bench run ended ${done.status}`);
  const criticalPathMs = Math.ceil(steps / concurrency) * actionMs;
  const ratio = Number((wallMs / criticalPathMs).toFixed(3));
  const transitions = steps * 2;
  return {
    bench: 'engine',
    store: factory.name,
    steps,
    concurrency,
    wallMs: Math.round(wallMs),
    criticalPathMs,
    ratio,
    ...targetOf(factory, ratio),
    writesPerTransition: Number(((writes() - before) / transitions).toFixed(3)),
    ...(trafficBefore && trafficAfter
      ? {
          bytesPerTransition: Math.round(
            (trafficAfter.requestBytes - trafficBefore.requestBytes) / transitions,
          ),
          ...(trafficAfter.itemWrites !== undefined && trafficBefore.itemWrites !== undefined
            ? {
                itemWritesPerTransition: Number(
                  ((trafficAfter.itemWrites - trafficBefore.itemWrites) / transitions).toFixed(3),
                ),
                requestMiB: Number(
                  ((trafficAfter.requestBytes - trafficBefore.requestBytes) / 2 ** 20).toFixed(2),
                ),
                saveBytesPerTransition: Math.round(
                  ((trafficAfter.runItemBytes ?? 0) - (trafficBefore.runItemBytes ?? 0)) / transitions,
                ),
              }
            : {}),
        }
      : {}),
  };
}

/**
 * The floor: the same wave shape with nothing but timers (`concurrency` 20 ms timeouts at a time,
 * each wave armed when the last one's timers have all fired). What it scores above 1 is the
 * timers' own lateness on this machine, which the engine's ratio includes too.
 */
export async function benchTimers(steps = 1000, concurrency = 50, actionMs = 20) {
  const waves = Math.ceil(steps / concurrency);
  const started = performance.now();
  for (let wave = 0; wave < waves; wave++) {
    const size = Math.min(concurrency, steps - wave * concurrency);
    await Promise.all(
      Array.from({ length: size }, () => new Promise((resolve) => setTimeout(resolve, actionMs))),
    );
  }
  return (performance.now() - started) / (waves * actionMs);
}

const WARM_UP_RUNS = 3;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

const round3 = (value: number) => Number(value.toFixed(3));

/**
 * `runs` rounds, each: the timers-only floor, then one run per store, so the machine's load hits
 * every line alike. Prints one line per store with the median ratio (what the target is on), the
 * single ratios, and `overFloor`: the median ratio ÷ the timers-only median (the engine's own
 * share; the target stays on the raw ratio).
 */
export async function benchAll(runs: number, stores = STORES) {
  // Warm-up, so JIT compilation is not billed to the engine: dynalite and the SDK take a few
  // full-size runs to reach their steady CPU cost (a 100-step run left the first rounds ~2× slower).
  for (const factory of stores) for (let i = 0; i < WARM_UP_RUNS; i++) await benchEngine(factory);
  const floor: number[] = [];
  const results = new Map<string, Awaited<ReturnType<typeof benchEngine>>[]>();
  for (let round = 0; round < runs; round++) {
    floor.push(await benchTimers());
    for (const factory of stores) {
      const list = results.get(factory.name) ?? [];
      list.push(await benchEngine(factory));
      results.set(factory.name, list);
    }
  }
  const floorMedian = round3(median(floor));
  const lines: Record<string, unknown>[] = [
    { bench: 'engine', store: 'timers-only', runs, ratio: floorMedian, ratios: floor.map(round3) },
  ];
  for (const factory of stores) {
    const list = results.get(factory.name) ?? [];
    const ratio = round3(median(list.map((r) => r.ratio)));
    const last = list.at(-1);
    lines.push({
      ...last,
      runs,
      ratio,
      ratios: list.map((r) => r.ratio),
      wallMs: Math.round(median(list.map((r) => r.wallMs))),
      overFloor: round3(ratio / floorMedian),
      ...targetOf(factory, ratio),
    });
  }
  return lines;
}

const isMain = import.meta.url === `file://${process.argv[1]}`;
if (isMain) {
  const runs = Number(process.env.BENCH_RUNS ?? 7);
  for (const line of await benchAll(runs)) console.log(JSON.stringify(line));
}
