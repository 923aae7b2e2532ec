import { describe, expect, it } from 'vitest';
import { startRunSweeper } from '../../../bot/runtime/sweeper.js';
import type { RunSummary } from '../../../engine/run.js';

const summary = (id: string, mode: RunSummary['mode'], status: RunSummary['status']): RunSummary => ({
  id,
  runbook: 'app-tier',
  mode,
  initiator: 'olivia',
  status,
  createdAt: 1,
  measures: { objectives: { rtoMs: 1, rpoMs: 1 } },
});

describe('run sweeper', () => {
  it('kicks unfinished runs every sweep, and an ended failover (its commit timeout) once per process', async () => {
    const runs = [
      summary('running-drill', 'drill', 'running'),
      summary('ended-drill', 'drill', 'succeeded'),
      summary('ended-failover', 'failover', 'succeeded'),
      summary('failed-failover', 'failover', 'failed'),
    ];
    const kicked: string[] = [];
    const sweeper = startRunSweeper({
      store: { listRuns: async () => runs },
      driver: { kick: (id) => void kicked.push(id), isTracking: () => false },
      schedule: () => () => undefined,
    });
    expect(await sweeper.sweep()).toEqual(['running-drill', 'ended-failover']);
    expect(await sweeper.sweep()).toEqual(['running-drill']);
    sweeper.stop();
    expect(kicked).toEqual(['running-drill', 'ended-failover', 'running-drill']);
  });
});
