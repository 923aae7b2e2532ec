/**
 * A whole drill of N = 10, 100, 1000 instances on the sim (fixed latencies: launch 20 s, status
 * checks 40 s, terminate 10 s; polls every 5 s) with the DynamoDB store (embedded dynalite), on a
 * fake clock. Prints one JSON line per N, then one for the naive script at N = 100.
 *
 * What is measured, honestly:
 * - `simMs` / `criticalPathMs`: the drill's duration in SIM time against the least any
 *   orchestrator could take (launch + status checks + terminate, every instance in parallel).
 *   The gap is scheduling: poll granularity and step hand-offs, not CPU.
 * - `wallMs`: real time the engine, the store (dynalite over loopback) and the sim spent.
 * - naive: launch one instance, wait for it to be healthy, next; then terminate all — the same
 *   sim, the same blueprints (captured from drbot's own launch), the same 5 s polls.
 *
 *   node --import tsx bench/drill-sim.ts
 */
import { startEmbeddedDynamo } from '../bot/embedded/dynalite.js';
import { createActionRegistry } from '../engine/actions/registry.js';
import { DynamoRunStore } from '../engine/adapters/dynamodb/store.js';
import { FakeClock, SeededRandom } from '../engine/adapters/memory/clock.js';
import { generateWorld } from '../engine/adapters/sim/generate-world.js';
import { SimCloud } from '../engine/adapters/sim/sim-cloud.js';
import { DEFAULT_LATENCIES } from '../engine/adapters/sim/world.js';
import type { LaunchRequest } from '../engine/cloud/compute.js';
import { LocalDriver } from '../engine/driver/local-driver.js';
import { parseDuration } from '../engine/duration.js';
import { createEngine } from '../engine/executor/index.js';
import { loadRunbook } from '../engine/runbook/load.js';
import { DRILL_RUNBOOK } from '../test/reliability/support/drill-worker.js';

const POLL_MS = 5_000;
const CRITICAL_PATH_MS =
  parseDuration(DEFAULT_LATENCIES.launch) +
  parseDuration(DEFAULT_LATENCIES.statusChecks) +
  parseDuration(DEFAULT_LATENCIES.terminate);

async function drbotDrill(
  n: number,
  tableName: string,
  client: ConstructorParameters<typeof DynamoRunStore>[0]['client'],
) {
  const clock = new FakeClock();
  const sim = new SimCloud({ world: generateWorld({ instances: n }), clock, random: new SeededRandom(1) });
  let captured: LaunchRequest | undefined;
  const cloud = new Proxy(sim, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (prop === 'launch') {
        return (request: LaunchRequest) => {
          captured ??= structuredClone(request);
          return target.launch(request);
        };
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const store = new DynamoRunStore({ client, tableName, createTable: true });
  const engine = createEngine({
    store,
    clock,
    random: new SeededRandom(1),
    notifier: { publish: async () => undefined },
    directory: { membersOf: async () => [] },
    actions: createActionRegistry({ cloud, pollIntervalMs: POLL_MS }),
  });
  const runbook = loadRunbook(DRILL_RUNBOOK, 'chaos-tier.yaml');
  const wallStart = performance.now();
  const started = await engine.startRun({ runbook, mode: 'drill', initiator: 'bench' });
  const run = await new LocalDriver({ engine, clock }).runToCompletion(started.id);
  const wallMs = performance.now() - wallStart;
  if (run.status !== 'succeeded') throw new Error(`drill of ${n} ended ${run.status}`);
  const simMs = (run.endedAt ?? clock.now()) - run.createdAt;
  return { simMs, wallMs, launches: sim.counters.launches, captured: captured! };
}

/** Launch one, poll until healthy, next; then terminate everything and wait for it. */
async function naiveDrill(n: number, request: LaunchRequest): Promise<number> {
  const clock = new FakeClock();
  const sim = new SimCloud({ world: generateWorld({ instances: n }), clock, random: new SeededRandom(1) });
  const start = clock.now();
  const ids: string[] = [];
  for (const [index, blueprint] of request.blueprints.entries()) {
    const [launched] = await sim.launch({
      ...request,
      blueprints: [blueprint],
      idempotencyKey: `naive:${index}`,
    });
    const id = launched!.instanceId;
    ids.push(id);
    for (;;) {
      const [instance] = await sim.describe([id], blueprint.region);
      if (instance?.state === 'running' && instance.healthy) break;
      clock.advance(POLL_MS);
    }
  }
  const region = request.blueprints[0]!.region;
  await sim.terminate(ids, region, { mode: 'drill', runId: request.tags.runId });
  for (;;) {
    const instances = await sim.describe(ids, region);
    if (instances.every((i) => i.state === 'terminated')) break;
    clock.advance(POLL_MS);
  }
  return clock.now() - start;
}

const dynamo = await startEmbeddedDynamo();
try {
  await drbotDrill(10, 'warm-up', dynamo.client);
  let at100: Awaited<ReturnType<typeof drbotDrill>> | undefined;
  for (const n of [10, 100, 1000]) {
    const result = await drbotDrill(n, `bench-${n}`, dynamo.client);
    if (n === 100) at100 = result;
    console.log(
      JSON.stringify({
        bench: 'drill-sim',
        store: 'dynalite',
        instances: n,
        simMs: result.simMs,
        criticalPathMs: CRITICAL_PATH_MS,
        ratio: Number((result.simMs / CRITICAL_PATH_MS).toFixed(3)),
        wallMs: Math.round(result.wallMs),
        launches: result.launches,
      }),
    );
  }
  if (at100) {
    const naiveMs = await naiveDrill(100, at100.captured);
    console.log(
      JSON.stringify({
        bench: 'drill-vs-naive',
        instances: 100,
        drbotSimMs: at100.simMs,
        naiveSimMs: naiveMs,
        ratio: Number((at100.simMs / naiveMs).toFixed(4)),
      }),
    );
  }
} finally {
  await dynamo.close();
}
