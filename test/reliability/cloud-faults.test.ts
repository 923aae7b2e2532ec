/**
 * Cloud faults on the simulated cloud, through the same local run `drbot run` does (real
 * runbook, real agent script, in-memory store, skipped time): throttling is absorbed, a region
 * outage fails the drill clearly while cleanup is still attempted and reported, and an SSM
 * timeout fails its step with a message that says what to do.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runLocally } from '../../bot/runtime/run-local.js';
import type { WorldFaults } from '../../engine/adapters/sim/world.js';
import type { AuditEvent } from '../../engine/run.js';
import { trailProblems } from './support/audit-checks.js';

const RUNBOOKS = fileURLToPath(new URL('../fixtures/tiers', import.meta.url));
const SOAK = Boolean(process.env.DRBOT_SOAK);

function drill(faults: WorldFaults, seed: number, onEvent?: (event: AuditEvent) => void) {
  return runLocally({
    mode: 'drill',
    runbook: 'app-tier',
    runbooksDir: RUNBOOKS,
    inMemory: true,
    fast: true,
    seed,
    faults,
    notifier: {
      publish: async (_run, events) => {
        for (const event of events) onEvent?.(event);
      },
    },
  });
}

describe('cloud faults on the sim', () => {
  it('completes drills under 20% throttling of every API call', async () => {
    for (const seed of SOAK ? [1, 2, 3, 4, 5, 6, 7, 8] : [1, 2]) {
      const { run, audit, counters } = await drill({ throttleRate: 0.2 }, seed);
      expect(run.status, `seed ${seed}`).toBe('succeeded');
      expect(counters?.throttled).toBeGreaterThan(0);
      expect(counters?.launches).toBe(counters?.terminations);
      expect(trailProblems(run, audit)).toEqual([]);
    }
  });

  it('fails clearly when the target region goes down mid-drill, and still attempts and reports cleanup', async () => {
    const faults: WorldFaults = {};
    // The outage starts once the TEST copies are launched: the health checks and the cleanup hit it.
    const { run, audit } = await drill(faults, 3, (event) => {
      if (event.kind === 'step.succeeded' && event.stepKey === 'launch') faults.regionOutage = ['us-west-2'];
    });
    expect(run.status).toBe('failed');
    const failed = Object.entries(run.steps).filter(([, s]) => s.status === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    const mainFailure = failed.find(([key]) => !key.startsWith('cleanup:'))?.[1];
    expect(`${mainFailure?.error?.message} ${mainFailure?.error?.explanation}`).toMatch(/us-west-2/);
    expect(mainFailure?.error?.action?.length).toBeGreaterThan(0);
    // Cleanup ran (attempted), failed against the dead region, and the run's last words say so.
    const cleanup = run.steps['cleanup:terminate'];
    expect(cleanup?.attempt).toBeGreaterThan(0);
    expect(cleanup?.status).toBe('failed');
    const end = audit.find((e) => e.kind === 'run.failed');
    expect(end?.message).toMatch(/Cleanup failed: cleanup:terminate/);
    expect(end?.message).toMatch(/leftover resources/);
    expect(trailProblems(run, audit)).toEqual([]);
  });

  it('fails the health step on SSM timeouts with an actionable message, then cleans up', async () => {
    const { run, audit, counters } = await drill({ ssmTimeouts: 1_000 }, 5);
    expect(run.status).toBe('failed');
    const health = run.steps.health;
    expect(health?.status).toBe('failed');
    const error = health?.error;
    expect(`${error?.message} ${error?.explanation}`).toMatch(/tim(ed|e)[ -]?out/i);
    expect(error?.action?.length).toBeGreaterThan(10);
    expect(run.steps['cleanup:terminate']?.status).toBe('succeeded');
    expect(counters?.terminations).toBe(counters?.launches);
    expect(trailProblems(run, audit)).toEqual([]);
  });
});
