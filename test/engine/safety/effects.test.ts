/**
 * Every action of the catalogue declares its effects, as a function of its inputs, answering the
 * worst case for an input lint cannot know (UNKNOWN_INPUT); and the rules judge effects, not
 * action names.
 */
import { describe, expect, it } from 'vitest';
import { ACTION_MODULES } from '../../../engine/actions/catalogue.js';
import { type Effect, UNKNOWN_INPUT } from '../../../engine/actions/types.js';
import type { Mode, RunbookSpec } from '../../../engine/runbook/types.js';
import { changesProduction, drillViolation } from '../../../engine/safety/rules.js';

const SPEC = {
  dns: { zone: 'Z0DRBOTINTERNAL', record: 'app.shop.internal', drillRecord: 'drill.shop.internal' },
} as unknown as RunbookSpec;
const MODES: Mode[] = ['drill', 'failover', 'failback'];
const byName = new Map(ACTION_MODULES.map((m) => [m.name, m]));
const effects = (name: string, inputs: Record<string, unknown>, mode: Mode = 'drill'): Effect[] =>
  byName.get(name)?.effects?.(inputs, mode, SPEC) ?? [];
const VERBS = ['read', 'create', 'modify', 'stop', 'destroy', 'traffic', 'data'];
const has = (list: Effect[], verb: string, scope: string) =>
  list.some((e) => e.verb === verb && e.scope === scope);

describe('effect declarations', () => {
  it('every catalogue action declares effects', () => {
    const missing = ACTION_MODULES.filter((m) => typeof m.effects !== 'function').map((m) => m.name);
    expect(missing).toEqual([]);
  });

  it('every declaration answers for no inputs and for every input unknown, in every mode', () => {
    for (const m of ACTION_MODULES) {
      const props = Object.keys((m.inputSchema.properties ?? {}) as object);
      const allUnknown = Object.fromEntries(props.map((p) => [p, UNKNOWN_INPUT]));
      for (const mode of MODES) {
        expect(Array.isArray(m.effects?.({}, mode, SPEC)), m.name).toBe(true);
        const worst = m.effects?.(allUnknown, mode, SPEC) ?? [];
        for (const e of worst) expect(VERBS).toContain(e.verb);
      }
    }
  });

  it('an unknown input is the worst case: side, launchType, record, protected, appConsistent', () => {
    const u = UNKNOWN_INPUT;
    expect(has(effects('ssm.runCommand', { side: u, document: 'x' }), 'data', 'protected')).toBe(true);
    expect(effects('ec2.launch', { launchType: u }).some((e) => e.cutover)).toBe(true);
    expect(has(effects('dns.switch', { record: u }), 'traffic', 'protected')).toBe(true);
    expect(has(effects('ec2.stop', { protected: u }), 'stop', 'protected')).toBe(true);
    expect(has(effects('recovery.protect', { appConsistent: u }), 'data', 'protected')).toBe(true);
    expect(has(effects('rds.delete', { runOwned: u }), 'destroy', 'protected')).toBe(true);
    expect(has(effects('agent.install', { instances: u }), 'data', 'protected')).toBe(true);
  });

  it('inputs change the effect where they change what is touched', () => {
    // ssm.runCommand: the side, and the agent's read-only documents are reads
    expect(effects('ssm.runCommand', { document: 'AWS-RunShellScript' })).toEqual([
      expect.objectContaining({ verb: 'data', scope: 'recovery' }),
    ]);
    expect(effects('ssm.runCommand', { document: 'DrbotHealth', side: 'protected' })).toEqual([
      expect.objectContaining({ verb: 'read', scope: 'protected' }),
    ]);
    // ec2.launch: TEST in the drill network is isolated; elsewhere it joins production's network
    const isolated = effects('ec2.launch', { launchType: 'TEST' });
    expect(isolated.every((e) => !drillViolation(e))).toBe(true);
    const joined = effects('ec2.launch', { launchType: 'TEST', network: 'production' });
    expect(joined.some((e) => drillViolation(e))).toBe(true);
    // dns.switch: only the declared drill record is a drill's
    expect(effects('dns.switch', { target: '10.0.0.1' })).toEqual([
      expect.objectContaining({ verb: 'traffic', scope: 'drill-record' }),
    ]);
    expect(effects('dns.switch', { target: '10.0.0.1' }, 'failover')).toEqual([
      expect.objectContaining({ verb: 'traffic', scope: 'protected' }),
    ]);
    // ec2.stop / ec2.terminate: run-owned, protected, or named instances of a side
    expect(effects('ec2.terminate', { runOwned: true })).toEqual([
      expect.objectContaining({ verb: 'destroy', scope: 'run-owned' }),
    ]);
    expect(has(effects('ec2.terminate', { instances: ['i-1'] }), 'destroy', 'recovery')).toBe(true);
    const named = effects('ec2.stop', { instances: ['i-1'], side: 'protected' });
    expect(has(named, 'stop', 'protected')).toBe(true);
    // recovery.protect prunes the recovery points past its retention
    expect(effects('recovery.protect', { retention: 1 })).toContainEqual(
      expect.objectContaining({
        verb: 'destroy',
        scope: 'recovery',
        what: 'recovery points beyond the newest 1',
      }),
    );
    // the agent: freeze and thaw act on the protected side; health and read-mark only read
    expect(has(effects('agent.freeze', {}), 'data', 'protected')).toBe(true);
    expect(has(effects('agent.thaw', {}), 'data', 'protected')).toBe(true);
    expect(effects('agent.health', {}).every((e) => e.verb === 'read')).toBe(true);
    expect(effects('agent.measureRpo', {}).every((e) => e.verb === 'read')).toBe(true);
  });
});

describe('the rules judge effects', () => {
  it('drill: reads anywhere; changes only to run-owned or the drill network; traffic only to the drill record', () => {
    expect(drillViolation({ verb: 'read', scope: 'protected' })).toBeUndefined();
    expect(drillViolation({ verb: 'destroy', scope: 'run-owned' })).toBeUndefined();
    expect(drillViolation({ verb: 'create', scope: 'drill-network' })).toBeUndefined();
    expect(drillViolation({ verb: 'traffic', scope: 'drill-record' })).toBeUndefined();
    expect(drillViolation({ verb: 'traffic', scope: 'protected' })?.code).toBe('DRILL_UNSAFE_TRAFFIC');
    expect(drillViolation({ verb: 'data', scope: 'protected' })?.code).toBe('DRILL_UNSAFE_DATA');
    expect(drillViolation({ verb: 'destroy', scope: 'recovery' })?.code).toBe('DRILL_UNSAFE_DESTROY');
    expect(drillViolation({ verb: 'create', scope: 'run-owned', cutover: true })?.code).toBe('DRILL_CUTOVER');
  });

  it('production: stop/destroy/modify/traffic/data on protected, or a CUTOVER', () => {
    for (const verb of ['stop', 'destroy', 'modify', 'traffic', 'data'] as const)
      expect(changesProduction({ verb, scope: 'protected' }), verb).toBe(true);
    expect(changesProduction({ verb: 'read', scope: 'protected' })).toBe(false);
    expect(changesProduction({ verb: 'create', scope: 'protected' })).toBe(false);
    expect(changesProduction({ verb: 'destroy', scope: 'recovery' })).toBe(false);
    expect(changesProduction({ verb: 'create', scope: 'recovery', cutover: true })).toBe(true);
  });
});
