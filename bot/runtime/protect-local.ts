/**
 * One protection pass, locally: capture every protected instance of a runbook, copy it to the
 * target region, wait for the copies, and report the newest point per instance with its age.
 */

import { DEFAULT_RETENTION } from '../../engine/actions/recovery/protect.js';
import { inSideZone } from '../../engine/actions/support/regions.js';
import { FakeClock } from '../../engine/adapters/memory/clock.js';
import type { CloudProvider } from '../../engine/cloud/provider.js';
import { NonRetryableError } from '../../engine/errors.js';
import type { Clock } from '../../engine/ports.js';
import type { Runbook } from '../../engine/runbook/types.js';
import { findRunbook } from '../runbooks/repository.js';
import { createLocalRuntime } from './local.js';
import type { ProviderName } from './provider.js';

export interface ProtectOptions {
  runbook: string;
  provider?: ProviderName;
  inMemory?: boolean;
  fast?: boolean;
  dataDir?: string;
  runbooksDir?: string;
  /** Poll interval while copies complete. @default 2000 */
  pollMs?: number;
  /** Give up after this long (runtime clock). @default 1h */
  timeoutMs?: number;
}

export interface ProtectedRow {
  instanceId: string;
  name?: string;
  pointId?: string;
  capturedAt?: number;
  ageMs?: number;
}

export async function protectOnce(
  options: ProtectOptions,
): Promise<{ rows: ProtectedRow[]; pruned: string[] }> {
  const clock = options.fast ? new FakeClock(Date.now()) : undefined;
  const runtime = await createLocalRuntime({
    dataDir: options.dataDir,
    inMemory: options.inMemory,
    clock,
    provider: options.provider,
    runbooksDir: options.runbooksDir,
    latencyScale: options.fast ? 1 : undefined,
  });
  try {
    const runbook = await findRunbook(options.runbook, options.runbooksDir ?? 'runbooks');
    return await protectPass(runtime, runbook, { ...options, ...(clock ? { fakeClock: clock } : {}) });
  } finally {
    await runtime.close();
  }
}

/**
 * One protection pass on a runtime that is already open: `drbot protect` opens its own; the
 * shell passes its own, so `protect <runbook>` works while the shell holds the data directory.
 */
export async function protectPass(
  runtime: { cloud: CloudProvider; clock: Clock },
  runbook: Runbook,
  options: { pollMs?: number; timeoutMs?: number; fakeClock?: FakeClock } = {},
): Promise<{ rows: ProtectedRow[]; pruned: string[] }> {
  const clock = options.fakeClock;
  const { cloud } = runtime;
  const source = runbook.spec.source.region;
  const target = runbook.spec.target.region;
  const instances = inSideZone(
    runbook,
    'drill',
    'protected',
    await cloud.listProtected(runbook.spec.protect, source),
  );
  if (instances.length === 0) {
    throw new NonRetryableError(`No instances in ${source} match ${runbook.metadata.name}'s spec.protect`, {
      code: 'NO_PROTECTED_INSTANCES',
      explanation: `The selector ${JSON.stringify(runbook.spec.protect)} matched nothing.`,
      action: 'Check the tags or ids in spec.protect and the source region.',
    });
  }
  const request = {
    instances,
    sourceRegion: source,
    targetRegion: target,
    retention: runbook.spec.defaults?.retention ?? DEFAULT_RETENTION,
    captureKey: `protect:${runbook.metadata.name}:${runtime.clock.now()}`,
  };
  const first = await cloud.protect(request);
  const deadline = runtime.clock.now() + (options.timeoutMs ?? 3_600_000);
  let points = first.points;
  while (points.some((p) => p.state === 'pending')) {
    if (runtime.clock.now() > deadline) break;
    const wait = options.pollMs ?? 2_000;
    if (clock) clock.advance(wait);
    else await new Promise((resolve) => setTimeout(resolve, wait));
    points = (await cloud.protect(request)).points; // same capture key: reports progress, captures nothing
  }
  const now = runtime.clock.now();
  const rows: ProtectedRow[] = [];
  for (const instance of instances) {
    const latest = await cloud.latestRecoveryPoint(instance.id, target);
    rows.push({
      instanceId: instance.id,
      name: instance.tags.Name,
      pointId: latest?.id,
      capturedAt: latest?.capturedAt,
      ageMs: latest ? now - latest.capturedAt : undefined,
    });
  }
  return { rows, pruned: first.pruned };
}
