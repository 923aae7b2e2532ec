/**
 * For the run-time half of safety: a runbook "forced past lint" (parsed and normalized as the
 * loader would, with no check run), and an engine over the shop sim whose every cloud call is
 * counted, so a test can assert that not one call reached the cloud.
 */
import { createHash } from 'node:crypto';
import { parse } from 'yaml';
import { createActionRegistry } from '../../../engine/actions/registry.js';
import { FakeClock, SeededRandom } from '../../../engine/adapters/memory/clock.js';
import { MemoryRunStore } from '../../../engine/adapters/memory/store.js';
import { SimCloud } from '../../../engine/adapters/sim/sim-cloud.js';
import type { Engine } from '../../../engine/api.js';
import type { CloudProvider } from '../../../engine/cloud/provider.js';
import { LocalDriver } from '../../../engine/driver/local-driver.js';
import { createEngine } from '../../../engine/executor/index.js';
import { normalize } from '../../../engine/runbook/normalize.js';
import type { Runbook } from '../../../engine/runbook/types.js';
import { shopWorld } from '../adapters/sim/fixtures.js';

/** The runbook a loader that skipped every schema, semantic and safety check would return. */
export function forced(text: string, file: string): Runbook {
  const doc = normalize(parse(text));
  return { ...doc, file, hash: createHash('sha256').update(text).digest('hex') };
}

export const GROUPS: Record<string, string[]> = {
  S0OPS: ['alice'],
  S0SRE: ['alice', 'bob', 'carol'],
};

export interface SimEngine {
  engine: Engine;
  driver: LocalDriver;
  clock: FakeClock;
  sim: SimCloud;
  /** The cloud methods called through the actions, in order. */
  counter: { names: string[] };
}

export function simEngine(): SimEngine {
  const clock = new FakeClock(Date.UTC(2026, 11, 1, 9));
  const sim = new SimCloud({ world: shopWorld(), clock, random: new SeededRandom(7) });
  const counter = { names: [] as string[] };
  const cloud = new Proxy(sim, {
    get(target, prop) {
      const value = Reflect.get(target, prop);
      if (typeof value !== 'function' || prop === 'constructor') return value;
      return (...args: unknown[]) => {
        counter.names.push(String(prop));
        return value.apply(target, args);
      };
    },
  }) as unknown as CloudProvider;
  const actions = createActionRegistry({ cloud, pollIntervalMs: 1_000 });
  counter.names.length = 0; // binding the handlers is not a call
  const engine = createEngine({
    store: new MemoryRunStore(),
    clock,
    random: new SeededRandom(1),
    notifier: { publish: async () => undefined },
    directory: { membersOf: async (group) => GROUPS[group] ?? [] },
    actions,
  });
  return { engine, driver: new LocalDriver({ engine, clock }), clock, sim, counter };
}
