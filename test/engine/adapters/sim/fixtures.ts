/** Shared set-up for sim tests: the real world file on a FakeClock. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FakeClock, SeededRandom } from '../../../../engine/adapters/memory/clock.js';
import { SimCloud, type SimCloudOptions } from '../../../../engine/adapters/sim/sim-cloud.js';
import type { World } from '../../../../engine/adapters/sim/world.js';
import { loadWorld } from '../../../../engine/adapters/sim/world-load.js';
import type { Blueprint, LaunchRequest } from '../../../../engine/cloud/compute.js';

export const WORLD_FILE = fileURLToPath(new URL('../../../fixtures/tiers/sim/world.yaml', import.meta.url));
export const WEB1 = 'i-0a11web00000001';
export const APP1 = 'i-0a11app00000003';
export const SOURCE = 'us-east-1';
export const TARGET = 'us-west-2';

export function shopWorld(): World {
  return loadWorld(readFileSync(WORLD_FILE, 'utf8'), WORLD_FILE);
}

export function makeSim(options: Partial<SimCloudOptions> = {}): { sim: SimCloud; clock: FakeClock } {
  const clock = (options.clock as FakeClock | undefined) ?? new FakeClock();
  const sim = new SimCloud({ world: shopWorld(), clock, random: new SeededRandom(7), ...options });
  return { sim, clock };
}

export async function blueprintFor(
  sim: SimCloud,
  sourceId: string,
  extra: Partial<Blueprint> = {},
): Promise<Blueprint> {
  const point = await sim.latestRecoveryPoint(sourceId, TARGET);
  if (!point) throw new Error(`no point for ${sourceId}`);
  return {
    sourceInstanceId: sourceId,
    recoveryPointId: point.id,
    region: TARGET,
    instanceType: 't3.medium',
    ...extra,
  };
}

export function launchRequest(blueprints: Blueprint[], key = 'run-1:launch:1'): LaunchRequest {
  return {
    blueprints,
    launchType: 'TEST',
    tags: { runId: 'run-1', mode: 'drill', expiresAt: Date.UTC(2026, 0, 5, 13) },
    idempotencyKey: key,
  };
}
