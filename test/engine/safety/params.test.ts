/**
 * Parameters cannot touch safety: start parameters are declared (spec.params), an unknown or
 * ill-typed one starts nothing, lint refuses a parameter that would choose a gate, a side, a
 * launch type, a retention or approvers; and declaredAt is bounded, audited, shown on the status,
 * and never what the RPO gate measures against.
 */
import { describe, expect, it } from 'vitest';
import { rtoLine } from '../../../bot/render/summary.js';
import { buildRunView } from '../../../bot/render/view.js';
import { type ActionSpec, createRegistry } from '../../../engine/actions/types.js';
import { FakeClock, SeededRandom } from '../../../engine/adapters/memory/clock.js';
import { MemoryRunStore } from '../../../engine/adapters/memory/store.js';
import { LocalDriver } from '../../../engine/driver/local-driver.js';
import { createEngine } from '../../../engine/executor/index.js';
import type { AuditEvent } from '../../../engine/run.js';
import { checkRunbook } from '../../../engine/runbook/index.js';
import { makeRunbook } from '../../helpers/runbook.js';

const HOUR = 3_600_000;
const probe: ActionSpec = {
  name: 'probe',
  description: 'records runStartedAt',
  inputSchema: { type: 'object' },
  outputs: {},
};

function setup() {
  const clock = new FakeClock(Date.UTC(2026, 11, 1, 9));
  const seen: (number | undefined)[] = [];
  const audit: AuditEvent[] = [];
  const actions = createRegistry([probe], {
    probe: {
      start: async (ctx) => {
        seen.push(ctx.runStartedAt, ctx.declaredAt);
        return { status: 'done', outputs: {} };
      },
    },
  });
  const engine = createEngine({
    store: new MemoryRunStore(),
    clock,
    random: new SeededRandom(1),
    notifier: { publish: async (_run, events) => void audit.push(...events) },
    directory: { membersOf: async () => ['ian'] },
    actions,
  });
  return { clock, seen, audit, engine, driver: new LocalDriver({ engine, clock }) };
}

const runbook = makeRunbook({
  steps: [{ id: 'p', action: 'probe' }],
  modes: { failover: { steps: [{ id: 'p', action: 'probe', rto: 'end' }] } },
  params: {
    reason: { type: 'string', description: 'Why', maxLength: 20 },
    count: { type: 'number', description: 'How many', default: 3 },
    quick: { type: 'boolean', description: 'Skip waits' },
    pause: { type: 'duration', description: 'How long' },
  },
});

describe('start parameters', () => {
  it('refuses an unknown parameter and starts nothing', async () => {
    const { engine } = setup();
    await expect(
      engine.startRun({ runbook, mode: 'drill', initiator: 'ian', params: { gate: 'quick' } }),
    ).rejects.toMatchObject({ code: 'UNKNOWN_PARAM' });
  });

  it('refuses an ill-typed or too long value', async () => {
    const { engine } = setup();
    const bad: Record<string, string>[] = [
      { count: 'many' },
      { quick: 'yes' },
      { pause: 'soon' },
      { reason: 'x'.repeat(21) },
    ];
    for (const params of bad) {
      const start = engine.startRun({ runbook, mode: 'drill', initiator: 'ian', params });
      await expect(start, JSON.stringify(params)).rejects.toMatchObject({ code: 'BAD_PARAM' });
    }
  });

  it('accepts declared values and fills declared defaults', async () => {
    const { engine } = setup();
    const run = await engine.startRun({
      runbook,
      mode: 'drill',
      initiator: 'ian',
      params: { reason: 'game day', quick: 'true', pause: '90s' },
    });
    expect(run.params).toEqual({ reason: 'game day', quick: 'true', pause: '90s', count: '3' });
  });
});

describe('declaredAt', () => {
  it('is refused for a drill, in the future, and more than the window back', async () => {
    const { engine, clock } = setup();
    const start = (mode: 'drill' | 'failover', at: number) => {
      const params = { declaredAt: new Date(at).toISOString() };
      return engine.startRun({ runbook, mode, initiator: 'ian', params });
    };
    const outside = { code: 'DECLARED_AT_OUT_OF_WINDOW' };
    const drill = start('drill', clock.now() - HOUR);
    await expect(drill).rejects.toMatchObject({ code: 'DECLARED_AT_NOT_ALLOWED' });
    await expect(start('failover', clock.now() + HOUR)).rejects.toMatchObject(outside);
    await expect(start('failover', clock.now() - 25 * HOUR)).rejects.toMatchObject(outside);
    await expect(
      engine.startRun({ runbook, mode: 'failover', initiator: 'ian', params: { declaredAt: '0' } }),
    ).rejects.toMatchObject({ code: 'DECLARED_AT_OUT_OF_WINDOW' });
  });

  it('spec.declaredAtWindow widens the window (up to 7d)', async () => {
    const { engine, clock } = setup();
    const wide = { ...runbook, spec: { ...runbook.spec, declaredAtWindow: '48h' } };
    const run = await engine.startRun({
      runbook: wide,
      mode: 'failover',
      initiator: 'ian',
      params: { declaredAt: String(clock.now() - 30 * HOUR) },
    });
    expect(run.params.declaredAt).toBe(String(clock.now() - 30 * HOUR));
  });

  it('is audited and shown with the RTO, but the actions (the RPO gate) measure from the real start', async () => {
    const { engine, driver, clock, seen, audit } = setup();
    const declared = clock.now() - 2 * HOUR;
    const run = await engine.startRun({
      runbook,
      mode: 'failover',
      initiator: 'ian',
      params: { declaredAt: new Date(declared).toISOString() },
    });
    const done = (await driver.runUntilSettled(run.id)).run;
    // the gate's clock is the real start; only data-loss measures read the declaration
    expect(seen).toEqual([run.createdAt, declared]);
    expect(audit.find((e) => e.kind === 'run.started')?.message).toContain(
      `Disaster declared at ${new Date(declared).toISOString()}`,
    );
    expect(done.measures.rtoMs).toBeGreaterThanOrEqual(2 * HOUR);
    expect(rtoLine(buildRunView(done, { now: clock.now() }))).toContain(
      `declared ${new Date(declared).toISOString()} (declaredAt)`,
    );
  });
});

const BASE = `apiVersion: drbot/v1
kind: Runbook
metadata: { name: p }
spec:
  source: { region: us-east-1 }
  target: { region: us-west-2 }
  objectives: { rto: 15m, rpo: 1h }
  protect: { tags: { dr-tier: app } }
  access: { drill: { users: ["*"] }, failover: { groups: [OPS] } }
  approvals:
    cutover: { required: 2, approvers: { groups: [SRE] } }
  params:
    side: { type: string, description: Which side }
    keep: { type: number, description: How many points }
`;

describe('lint: a parameter never chooses a safety input', () => {
  const codes = (modes: string, extra = '') =>
    checkRunbook(`${BASE}${extra}  modes:\n${modes}`, 'p.yaml')
      .issues.filter((i) => i.severity === 'error')
      .map((i) => `${i.code} ${i.path}`);

  it('refuses a parameter as side or retention', () => {
    expect(
      codes(`    failover:
      steps:
        - id: protect
          action: recovery.protect
          with: { retention: "\${{ params.keep }}" }
        - id: health
          action: agent.health
          with: { instances: [i-1], side: "\${{ params.side }}" }
`),
    ).toEqual([
      'PARAM_SAFETY_INPUT spec.modes.failover.steps[0].with.retention',
      'PARAM_SAFETY_INPUT spec.modes.failover.steps[1].with.side',
    ]);
  });

  it('accepts a parameter in an ordinary input, and refuses redeclaring declaredAt', () => {
    expect(
      codes(`    drill:
      steps:
        - id: say
          action: notify
          with: { message: "side \${{ params.side }}" }
`),
    ).toEqual([]);
    expect(
      codes(
        `    drill:
      steps:
        - { id: say, action: notify, with: { message: hi } }
`,
        '  declaredAtWindow: 30d\n',
      ),
    ).toEqual(['DECLARED_AT_WINDOW_TOO_LONG spec.declaredAtWindow']);
  });
});
