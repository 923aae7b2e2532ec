/**
 * Kill and resume: drills of 50 instances on the sim, with the embedded DynamoDB ON DISK, run in
 * a child process that SIGKILLs itself at a seeded random operation boundary; a fresh process
 * resumes (kicks every non-terminal run) and starts the next drill, and so on, all in ONE data
 * folder (the sim drops terminated instances after a sim hour and shards a large state, so it
 * no longer outgrows a DynamoDB item). A last process finishes whatever is left. Then, from the
 * store and the persisted sim state: every run succeeded, no instance was launched twice,
 * cleanup ran exactly once per run, every audit trail is complete and in order, and the sim
 * state stayed small.
 *
 * 25 kills in `npm test`, 100 under `npm run soak` (DRBOT_SOAK=1).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedDynamo } from '../../bot/embedded/dynalite.js';
import { SIM_STATE_DOC, simStateStore } from '../../bot/runtime/sim-provider.js';
import { DynamoRunStore } from '../../engine/adapters/dynamodb/store.js';
import { SeededRandom } from '../../engine/adapters/memory/clock.js';
import type { SimState } from '../../engine/adapters/sim/state.js';
import type { Run } from '../../engine/run.js';
import type { Runbook } from '../../engine/runbook/types.js';
import { reconcileTier } from '../../engine/tier/store.js';
import type { TierState } from '../../engine/tier/types.js';
import { auditProblems } from './support/audit-checks.js';
import type { WorkerOptions } from './support/drill-worker.js';

const SOAK = Boolean(process.env.DRBOT_SOAK);
const KILLS = SOAK ? 100 : 25;
/** Kills per round; each round raises the number of drills the workers start by DRILLS_PER_ROUND. */
const KILLS_PER_ROUND = 5;
/** Drills added per round (the kills land somewhere among them). */
const DRILLS_PER_ROUND = 3;
const INSTANCES = 50;
/** A whole drill is ~330 operation boundaries; kill points cover it and the resume before it. */
const MAX_KILL_POINT = 400;
const LEASE_MS = 10_000;
/** Sim time between drills: over the run, the sim's 1 h retention of terminated instances acts. */
const GAP_MS = 20 * 60_000;
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WORKER_SOURCE = fileURLToPath(new URL('./support/drill-worker.ts', import.meta.url));
/** Inside the repo so the bundle's bare imports resolve from node_modules. */
const WORKER_BUNDLE = join(ROOT, 'node_modules', '.cache', 'drbot-reliability', 'drill-worker.mjs');

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

interface Outcome {
  exits: Exit[];
  final: Exit;
  runs: Run[];
  sim: SimState;
  /** The raw `sim/state` document: the whole state, or a shard header when it grew large. */
  simDoc: unknown;
  auditProblems: Record<string, string[]>;
  cleanupEnds: Record<string, number>;
  /** The tier state as stored, and as any reader sees it (reconciled with the runs). */
  storedTier?: TierState;
  tier: TierState;
}

/**
 * One bundle of the worker (our TypeScript inlined, packages external) starts in ~0.3 s instead
 * of ~2 s under tsx. import.meta.url is pinned to agent/ so the agent finds its script files.
 */
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

function worker(options: WorkerOptions): Promise<Exit> {
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

/** Reads what the workers left behind, from the store on disk (they have all exited). */
async function inspect(dataDir: string): Promise<Omit<Outcome, 'exits' | 'final'>> {
  const dynamo = await startEmbeddedDynamo({ dataDir: join(dataDir, 'dynamo') });
  try {
    const store = new DynamoRunStore({ client: dynamo.client, tableName: 'drbot', createTable: true });
    const summaries = await store.listRuns({ runbook: 'chaos-tier', limit: 1000 });
    const runs = await Promise.all(summaries.map(async (s) => (await store.getRun(s.id))!));
    const sim = (await simStateStore(store).load())!;
    const simDoc = await store.getDoc(SIM_STATE_DOC.kind, SIM_STATE_DOC.id);
    const problems: Record<string, string[]> = {};
    const cleanupEnds: Record<string, number> = {};
    for (const run of runs) {
      problems[run.id] = await auditProblems(store, run);
      const trail = await store.listAudit(run.id);
      cleanupEnds[run.id] = trail.filter(
        (e) => e.stepKey === 'cleanup:terminate' && e.kind === 'step.succeeded',
      ).length;
    }
    const storedTier = await store.getTier('chaos-tier');
    const tierRunbook = {
      metadata: { name: 'chaos-tier' },
      spec: { source: { region: 'us-east-1' }, target: { region: 'us-west-2' } },
    } as unknown as Runbook;
    const tier = await reconcileTier(store, tierRunbook, () => Date.now());
    return {
      runs,
      sim,
      simDoc,
      auditProblems: problems,
      cleanupEnds,
      ...(storedTier ? { storedTier } : {}),
      tier,
    };
  } finally {
    await dynamo.close();
  }
}

let outcome: Outcome;
let dataDir: string | undefined;

beforeAll(async () => {
  await bundleWorker();
  dataDir = await mkdtemp(join(tmpdir(), 'drbot-chaos-'));
  const random = new SeededRandom(20260105);
  const base = { dataDir, instances: INSTANCES, leaseMs: LEASE_MS, gapMs: GAP_MS };
  const exits: Exit[] = [];
  let seed = 1;
  let kills = 0;
  let drills = 0;
  // Rounds until KILLS workers really died by SIGKILL (a kill point past the end of the
  // round's drills lets that worker finish normally; the next round then adds drills).
  while (kills < KILLS) {
    drills += DRILLS_PER_ROUND;
    for (let k = 0; k < KILLS_PER_ROUND && kills < KILLS; k++) {
      const killAfter = 1 + Math.floor(random.next() * MAX_KILL_POINT);
      const exit = await worker({ ...base, drills, killAfter, seed: seed++ });
      exits.push(exit);
      if (exit.signal !== 'SIGKILL') break;
      kills += 1;
    }
  }
  const final = await worker({ ...base, drills: 0, killAfter: 0, seed: seed++ });
  outcome = { exits, final, ...(await inspect(dataDir)) };
}, 900_000);

afterAll(async () => {
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe(`kill -9 and resume (${KILLS} kills, ${INSTANCES} instances per drill, dynalite on disk)`, () => {
  it('really killed the workers with SIGKILL mid-run, and every last worker finished cleanly', () => {
    const { exits, final } = outcome;
    expect(exits.filter((e) => e.signal === 'SIGKILL')).toHaveLength(KILLS);
    // A worker that was not killed ran out of drills: it must have ended cleanly, not crashed.
    for (const exit of exits.filter((e) => e.signal !== 'SIGKILL')) expect(exit.code, exit.stderr).toBe(0);
    expect(final.code, final.stderr).toBe(0);
    expect(JSON.parse(final.stdout.trim())).toMatchObject({ done: true });
  });

  it('completes every run it started, many drills in one data folder', () => {
    const { runs } = outcome;
    expect(runs.length).toBeGreaterThan(7);
    for (const run of runs) {
      expect(run.status, `${run.id}: ${JSON.stringify(run.steps)}`).toBe('succeeded');
      expect(run.phase).toBe('done');
    }
  });

  it('launches every source instance exactly once per run: no duplicate launches', () => {
    const { runs, sim } = outcome;
    expect(sim.counters.launches).toBe(runs.length * INSTANCES);
    // each run's launch step saw INSTANCES distinct instances, and no instance belongs to two runs
    const all = runs.flatMap((run) => {
      const ids = run.steps.launch?.outputs?.instanceIds as string[];
      expect(new Set(ids).size, run.id).toBe(INSTANCES);
      return ids;
    });
    expect(new Set(all).size).toBe(runs.length * INSTANCES);
    // the instances the sim still keeps in full carry their run's tag, one per source
    for (const run of runs) {
      const mine = Object.values(sim.instances).filter((i) => i.tags['drbot:run-id'] === run.id);
      const launched = new Set(run.steps.launch?.outputs?.instanceIds as string[]);
      for (const inst of mine) expect(launched.has(inst.id)).toBe(true);
      expect(new Set(mine.map((i) => i.tags['drbot:source-instance'])).size).toBe(mine.length);
    }
    // Every ClientToken created at most one instance, however often a resumed worker re-sent it.
    const created = Object.values(sim.tokens.launch);
    expect(new Set(created).size).toBe(created.length);
  });

  it('runs cleanup exactly once per run: every launched instance terminated once', () => {
    const { runs, sim, cleanupEnds } = outcome;
    expect(sim.counters.terminations).toBe(runs.length * INSTANCES);
    for (const run of runs) {
      expect(run.steps['cleanup:terminate']?.status).toBe('succeeded');
      expect(cleanupEnds[run.id]).toBe(1);
      const left = Object.values(sim.instances).filter(
        (i) => i.tags['drbot:run-id'] === run.id && !['shutting-down', 'terminated'].includes(i.state),
      );
      expect(left).toEqual([]);
    }
  });

  it('keeps the sim state small: terminated instances of old drills are dropped', () => {
    const { runs, sim, simDoc } = outcome;
    const launchedKept = Object.values(sim.instances).filter((i) => !i.seeded).length;
    expect(Object.keys(sim.retired).length).toBeGreaterThan(0);
    expect(launchedKept).toBeLessThan(runs.length * INSTANCES);
    // one plain document, well under DynamoDB's 400 KB item limit
    expect(simDoc).toMatchObject({ version: 1 });
    expect(JSON.stringify(simDoc).length).toBeLessThan(300 * 1024);
  });

  it('keeps the tier state in step with the runs: the last drill is the newest run, source still live', () => {
    const { runs, tier } = outcome;
    const newest = [...runs].sort((a, b) => (b.endedAt ?? 0) - (a.endedAt ?? 0))[0]!;
    expect(tier.lastDrill).toMatchObject({ runId: newest.id, outcome: 'succeeded' });
    expect(tier.active.side).toBe('source');
    expect(tier.inFlight).toBeUndefined();
    // every drill's end reached the tier in its own save path or through a reader's reconcile
    expect(outcome.storedTier?.lastDrill).toBeDefined();
  });

  it('keeps every audit trail complete (gapless seq) and in order', () => {
    for (const [runId, found] of Object.entries(outcome.auditProblems)) expect(found, runId).toEqual([]);
  });
});
