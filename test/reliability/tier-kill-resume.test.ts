/**
 * Kill and resume through the tier lifecycle: failover → switch-point → commit → reprotect →
 * failback, on the sim with dynalite ON DISK, in a child process that SIGKILLs itself at a
 * seeded random store, tier or cloud operation boundary. A fresh process reads the tier state
 * and carries on from it. After EVERY kill the parent reads the store: the tier state (as any
 * reader sees it, reconciled) agrees with the newest run. At the end: every run succeeded, no
 * instance was launched twice, and the tier is back on the source.
 *
 * 6 kills in `npm test`, 30 under `npm run soak` (DRBOT_SOAK=1).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedDynamo } from '../../bot/embedded/dynalite.js';
import { simStateStore } from '../../bot/runtime/sim-provider.js';
import { DynamoRunStore } from '../../engine/adapters/dynamodb/store.js';
import { SeededRandom } from '../../engine/adapters/memory/clock.js';
import type { SimState } from '../../engine/adapters/sim/state.js';
import { isTerminal, type Run } from '../../engine/run.js';
import { loadRunbook } from '../../engine/runbook/load.js';
import { reconcileTier } from '../../engine/tier/store.js';
import type { TierState } from '../../engine/tier/types.js';
import { TIER_NAME, TIER_RUNBOOK, type TierWorkerOptions } from './support/tier-worker.js';

const SOAK = Boolean(process.env.DRBOT_SOAK);
const KILLS = SOAK ? 30 : 6;
const INSTANCES = 3;
/** One whole cycle is ~1,750 operation boundaries; kill points cover it. */
const MAX_KILL_POINT = 1_800;
const LEASE_MS = 10_000;
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WORKER_SOURCE = fileURLToPath(new URL('./support/tier-worker.ts', import.meta.url));
const WORKER_BUNDLE = join(ROOT, 'node_modules', '.cache', 'drbot-reliability', 'tier-worker.mjs');

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

interface Snapshot {
  runs: Run[];
  tier: TierState;
  sim: SimState;
}

async function bundleWorker(): Promise<void> {
  await build({
    entryPoints: [WORKER_SOURCE],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outfile: WORKER_BUNDLE,
    define: {
      'import.meta.url': JSON.stringify(pathToFileURL(join(ROOT, 'agent', 'render-documents.ts')).href),
    },
    logLevel: 'warning',
  });
}

function worker(options: TierWorkerOptions): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WORKER_BUNDLE, JSON.stringify(options)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** What a reader sees now (the workers have exited): runs, the reconciled tier, the sim. */
async function snapshot(dataDir: string): Promise<Snapshot> {
  const dynamo = await startEmbeddedDynamo({ dataDir: join(dataDir, 'dynamo') });
  try {
    const store = new DynamoRunStore({ client: dynamo.client, tableName: 'drbot', createTable: true });
    const summaries = await store.listRuns({ runbook: TIER_NAME, limit: 1000 });
    const runs = await Promise.all(summaries.map(async (s) => (await store.getRun(s.id))!));
    // the workers' fake clock, so a reconcile here judges claims as the next worker would
    const now = Number(await readFile(join(dataDir, 'clock.txt'), 'utf8'));
    const tier = await reconcileTier(store, loadRunbook(TIER_RUNBOOK, `${TIER_NAME}.yaml`), () => now);
    const sim = (await simStateStore(store).load())!;
    return { runs, tier, sim };
  } finally {
    await dynamo.close();
  }
}

/** Why the tier state disagrees with the newest run, or undefined when it agrees. */
function disagreement({ runs, tier }: Snapshot): string | undefined {
  const newest = [...runs].sort((a, b) => b.createdAt - a.createdAt)[0];
  const claimWithoutRun = tier.inFlight && !runs.some((r) => r.id === tier.inFlight?.runId);
  if (!newest) return tier.active.side === 'source' ? undefined : 'no run, yet the target is live';
  if (!isTerminal(newest.status)) {
    return tier.inFlight?.runId === newest.id
      ? undefined
      : `run ${newest.id} is in flight, the tier names none`;
  }
  if (tier.inFlight && !claimWithoutRun) return `the tier names run ${tier.inFlight.runId} in flight`;
  if (newest.status !== 'succeeded') return `run ${newest.id} ended ${newest.status}`;
  if (newest.mode === 'failover') {
    const mine = tier.pendingCommit?.runId === newest.id || tier.committed?.runId === newest.id;
    if (tier.active.side !== 'target' || !mine)
      return `failover ${newest.id} succeeded, the tier is ${JSON.stringify(tier.active)}`;
  }
  if (newest.mode === 'failback' && (tier.active.side !== 'source' || tier.pendingCommit)) {
    return `failback ${newest.id} succeeded, the tier is ${JSON.stringify(tier.active)}`;
  }
  return undefined;
}

let exits: Exit[] = [];
let final: Exit;
let afterKills: { killAfter: number; problem: string | undefined }[] = [];
let last: Snapshot;
let dataDir: string | undefined;

beforeAll(async () => {
  await bundleWorker();
  dataDir = await mkdtemp(join(tmpdir(), 'drbot-tier-chaos-'));
  const random = new SeededRandom(20261202);
  const base = { dataDir, instances: INSTANCES, leaseMs: LEASE_MS };
  let cycles = 1;
  let seed = 1;
  let kills = 0;
  while (kills < KILLS) {
    const killAfter = 1 + Math.floor(random.next() * MAX_KILL_POINT);
    const exit = await worker({ ...base, cycles, killAfter, seed: seed++ });
    exits.push(exit);
    if (exit.signal !== 'SIGKILL') {
      cycles += 1; // it finished its cycles before the kill point: the next one does one more
      continue;
    }
    kills += 1;
    afterKills.push({ killAfter, problem: disagreement(await snapshot(dataDir)) });
  }
  final = await worker({ ...base, cycles, killAfter: 0, seed: seed++ });
  last = await snapshot(dataDir);
}, 900_000);

afterAll(async () => {
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  exits = [];
  afterKills = [];
});

describe(`tier lifecycle kill -9 and resume (${KILLS} kills, dynalite on disk)`, () => {
  it('really killed the workers mid-lifecycle, and every other worker finished cleanly', () => {
    expect(exits.filter((e) => e.signal === 'SIGKILL')).toHaveLength(KILLS);
    for (const exit of exits.filter((e) => e.signal !== 'SIGKILL')) expect(exit.code, exit.stderr).toBe(0);
    expect(final.code, final.stderr).toBe(0);
    expect(JSON.parse(final.stdout.trim())).toMatchObject({ done: true });
  });

  it('after every kill the tier state agrees with the newest run', () => {
    expect(afterKills).toHaveLength(KILLS);
    for (const k of afterKills) expect(k.problem, `kill at ${k.killAfter}`).toBeUndefined();
  });

  it('walks failover, switch-point, commit, reprotect and failback to the end, every run succeeded', () => {
    const { runs, tier } = last;
    for (const run of runs) {
      const failed = Object.values(run.steps).filter((s) => s.status === 'failed');
      expect(run.status, `${run.id} ${run.mode}: ${JSON.stringify(failed)}`).toBe('succeeded');
    }
    const failbacks = runs.filter((r) => r.mode === 'failback');
    expect(failbacks.length).toBeGreaterThanOrEqual(1);
    // every cycle: a failover and its switch-point replacement, then a failback
    expect(runs.filter((r) => r.mode === 'failover')).toHaveLength(2 * failbacks.length);
    expect(tier.active.side).toBe('source');
    expect(tier.protection).toMatchObject({ direction: 'source→target', state: 'protecting' });
    expect(tier.inFlight).toBeUndefined();
    expect(tier.pendingCommit).toBeUndefined();
  });

  it('launches no instance twice: one launch per ClientToken, one copy per source per run', () => {
    const { runs, sim } = last;
    const launched = runs.flatMap(
      (r) => (r.steps.launch?.outputs?.instanceIds as string[] | undefined) ?? [],
    );
    expect(new Set(launched).size).toBe(launched.length);
    for (const run of runs) expect(run.steps.launch?.outputs?.instanceIds, run.id).toHaveLength(INSTANCES);
    expect(sim.counters.launches).toBe(launched.length);
    const created = Object.values(sim.tokens.launch);
    expect(new Set(created).size).toBe(created.length);
  });
});
