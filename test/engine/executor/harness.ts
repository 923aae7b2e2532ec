/**
 * One engine on a fake clock, a seeded random, the memory store and the test actions.
 */
import { FakeClock, SeededRandom } from '../../../engine/adapters/memory/clock.js';
import { MemoryRunStore } from '../../../engine/adapters/memory/store.js';
import type { Engine } from '../../../engine/api.js';
import { LocalDriver } from '../../../engine/driver/local-driver.js';
import { createEngine } from '../../../engine/executor/index.js';
import type { Directory, Notifier, RunStore } from '../../../engine/ports.js';
import type { AuditEvent, Run } from '../../../engine/run.js';
import type { Mode, Runbook } from '../../../engine/runbook/types.js';
import { createTestActions, type TestActions } from '../../helpers/actions.js';

export interface Harness {
  clock: FakeClock;
  store: MemoryRunStore;
  engine: Engine;
  driver: LocalDriver;
  actions: TestActions;
  /** Events as the notifier received them. */
  published: AuditEvent[];
  start(runbook: Runbook, mode?: Mode, initiator?: string, params?: Record<string, string>): Promise<Run>;
  /** Starts and drives until the run ends or waits on people. */
  run(runbook: Runbook, mode?: Mode, initiator?: string, params?: Record<string, string>): Promise<Run>;
  /** Another engine (another worker) over the same store and clock. */
  worker(owner: string, store?: RunStore): Engine;
}

export const GROUPS: Record<string, string[]> = {
  SRE: ['alice', 'bob', 'carol', 'ian', ...Array.from({ length: 200 }, (_, i) => `sre${i}`)],
  OPS: ['olivia', 'oscar', 'ian'],
};

export function createHarness(options: { concurrency?: number; leaseMs?: number } = {}): Harness {
  const clock = new FakeClock();
  const store = new MemoryRunStore();
  const actions = createTestActions();
  const published: AuditEvent[] = [];
  const notifier: Notifier = { publish: async (_run, events) => void published.push(...events) };
  const directory: Directory = { membersOf: async (group) => GROUPS[group] ?? [] };
  const worker = (owner: string, over: RunStore = store): Engine =>
    createEngine({
      store: over,
      clock,
      random: new SeededRandom(42),
      notifier,
      directory,
      actions: actions.registry,
      concurrency: options.concurrency,
      leaseMs: options.leaseMs,
      owner,
    });
  const engine = worker('worker-1');
  const driver = new LocalDriver({ engine, clock });
  const start = (
    runbook: Runbook,
    mode: Mode = 'drill',
    initiator = 'ian',
    params?: Record<string, string>,
  ) => engine.startRun({ runbook, mode, initiator, params });
  return {
    clock,
    store,
    engine,
    driver,
    actions,
    published,
    start,
    worker,
    run: async (runbook, mode, initiator, params) => {
      const run = await start(runbook, mode, initiator, params);
      return (await driver.runUntilSettled(run.id)).run;
    },
  };
}

/** Status of every step by key. */
export function statuses(run: Run): Record<string, string> {
  return Object.fromEntries(Object.entries(run.steps).map(([key, step]) => [key, step.status]));
}
