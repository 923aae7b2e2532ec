import { describe, expect, it } from 'vitest';
import { recordStepSuccess } from '../../../engine/executor/measures.js';
import type { Run } from '../../../engine/run.js';
import { runAction, setup } from './fixtures.js';

const REGION = 'us-west-2';

describe('ec2.launch claims the RPO of the points it launched', () => {
  it('with the RPO gate points, it claims what the gate claimed', async () => {
    const env = setup();
    const startedAt = env.clock.now();
    const gate = await runAction(env.actions['recovery.latestPoint']!, env.clock, {}, { startedAt });
    const launch = await runAction(
      env.actions['ec2.launch']!,
      env.clock,
      { launchType: 'TEST', from: gate.result.outputs!.points, network: 'drill' },
      { startedAt },
    );
    expect(gate.result.measures?.rpoClaimedMs).toBeGreaterThan(0);
    expect(launch.result.measures?.rpoClaimedMs).toBe(gate.result.measures?.rpoClaimedMs);
  });

  it('launching from an earlier point claims that point’s age, not the gate’s', async () => {
    const env = setup();
    const startedAt = env.clock.now();
    const gate = await runAction(env.actions['recovery.latestPoint']!, env.clock, {}, { startedAt });
    const points = gate.result.outputs!.points as Record<string, string>;
    // One instance launches from its second-newest point instead of the gate's newest.
    const [source] = Object.keys(points) as [string];
    const history = (await env.sim.recoveryPoints(source, REGION))
      .filter((p) => p.state === 'available')
      .sort((a, b) => b.capturedAt - a.capturedAt);
    const older = history[1];
    expect(older).toBeDefined();
    const from = { ...points, [source]: older!.id };
    const launch = await runAction(
      env.actions['ec2.launch']!,
      env.clock,
      { launchType: 'TEST', from, network: 'drill' },
      { startedAt },
    );
    const claimed = launch.result.measures?.rpoClaimedMs;
    expect(claimed).toBe(startedAt - older!.capturedAt);
    expect(claimed).toBeGreaterThan(gate.result.measures?.rpoClaimedMs as number);
  });

  it('without `from`, it claims the age of the newest points it picked', async () => {
    const env = setup();
    const startedAt = env.clock.now();
    const gate = await runAction(env.actions['recovery.latestPoint']!, env.clock, {}, { startedAt });
    const launch = await runAction(
      env.actions['ec2.launch']!,
      env.clock,
      { launchType: 'TEST', network: 'drill' },
      { startedAt },
    );
    expect(launch.result.measures?.rpoClaimedMs).toBe(gate.result.measures?.rpoClaimedMs);
  });
});

describe('the run claims the worst of its steps’ claims', () => {
  it('an older launch claim replaces the gate’s, a newer one does not hide it', () => {
    const run = { measures: {} } as unknown as Run;
    recordStepSuccess(run, undefined, 0, { rpoClaimedMs: 20 * 60_000 }); // the RPO gate
    recordStepSuccess(run, undefined, 0, { rpoClaimedMs: 80 * 60_000 }); // launch from an earlier point
    expect(run.measures.rpoClaimedMs).toBe(80 * 60_000);
    recordStepSuccess(run, undefined, 0, { rpoClaimedMs: 5 * 60_000 }); // a fresher database
    expect(run.measures.rpoClaimedMs).toBe(80 * 60_000);
  });
});
