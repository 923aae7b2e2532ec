/**
 * End to end on the simulated cloud: the real CLI (spawned) and the same local run in-process,
 * with the embedded engine, the real runbooks, the sim world and the real agent script.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { protectOnce } from '../../bot/runtime/protect-local.js';
import { runLocally } from '../../bot/runtime/run-local.js';
import type { AuditEvent, Run } from '../../engine/run.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The EC2-hosted database (a fixture: the shipped db-tier now restores RDS, see data-tier-sim.test.ts). */
const DB_HOST = `${ROOT}test/fixtures/runbooks/valid/db-host.yaml`;
const run = promisify(execFile);

async function drbot(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/drbot.mjs', ...args], {
      cwd: ROOT,
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

interface Record_ {
  status: Run['status'];
  steps: Run['steps'];
  measures: Run['measures'];
  audit: AuditEvent[];
  counters: { launches: number; terminations: number; duplicateLaunchTokens: number };
}

describe('drbot run on the simulated cloud', () => {
  it('runs a whole drill from the CLI: RTO and RPO measured, every launched instance terminated', async () => {
    const { code, stdout, stderr } = await drbot([
      'run',
      'drill',
      'app-tier',
      '--provider',
      'sim',
      '--json',
      '--in-memory',
      '--fast',
      '--dir',
      'test/fixtures/tiers',
    ]);
    expect(stderr).toContain('run.succeeded');
    expect(code).toBe(0);
    const record = JSON.parse(stdout) as Record_;
    expect(record.status).toBe('succeeded');
    expect(record.measures.rtoMs).toBeGreaterThan(0);
    expect(record.measures.rpoClaimedMs).toBe(20 * 60_000);
    expect(record.counters.launches).toBe(3);
    expect(record.counters.terminations).toBe(record.counters.launches);
    expect(record.counters.duplicateLaunchTokens).toBe(0);
    expect(record.steps['cleanup:terminate']?.status).toBe('succeeded');
  });

  it('survives 20% throttling and a capacity error: the audit shows the retries and the fallback', async () => {
    const {
      run: result,
      audit,
      counters,
    } = await runLocally({
      mode: 'drill',
      runbook: 'app-tier',
      runbooksDir: `${ROOT}test/fixtures/tiers`,
      inMemory: true,
      fast: true,
      seed: 4,
      faults: { throttleRate: 0.2, capacityErrors: { 't3.medium': 1 } },
    });
    expect(result.status).toBe('succeeded');
    expect(result.measures.rtoMs).toBeGreaterThan(0);
    expect(counters!.throttled).toBeGreaterThan(0);
    const notes = audit.filter((e) => e.kind === 'step.note').map((e) => e.message);
    expect(notes.some((n) => n.includes('throttled'))).toBe(true);
    expect(notes.some((n) => n.includes('as t3.large') && n.includes('t3.medium'))).toBe(true);
    expect(counters!.launches).toBe(3);
    expect(counters!.terminations).toBe(3);
  });

  it('fails over with two distinct approvers answering the cutover gate', async () => {
    const lines: string[] = [];
    const { run: result, audit } = await runLocally({
      mode: 'failover',
      runbook: 'app-tier',
      runbooksDir: `${ROOT}test/fixtures/tiers`,
      inMemory: true,
      fast: true,
      approveAs: ['bob', 'carol'],
      as: 'alice',
      onLine: (l) => void lines.push(l),
    });
    expect(result.status).toBe('succeeded');
    const granted = audit.find((e) => e.kind === 'approval.granted');
    expect(granted?.message).toContain('@bob and @carol');
    expect(result.steps.dns?.status).toBe('succeeded');
    expect(lines.some((l) => l.startsWith('@carol'))).toBe(true);
  });

  it('refuses --approve-as with --provider aws, explaining why', async () => {
    const { code, stderr } = await drbot([
      'run',
      'failover',
      'app-tier',
      '--provider',
      'aws',
      '--approve-as',
      'bob,carol',
      '--dir',
      'test/fixtures/tiers',
    ]);
    expect(code).not.toBe(0);
    expect(stderr).toContain('--approve-as is refused with --provider aws');
    expect(stderr).toContain('two approvers');
  });

  it('drills the db host, measuring real data loss from markers in its data dirs', async () => {
    const { run: result } = await runLocally({
      mode: 'drill',
      runbook: DB_HOST,
      runbooksDir: `${ROOT}test/fixtures/tiers`,
      inMemory: true,
      fast: true,
    });
    expect(result.status).toBe('succeeded');
    // the newest point is 20 minutes old and the agent marked the source when it was captured
    expect(result.measures.rpoMeasuredMs).toBeGreaterThanOrEqual(20 * 60_000);
    expect(result.measures.rpoMeasuredMs).toBeLessThan(21 * 60_000);
  });

  it('fails over the db host, confirming its manual steps and answering the gate before it times out', async () => {
    const lines: string[] = [];
    const { run: result } = await runLocally({
      mode: 'failover',
      runbook: DB_HOST,
      runbooksDir: `${ROOT}test/fixtures/tiers`,
      inMemory: true,
      fast: true,
      approveAs: ['bob', 'carol'],
      confirmManual: true,
      onLine: (l) => void lines.push(l),
    });
    expect(result.status).toBe('succeeded');
    expect(lines.some((l) => l.includes('confirmed (--confirm-manual)'))).toBe(true);
  });

  it('says what a run waits for when nobody scripted can answer', async () => {
    const err = await runLocally({
      mode: 'failover',
      runbook: 'app-tier',
      runbooksDir: `${ROOT}test/fixtures/tiers`,
      inMemory: true,
      fast: true,
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'WAITING_ON_PEOPLE' });
    expect((err as Error).message).toContain('cutover-approval');
  });

  it('continues the simulated world after a restart of the embedded store', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'drbot-e2e-'));
    try {
      const options = { runbook: 'app-tier', runbooksDir: `${ROOT}test/fixtures/tiers`, dataDir, fast: true };
      const first = await protectOnce(options);
      const second = await protectOnce(options);
      expect(first.rows.every((r) => r.pointId)).toBe(true);
      // the second process saw the first one's points: ids continue instead of starting over
      const ids = (rows: typeof first.rows) => rows.map((r) => r.pointId!).sort();
      expect(ids(second.rows).every((id) => !ids(first.rows).includes(id))).toBe(true);
      expect(ids(second.rows)[0]! > ids(first.rows).at(-1)!).toBe(true);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
