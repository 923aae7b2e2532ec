/**
 * `drbot protect <tier>` and the shell's `protect` on the sim: one pass captures the instances
 * and also snapshots the tier's databases (spec.protect.databases), copies them to the target
 * region and reports the newest copy per database. Fixtures only: the data-tier fixture runbook
 * beside the serve fixture's simulated world.
 */
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLocalRuntime } from '../../../bot/runtime/local.js';
import { databaseLines, protectOnce, protectPass } from '../../../bot/runtime/protect-local.js';
import { FakeClock } from '../../../engine/adapters/memory/clock.js';
import type { SimDatabase } from '../../../engine/adapters/sim/database/index.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function fixtureDir(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'drbot-protect-'));
  dirs.push(root);
  await mkdir(join(root, 'sim'), { recursive: true });
  await copyFile('test/fixtures/runbooks/data/data-tier.yaml', join(root, 'data-fixture.yaml'));
  for (const f of ['world.yaml', 'directory.yaml'])
    await copyFile(join('test/fixtures/serve/sim', f), join(root, 'sim', f));
  return root;
}

describe('protect on the sim: databases', () => {
  it('snapshots the protected database, copies it to the target region and reports the new copy', async () => {
    const runbooksDir = await fixtureDir();
    const clock = new FakeClock(Date.UTC(2026, 11, 1, 9));
    const rt = await createLocalRuntime({
      runbooksDir,
      inMemory: true,
      clock,
      latencyScale: 1,
      agent: false,
    });
    try {
      const runbook = rt.runbooks.get('data-fixture');
      if (!runbook) throw new Error(`fixture did not load: ${JSON.stringify(rt.runbookIssues)}`);
      const db = rt.database as SimDatabase;
      const before = await db.latestDbSnapshot('shop-db', 'us-west-2');
      const result = await protectPass(rt, runbook, { fakeClock: clock, pollMs: 30_000 });
      expect(result.rows.length).toBeGreaterThan(0);
      expect(result.databases).toHaveLength(1);
      const [row] = result.databases;
      expect(row).toMatchObject({ databaseId: 'shop-db', kind: 'instance' });
      // a new copy, newer than the seeded one, and it is the target region's newest
      expect(row?.snapshotId).toBeDefined();
      expect(row?.snapshotId).not.toBe(before?.id);
      const latest = await db.latestDbSnapshot('shop-db', 'us-west-2');
      expect(latest?.id).toBe(row?.snapshotId);
      expect(latest?.capturedAt).toBeGreaterThan(before?.capturedAt ?? Number.POSITIVE_INFINITY);
      expect(latest?.kmsKeyId).toBe('arn:aws:kms:us-west-2:000000000000:alias/shop-dr');
      expect(databaseLines(result.databases)[0]).toMatch(/^shop-db \(database instance\) \S+ \(.+ old\)$/);
    } finally {
      await rt.close();
    }
  });

  it('drbot protect (protectOnce) reports the databases beside the instances', async () => {
    const runbooksDir = await fixtureDir();
    const result = await protectOnce({ runbook: 'data-fixture', runbooksDir, inMemory: true, fast: true });
    expect(result.databases.map((d) => d.databaseId)).toEqual(['shop-db']);
    expect(result.databases[0]?.snapshotId).toBeDefined();
  });
});
