/**
 * Kill and resume: drills of 50 instances on the sim, with the embedded DynamoDB ON DISK, run in
 * a child process that SIGKILLs itself at a seeded random operation boundary; a fresh process
 * resumes (kicks every non-terminal run) and starts the next drill, and so on. A last process
 * finishes whatever is left. Then, from the store and the persisted sim state: every run
 * succeeded, no instance was launched twice, cleanup ran exactly once per run, and every audit
 * trail is complete and in order.
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
import { SIM_STATE_DOC } from '../../bot/runtime/sim-provider.js';
import { DynamoRunStore } from '../../engine/adapters/aws/dynamodb-store.js';
import { SeededRandom } from '../../engine/adapters/memory/clock.js';
import type { SimState } from '../../engine/adapters/sim/state.js';
import type { Run } from '../../engine/run.js';
import { auditProblems } from './support/audit-checks.js';
import type { WorkerOptions } from './support/drill-worker.js';

const SOAK = Boolean(process.env.DRBOT_SOAK);
const KILLS = SOAK ? 100 : 25;
/**
 * Kills per data directory. The sim keeps its whole world in ONE store document, which DynamoDB
 * caps at 400 KB: about 7 drills of 50 instances. So each group of kills gets a fresh directory.
 */
const KILLS_PER_GROUP = 5;
/** Drills a group's workers start in total (the kills land somewhere among them). */
const DRILLS_PER_GROUP = 3;
const INSTANCES = 50;
/** A whole drill is ~330 operation boundaries; kill points cover it and the resume before it. */
const MAX_KILL_POINT = 400;
const LEASE_MS = 10_000;
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

interface Group {
  exits: Exit[];
  final: Exit;
  runs: Run[];
  sim: SimState;
  auditProblems: Record<string, string[]>;
  cleanupEnds: Record<string, number>;
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

/** Reads what a group left behind, from the store on disk (the workers have all exited). */
async function inspect(dataDir: string): Promise<Omit<Group, 'exits' | 'final'>> {
  const dynamo = await startEmbeddedDynamo({ dataDir: join(dataDir, 'dynamo') });
  try {
    const store = new DynamoRunStore({ client: dynamo.client, tableName: 'drbot', createTable: true });
    const summaries = await store.listRuns({ runbook: 'chaos-tier', limit: 1000 });
    const runs = await Promise.all(summaries.map(async (s) => (await store.getRun(s.id))!));
    const sim = (await store.getDoc<SimState>(SIM_STATE_DOC.kind, SIM_STATE_DOC.id))!;
    const problems: Record<string, string[]> = {};
    const cleanupEnds: Record<string, number> = {};
    for (const run of runs) {
      problems[run.id] = await auditProblems(store, run);
      const trail = await store.listAudit(run.id);
      cleanupEnds[run.id] = trail.filter(
        (e) => e.stepKey === 'cleanup:terminate' && e.kind === 'step.succeeded',
      ).length;
    }
    return { runs, sim, auditProblems: problems, cleanupEnds };
  } finally {
    await dynamo.close();
  }
}

const groups: Group[] = [];
const dirs: string[] = [];

beforeAll(async () => {
  await bundleWorker();
  const random = new SeededRandom(20260105);
  let seed = 1;
  let kills = 0;
  // Groups until KILLS workers really died by SIGKILL (a kill point past the end of the
  // group's drills lets that worker finish normally; the group then ends).
  while (kills < KILLS) {
    const dataDir = await mkdtemp(join(tmpdir(), 'drbot-chaos-'));
    dirs.push(dataDir);
    const base = { dataDir, instances: INSTANCES, leaseMs: LEASE_MS };
    const exits: Exit[] = [];
    for (let k = 0; k < KILLS_PER_GROUP && kills < KILLS; k++) {
      const killAfter = 1 + Math.floor(random.next() * MAX_KILL_POINT);
      const exit = await worker({ ...base, drills: DRILLS_PER_GROUP, killAfter, seed: seed++ });
      exits.push(exit);
      if (exit.signal !== 'SIGKILL') break;
      kills += 1;
    }
    const final = await worker({ ...base, drills: 0, killAfter: 0, seed: seed++ });
    groups.push({ exits, final, ...(await inspect(dataDir)) });
  }
}, 900_000);

afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe(`kill -9 and resume (${KILLS} kills, ${INSTANCES} instances per drill, dynalite on disk)`, () => {
  it('really killed the workers with SIGKILL mid-run, and every last worker finished cleanly', () => {
    const exits = groups.flatMap((g) => g.exits);
    expect(exits.filter((e) => e.signal === 'SIGKILL')).toHaveLength(KILLS);
    // A worker that was not killed ran out of drills: it must have ended cleanly, not crashed.
    for (const exit of exits.filter((e) => e.signal !== 'SIGKILL')) expect(exit.code, exit.stderr).toBe(0);
    for (const { final } of groups) {
      expect(final.code, final.stderr).toBe(0);
      expect(JSON.parse(final.stdout.trim())).toMatchObject({ done: true });
    }
  });

  it('completes every run it started', () => {
    const runs = groups.flatMap((g) => g.runs);
    expect(runs.length).toBeGreaterThanOrEqual(groups.length);
    for (const run of runs) {
      expect(run.status, `${run.id}: ${JSON.stringify(run.steps)}`).toBe('succeeded');
      expect(run.phase).toBe('done');
    }
  });

  it('launches every source instance exactly once per run: no duplicate launches', () => {
    for (const { runs, sim } of groups) {
      expect(sim.counters.launches).toBe(runs.length * INSTANCES);
      for (const run of runs) {
        const mine = Object.values(sim.instances).filter((i) => i.tags['drbot:run-id'] === run.id);
        expect(mine).toHaveLength(INSTANCES);
        expect(new Set(mine.map((i) => i.tags['drbot:source-instance'])).size).toBe(INSTANCES);
      }
      // Every ClientToken created at most one instance, however often a resumed worker re-sent it.
      const created = Object.values(sim.tokens.launch);
      expect(new Set(created).size).toBe(created.length);
    }
  });

  it('runs cleanup exactly once per run: every launched instance terminated once', () => {
    for (const { runs, sim, cleanupEnds } of groups) {
      expect(sim.counters.terminations).toBe(runs.length * INSTANCES);
      for (const run of runs) {
        expect(run.steps['cleanup:terminate']?.status).toBe('succeeded');
        expect(cleanupEnds[run.id]).toBe(1);
        const left = Object.values(sim.instances).filter(
          (i) => i.tags['drbot:run-id'] === run.id && !['shutting-down', 'terminated'].includes(i.state),
        );
        expect(left).toEqual([]);
      }
    }
  });

  it('keeps every audit trail complete (gapless seq) and in order', () => {
    for (const { auditProblems: problems } of groups) {
      for (const [runId, found] of Object.entries(problems)) expect(found, runId).toEqual([]);
    }
  });
});
