/**
 * The drs.* actions' declared effects against the safety-by-effect rules (issue 13): what a drill
 * may do, and what in a failover/failback changes production and so needs the two-person gate.
 * The effect checker enforces these; this test pins the declarations it reads.
 */
import { describe, expect, it } from 'vitest';
import { actionModule } from '../../../engine/actions/catalogue.js';
import { type Effect, UNKNOWN_INPUT } from '../../../engine/actions/types.js';
import type { Mode, RunbookSpec } from '../../../engine/runbook/types.js';

/** A drill may read anything, change only run-owned or drill-network resources, route only the drill record. */
function drillAllows(e: Effect): boolean {
  if (e.verb === 'read') return true;
  if (e.verb === 'traffic') return e.scope === 'drill-record';
  return e.scope === 'run-owned' || e.scope === 'drill-network';
}
const changesProduction = (e: Effect) => e.scope === 'protected' && e.verb !== 'read';

function effects(action: string, inputs: Record<string, unknown>, mode: Mode): Effect[] {
  const module = actionModule(action);
  if (!module?.effects) throw new Error(`${action} declares no effects`);
  return module.effects(inputs, mode, {} as RunbookSpec);
}
const drillSafe = (action: string, inputs: Record<string, unknown> = {}) =>
  effects(action, inputs, 'drill').every(drillAllows);

describe('drs.* effects', () => {
  it('let a drill read readiness, write TEST settings, launch isDrill copies and terminate its own', () => {
    expect(drillSafe('drs.readiness')).toBe(true);
    expect(drillSafe('drs.launchSettings', { launchType: 'TEST' })).toBe(true);
    expect(drillSafe('drs.launch', { launchType: 'TEST' })).toBe(true);
    expect(drillSafe('drs.terminateRecoveryInstances', { runOwned: true })).toBe(true);
  });

  it('refuse in a drill: a non-drill launch, CUTOVER settings, foreign terminations, reverse replication, agent installs', () => {
    expect(drillSafe('drs.launch', { launchType: 'CUTOVER' })).toBe(false);
    expect(drillSafe('drs.launch', { launchType: UNKNOWN_INPUT })).toBe(false);
    expect(drillSafe('drs.launchSettings', { launchType: 'CUTOVER' })).toBe(false);
    expect(drillSafe('drs.launchSettings', { launchType: UNKNOWN_INPUT })).toBe(false);
    expect(drillSafe('drs.terminateRecoveryInstances', { recoveryInstances: ['ri-1'] })).toBe(false);
    expect(
      drillSafe('drs.terminateRecoveryInstances', { runOwned: true, recoveryInstances: UNKNOWN_INPUT }),
    ).toBe(false);
    expect(drillSafe('drs.reverseReplication')).toBe(false);
    expect(drillSafe('drs.installAgent')).toBe(false);
  });

  it('mark a CUTOVER recovery and reverse replication as production changes (two-person gate first)', () => {
    expect(effects('drs.launch', { launchType: 'CUTOVER' }, 'failover').some(changesProduction)).toBe(true);
    expect(effects('drs.reverseReplication', {}, 'failback').some(changesProduction)).toBe(true);
    expect(effects('drs.launch', { launchType: 'TEST' }, 'failover').some(changesProduction)).toBe(false);
    expect(effects('drs.readiness', {}, 'failover').some(changesProduction)).toBe(false);
  });

  it('never stop replication: no drs action declares a stop', () => {
    for (const name of [
      'drs.readiness',
      'drs.installAgent',
      'drs.launchSettings',
      'drs.launch',
      'drs.terminateRecoveryInstances',
      'drs.reverseReplication',
    ]) {
      for (const mode of ['drill', 'failover', 'failback'] as const)
        expect(effects(name, { launchType: UNKNOWN_INPUT }, mode).some((e) => e.verb === 'stop')).toBe(false);
    }
  });
});
