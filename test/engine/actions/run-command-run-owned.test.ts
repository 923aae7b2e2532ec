/**
 * ssm.runCommand `runOwned: true`: a drill's hooks reach only the copies the run launched (found
 * by the run-id tag), which is what lets the drill rule allow them (effect scope run-owned).
 */
import { describe, expect, it } from 'vitest';
import { actionModule } from '../../../engine/actions/catalogue.js';
import type { RunbookSpec } from '../../../engine/runbook/types.js';
import { drillViolation } from '../../../engine/safety/rules.js';
import { runAction, setup } from './fixtures.js';

const SPEC = {} as RunbookSpec;

describe('ssm.runCommand runOwned', () => {
  it("targets the run's own running copies, not the protected instances", async () => {
    const env = setup();
    const gate = await runAction(env.actions['recovery.latestPoint']!, env.clock, {});
    const launch = await runAction(env.actions['ec2.launch']!, env.clock, {
      launchType: 'TEST',
      from: gate.result.outputs!.points,
      network: 'drill',
    });
    const copies = launch.result.outputs!.instanceIds as string[];
    expect(copies.length).toBeGreaterThan(0);
    await runAction(env.actions['ec2.waitHealthy']!, env.clock, { instances: copies });
    const { result } = await runAction(env.actions['ssm.runCommand']!, env.clock, {
      runOwned: true,
      document: 'AWS-RunShellScript',
      parameters: { commands: ['true'] },
    });
    const targeted = (result.outputs!.results as { instanceId: string }[]).map((r) => r.instanceId).sort();
    expect(targeted).toEqual([...copies].sort());
  });

  it('refuses to start with no run-owned instance to act on', async () => {
    const env = setup();
    await expect(
      runAction(env.actions['ssm.runCommand']!, env.clock, {
        runOwned: true,
        document: 'AWS-RunShellScript',
      }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('declares a run-owned effect only without named instances', () => {
    const effects = actionModule('ssm.runCommand')!.effects!;
    const own = effects({ runOwned: true, document: 'DrbotPostRecovery' }, 'drill', SPEC);
    expect(own).toEqual([expect.objectContaining({ verb: 'data', scope: 'run-owned' })]);
    expect(own.map(drillViolation).filter(Boolean)).toEqual([]);
    const named = effects(
      { runOwned: true, instances: ['i-1'], document: 'DrbotPostRecovery' },
      'drill',
      SPEC,
    );
    expect(named.map(drillViolation).filter(Boolean)).not.toEqual([]);
  });
});
