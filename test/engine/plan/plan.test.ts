import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ACTION_MODULES } from '../../../engine/actions/catalogue.js';
import { parseDuration } from '../../../engine/duration.js';
import { estimateStepMs, planRun, renderPlan, typicalActionMs } from '../../../engine/plan/index.js';
import { loadRunbook } from '../../../engine/runbook/index.js';
import type { StepSpec } from '../../../engine/runbook/types.js';

const app = loadRunbook(
  readFileSync('test/fixtures/tiers/app-tier.yaml', 'utf8'),
  'test/fixtures/tiers/app-tier.yaml',
);
// a fixture of the pilot-light database host (EC2): its drill has a parallel first level
const DB_HOST = 'test/fixtures/runbooks/valid/db-host.yaml';
const db = loadRunbook(readFileSync(DB_HOST, 'utf8'), DB_HOST);

function step(partial: Partial<StepSpec>): StepSpec {
  return { id: 's', action: 'notify', with: {}, needs: [], onFailure: 'abort', ...partial };
}

describe('planRun', () => {
  it('lists the failover CUTOVER gate with two approvers, not the initiator', () => {
    const plan = planRun(app, 'failover');
    expect(plan.gates).toEqual([
      {
        gate: 'cutover',
        step: 'cutover-approval',
        required: 2,
        excludeInitiator: true,
        approvers: { users: [], groups: ['S0SRE'] },
        timeout: '30m',
        description: expect.any(String),
      },
    ]);
  });

  it('groups steps in dependency levels', () => {
    expect(planRun(app, 'drill').main.levels).toEqual([
      ['rpo-gate'],
      ['launch'],
      ['wait-healthy'],
      ['health'],
      ['measure-rpo'],
    ]);
    // db-host: the RPO gate and the network step have no needs, so they share the first level
    expect(planRun(db, 'drill').main.levels.slice(0, 2)).toEqual([['rpo-gate', 'network'], ['db-launch']]);
  });

  it('follows the longest chain for the critical path', () => {
    const plan = planRun(db, 'drill');
    expect(plan.main.criticalPath.steps).toEqual([
      'rpo-gate',
      'db-launch',
      'db-healthy',
      'db-health',
      'measure-rpo',
    ]);
    const sum = plan.main.criticalPath.steps
      .map((id) => plan.main.steps.find((s) => s.id === id)?.estimateMs ?? 0)
      .reduce((a, b) => a + b, 0);
    expect(plan.main.criticalPath.estimateMs).toBe(sum);
  });

  it('estimates RTO up to the rto: end step and compares it to the objective', () => {
    // the tests' own copy of the app tier: its failover's RTO ends at the DNS switch
    const own = loadRunbook(readFileSync('test/fixtures/ux/web-tier.yaml', 'utf8'), 'web-tier.yaml');
    const plan = planRun(own, 'failover');
    expect(plan.rto.endStep).toBe('dns');
    expect(plan.rto.estimateMs).toBe(30_000 + 300_000 + 300_000 + 180_000 + 60_000 + 60_000);
    expect(plan.rto.withinObjective).toBe((plan.rto.estimateMs ?? 0) <= 15 * 60_000);
  });

  it('marks mutating steps, rollback compensations and cleanup', () => {
    const drill = planRun(app, 'drill');
    expect(drill.mutating).toEqual(['launch', 'terminate']);
    expect(drill.cleanup.steps.map((s) => s.id)).toEqual(['terminate']);
    const failover = planRun(app, 'failover');
    expect(failover.rollback).toEqual([{ step: 'launch', action: 'ec2.terminate' }]);
    expect(failover.main.steps.find((s) => s.id === 'launch')?.launchType).toBe('CUTOVER');
  });

  it('reverses the direction for failback', () => {
    expect(planRun(app, 'failback').direction).toEqual({ from: 'us-west-2', to: 'us-east-1' });
    expect(planRun(app, 'failover').direction).toEqual({ from: 'us-east-1', to: 'us-west-2' });
  });

  it('lists both failback gates, the irreversible stop behind its own', () => {
    expect(planRun(app, 'failback').gates.map((g) => [g.gate, g.step, g.required])).toEqual([
      ['cutover', 'failback-approval', 2],
      ['stop-target', 'stop-target-approval', 2],
    ]);
  });

  it('is plain JSON (stable --json output)', () => {
    const plan = planRun(app, 'failover');
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
  });

  it("holds a mode to its own RTO when the runbook sets one (objectives.failback.rto), else to the tier's", () => {
    const spec = { ...app.spec, objectives: { ...app.spec.objectives, failback: { rto: '2h' } } };
    const own = planRun({ ...app, spec }, 'failback');
    expect(own.objectives).toMatchObject({
      rto: '2h',
      rtoMs: 7_200_000,
      rpo: '1h',
      overriddenBy: 'failback',
    });
    expect(own.rto.withinObjective).toBe(true);
    expect(renderPlan(own)).toContain("objectives RTO 2h, RPO 1h (the failback's own)");
    const tier = planRun({ ...app, spec }, 'failover');
    expect(tier.objectives).toMatchObject({ rto: '15m', rtoMs: 900_000 });
    expect(tier.objectives.overriddenBy).toBeUndefined();
  });

  it('refuses a mode the runbook does not define', () => {
    const noFailback = { ...db, spec: { ...db.spec, modes: { drill: db.spec.modes.drill } } };
    expect(() => planRun(noFailback, 'failback')).toThrow(/no failback mode/);
  });
});

describe('estimateStepMs', () => {
  it("uses the action's typical duration, capped by the timeout", () => {
    expect(estimateStepMs(step({ action: 'ec2.launch' }))).toBe(300_000);
    expect(estimateStepMs(step({ action: 'ec2.launch', timeout: '2m' }))).toBe(120_000);
  });

  it("uses each action's own typical duration, not its timeout (drs.launch, rds.restore)", () => {
    // before the estimates lived in the actions, these fell back to the step timeout (30m, 45m)
    expect(estimateStepMs(step({ action: 'drs.launch', timeout: '30m' }))).toBe(600_000);
    expect(estimateStepMs(step({ action: 'rds.restore', timeout: '45m' }))).toBe(1_200_000);
    expect(typicalActionMs('aurora.failover')).toBe(120_000);
  });

  it('every action but wait declares a typical duration that parses', () => {
    const missing = ACTION_MODULES.filter((m) => m.name !== 'wait' && m.typicalDuration === undefined);
    expect(missing.map((m) => m.name)).toEqual([]);
    for (const m of ACTION_MODULES)
      if (m.typicalDuration) expect(parseDuration(m.typicalDuration)).toBeGreaterThan(0);
  });

  it('uses the timeout for unknown actions and the duration of a wait', () => {
    expect(estimateStepMs(step({ action: 'custom.thing', timeout: '7m' }))).toBe(420_000);
    expect(estimateStepMs(step({ action: 'wait', with: { duration: '90s' } }))).toBe(90_000);
  });
});

describe('renderPlan', () => {
  it('shows levels, the critical path, gates and cleanup', () => {
    const text = renderPlan(planRun(app, 'drill'));
    expect(text).toContain('Plan: app-tier drill (us-east-1 → us-west-2)');
    expect(text).toContain('Critical path (~');
    expect(text).toContain('Cleanup (always runs)');
    expect(text).toContain('terminate (ec2.terminate');
  });
});
