import { describe, expect, it } from 'vitest';
import { createActionRegistry } from '../../../../engine/actions/registry.js';
import { FakeClock, SeededRandom } from '../../../../engine/adapters/memory/clock.js';
import { MemoryRunStore } from '../../../../engine/adapters/memory/store.js';
import { generateWorld } from '../../../../engine/adapters/sim/generate-world.js';
import { SimCloud } from '../../../../engine/adapters/sim/sim-cloud.js';
import { LocalDriver } from '../../../../engine/driver/local-driver.js';
import { createEngine } from '../../../../engine/executor/index.js';
import { loadRunbook } from '../../../../engine/runbook/load.js';
import { DRILL_RUNBOOK } from '../../../reliability/support/drill-worker.js';

/** A sim whose latencies are 1000·k ms for the k-th draw, and whose events are recorded. */
function simWithEvents(instances = 2) {
  const clock = new FakeClock();
  const events: { runId: string; reason: string; at: number }[] = [];
  let k = 0;
  const sim = new SimCloud({
    world: generateWorld({ instances }),
    clock,
    random: new SeededRandom(1),
    latencySampler: () => 1000 * ++k + 333,
    wakeups: {
      waker: { wake: (runId, reason) => events.push({ runId, reason, at: clock.now() }) },
      timers: clock,
    },
  });
  return { sim, clock, events };
}

async function launchAll(sim: SimCloud, runId: string) {
  const { instances } = await sim.inspect();
  const sources = instances.filter((i) => i.region === 'us-east-1');
  const points = await sim.latestRecoveryPoints(
    sources.map((i) => i.id),
    'us-west-2',
  );
  return sim.launch({
    launchType: 'TEST',
    idempotencyKey: `${runId}:launch:1`,
    tags: { runId, mode: 'drill' },
    blueprints: sources.map((i) => ({
      sourceInstanceId: i.id,
      recoveryPointId: points[i.id]!.id,
      region: 'us-west-2',
      instanceType: 'm5.large',
      subnetId: 'subnet-0w2d',
      securityGroupIds: ['sg-0w2drill'],
    })),
  } as never);
}

describe('sim completion events', () => {
  it('wakes the run of the drbot:run-id tag when an instance is running and when its checks pass', async () => {
    const { sim, clock, events } = simWithEvents(1);
    const start = clock.now();
    const [launched] = await launchAll(sim, 'run-a');
    clock.advance(60_000);
    const id = launched!.instanceId;
    expect(events.map((e) => [e.runId, e.reason, e.at - start])).toEqual([
      ['run-a', `ec2:running ${id}`, 1333],
      ['run-a', `ec2:status-ok ${id}`, 1333 + 2333],
    ]);
  });

  it('wakes the owner when a command is done, a DNS change is in sync and an instance terminated', async () => {
    const { sim, clock, events } = simWithEvents(1);
    const [launched] = await launchAll(sim, 'run-b');
    clock.advance(10_000);
    const id = launched!.instanceId;
    events.length = 0;
    const { commandId } = await sim.runCommand([id], 'us-west-2', 'AWS-RunShellScript', {}, 'run-b:cmd:1');
    const { changeId } = await sim.switchDns('Z1', 'app.example.com', '10.0.0.9', 'run-c:dns:1');
    await sim.terminate([id], 'us-west-2', { runId: 'run-b', mode: 'drill' });
    clock.advance(60_000);
    expect(events.map((e) => [e.runId, e.reason]).sort()).toEqual(
      [
        ['run-b', `ssm:done ${commandId}`],
        ['run-c', `dns:insync ${changeId}`],
        ['run-b', `ec2:terminated ${id}`],
      ].sort(),
    );
  });

  it('lets a drill end its RTO at the moment the last instance passes its checks, not at a poll', async () => {
    const clock = new FakeClock();
    let k = 0;
    const healthyAt: number[] = [];
    const engineRef: { driver?: LocalDriver } = {};
    const sim = new SimCloud({
      world: generateWorld({ instances: 3 }),
      clock,
      random: new SeededRandom(2),
      // launch and checks latencies that no 5 s poll lands on
      latencySampler: (name) =>
        name === 'launch' ? 20_000 + 777 * ++k : name === 'statusChecks' ? 31_111 : 10_000,
      wakeups: {
        waker: {
          wake: (runId, reason) => {
            if (reason.startsWith('ec2:status-ok')) healthyAt.push(clock.now());
            engineRef.driver?.wake(runId, reason);
          },
        },
        timers: clock,
      },
    });
    const engine = createEngine({
      store: new MemoryRunStore(),
      clock,
      random: new SeededRandom(2),
      notifier: { publish: async () => undefined },
      directory: { membersOf: async () => [] },
      actions: createActionRegistry({ cloud: sim, pollIntervalMs: 5000 }),
    });
    const driver = new LocalDriver({ engine, clock });
    engineRef.driver = driver;
    const started = await engine.startRun({
      runbook: loadRunbook(DRILL_RUNBOOK, 'events-tier.yaml'),
      mode: 'drill',
      initiator: 'test',
    });
    const run = await driver.runToCompletion(started.id);
    expect(run.status).toBe('succeeded');
    expect(healthyAt).toHaveLength(3);
    expect(run.steps['wait-healthy']?.endedAt).toBe(Math.max(...healthyAt));
    expect((Math.max(...healthyAt) - run.createdAt) % 5000).not.toBe(0);
  });
});
