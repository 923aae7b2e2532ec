/**
 * The data tier end to end on the simulated cloud, in-process with the embedded DynamoDB on disk:
 * a drill that restores the database, hands its endpoint to the proxy and deletes everything in
 * cleanup; a failover (two approvers) that restores, fails the Aurora global database over and
 * points DNS at the restored endpoint; and a process "killed" right after RDS accepted the
 * restore but before the engine recorded it, resumed by a fresh runtime: one restore, not two.
 */

import { readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLocalRuntime, type LocalRuntime } from '../../bot/runtime/local.js';
import { driveToEnd } from '../../bot/runtime/run-local.js';
import { SIM_DATA_DOC } from '../../bot/runtime/sim-provider.js';
import { FakeClock, SeededRandom } from '../../engine/adapters/memory/clock.js';
import type { SimDatabase } from '../../engine/adapters/sim/database/index.js';
import type { SimDataState } from '../../engine/adapters/sim/database/state.js';
import type { SimObjectStorage } from '../../engine/adapters/sim/object-storage/index.js';
import type { SimCloud } from '../../engine/adapters/sim/sim-cloud.js';
import { loadRunbook } from '../../engine/runbook/index.js';

const FIXTURE = 'test/fixtures/runbooks/data/data-tier.yaml';
const runbook = loadRunbook(readFileSync(FIXTURE, 'utf8'), FIXTURE);
const people = { approveAs: ['bob', 'carol'], confirmManual: false };

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

/** A data folder whose runbooks dir holds only the sim world and directory (the runbook is the fixture). */
async function folder(): Promise<{ dataDir: string; runbooksDir: string }> {
  const root = await mkdtemp(join(tmpdir(), 'drbot-data-'));
  dirs.push(root);
  const runbooksDir = join(root, 'runbooks');
  await mkdir(join(runbooksDir, 'sim'), { recursive: true });
  for (const f of ['world.yaml', 'directory.yaml'])
    await copyFile(join('test/fixtures/tiers/sim', f), join(runbooksDir, 'sim', f));
  return { dataDir: join(root, 'data'), runbooksDir };
}

function runtimeFor(dir: { dataDir: string; runbooksDir: string }, clock: FakeClock): Promise<LocalRuntime> {
  return createLocalRuntime({ ...dir, clock, random: new SeededRandom(3), latencyScale: 1, agent: false });
}

describe('the data tier on the sim (embedded DynamoDB on disk)', () => {
  it('drills: restores the database, launches the proxy against it, then deletes every drill copy', async () => {
    const clock = new FakeClock(Date.UTC(2026, 11, 1, 9));
    const rt = await runtimeFor(await folder(), clock);
    try {
      const started = await rt.engine.startRun({ runbook, mode: 'drill', initiator: 'alice' });
      const run = await driveToEnd(rt.engine, started.id, people, clock);
      expect(run.status, JSON.stringify(run.steps)).toBe('succeeded');
      const restore = run.steps['db-restore']?.outputs as Record<string, unknown>;
      expect(restore.identifier).toBe(`drbot-${run.id.slice(-10).toLowerCase()}-db-restore`);
      expect(restore.endpoint).toMatch(/\.us-west-2\.rds\.amazonaws\.com$/);
      // the database's snapshot age is the run's claimed RPO (the seeded copy is 25 minutes old)
      expect(run.measures.rpoClaimedMs).toBe(25 * 60_000);
      // the proxy booted with the restored endpoint in its user data
      const sim = rt.cloud as SimCloud;
      const [proxy] = (run.steps['proxy-launch']?.outputs?.instanceIds ?? []) as string[];
      expect(sim.snapshot().instances[proxy as string]?.userData).toContain(`DB_HOST=${restore.endpoint}`);
      // cleanup: the restore, the proxy, the parameter and the S3 markers are gone
      const db = rt.database as SimDatabase;
      expect(
        await db.describeDatabase(restore.identifier as string, 'instance', 'us-west-2'),
      ).toBeUndefined();
      expect(db.snapshot().counters).toMatchObject({ restores: 1, deletes: 1 });
      expect(db.parameter(`/drbot/runs/${run.id}/shop/db/endpoint`, 'us-west-2')).toBeUndefined();
      expect((rt.objectStorage as SimObjectStorage).objectKeys()).toEqual([]);
      // production is untouched: the source database is still there and not tagged by the run
      const [source] = await db.listProtectedDatabases({ tags: { 'dr-tier': 'db' } }, 'us-east-1');
      expect(source?.id).toBe('shop-db');
      expect(source?.tags['drbot:run-id']).toBeUndefined();
    } finally {
      await rt.close();
    }
  });

  it('fails over: two approvers, restore, Aurora global failover with its lag as RPO, DNS CNAME at the endpoint', async () => {
    const clock = new FakeClock(Date.UTC(2026, 11, 1, 9));
    const rt = await runtimeFor(await folder(), clock);
    try {
      const started = await rt.engine.startRun({ runbook, mode: 'failover', initiator: 'alice' });
      const run = await driveToEnd(rt.engine, started.id, people, clock);
      expect(run.status, JSON.stringify(run.steps)).toBe('succeeded');
      expect(run.steps['cutover-approval']?.outputs?.approvers).toEqual(['bob', 'carol']);
      expect(run.steps.orders?.outputs).toMatchObject({ writer: 'orders-west', lagMs: 1_000 });
      const db = rt.database as SimDatabase;
      const global = await db.describeGlobalCluster('orders-global');
      expect(global?.members.find((m) => m.writer)?.clusterId).toBe('orders-west');
      const endpoint = run.steps['db-restore']?.outputs?.endpoint as string;
      // production configuration is written under its real name in a failover
      expect(db.parameter('/shop/db/endpoint', 'us-west-2')).toBe(`${endpoint}:5432`);
      expect((rt.cloud as SimCloud).dnsRecord('Z0DRBOTINTERNAL', 'db.shop.internal')).toBe(endpoint);
      expect(run.measures.rtoMs).toBeGreaterThan(0);
    } finally {
      await rt.close();
    }
  });

  it('resumes a drill killed mid-restore (RDS called, result not recorded): 0 duplicate restores', async () => {
    const clock = new FakeClock(Date.UTC(2026, 11, 1, 9));
    const dir = await folder();
    const first = await runtimeFor(dir, clock);
    let runId: string;
    try {
      const started = await first.engine.startRun({ runbook, mode: 'drill', initiator: 'alice' });
      runId = started.id;
      // advance until the restore is in flight
      for (let i = 0; i < 50; i++) {
        const r = await first.engine.advance(runId);
        if (r.run.steps['db-restore']?.status === 'running') break;
        if (r.wakeAt !== undefined) clock.advanceTo(r.wakeAt);
      }
      expect((first.database as SimDatabase).snapshot().counters.restores).toBe(1);
      // the crash window: the intent is stored, RDS accepted the call, the answer was never saved
      const run = (await first.store.getRun(runId))!;
      const step = run.steps['db-restore']!;
      expect(step.status).toBe('running');
      step.intent = { ...step.intent!, acknowledged: false };
      step.handle = undefined;
      step.nextAt = undefined;
      await first.store.saveRun({ ...run, version: run.version + 1 }, run.version);
    } finally {
      await first.close(); // the process dies: nothing in memory survives
    }
    const second = await runtimeFor(dir, clock);
    try {
      const run = await driveToEnd(second.engine, runId, people, clock);
      expect(run.status, JSON.stringify(run.steps)).toBe('succeeded');
      const state = (await second.store.getDoc<SimDataState>(SIM_DATA_DOC.kind, SIM_DATA_DOC.id))!;
      // the resumed start re-sent the restore with the same identifier and found the database
      expect(state.counters.restoreCalls).toBeGreaterThanOrEqual(2);
      expect(state.counters.restores).toBe(1);
      expect(state.counters.deletes).toBe(1);
      const trail = await second.store.listAudit(runId);
      expect(
        trail.some((e) => e.kind === 'step.note' && /already exists from an earlier attempt/.test(e.message)),
      ).toBe(true);
    } finally {
      await second.close();
    }
  });
});
