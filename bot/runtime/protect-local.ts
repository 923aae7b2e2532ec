/**
 * One protection pass, locally: capture every protected instance of a runbook and snapshot every
 * database its `spec.protect.databases` selects, copy them to the target region, wait for the
 * copies, and report the newest point per instance and the newest copy per database with its age.
 */

import { DEFAULT_RETENTION } from '../../engine/actions/recovery/protect.js';
import {
  type DatabaseProtectPass,
  databaseCopyFailedError,
  protectTierDatabases,
} from '../../engine/actions/support/data-tier.js';
import { inSideZone, sideSelector } from '../../engine/actions/support/regions.js';
import { FakeClock } from '../../engine/adapters/memory/clock.js';
import type { Database, DatabasePort } from '../../engine/cloud/database.js';
import type { CloudProvider } from '../../engine/cloud/provider.js';
import { formatDuration } from '../../engine/duration.js';
import { NonRetryableError } from '../../engine/errors.js';
import { providerNotConfigured, servesRunbook } from '../../engine/executor/provider.js';
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

/** The newest snapshot copy of one protected database in the target region. */
export interface ProtectedDatabaseRow {
  databaseId: string;
  kind: 'instance' | 'cluster';
  snapshotId?: string;
  capturedAt?: number;
  ageMs?: number;
}

export interface ProtectPassResult {
  rows: ProtectedRow[];
  /** One row per protected database (empty when the runbook protects none). */
  databases: ProtectedDatabaseRow[];
  pruned: string[];
}

/** One line per protected database, for the CLI and the shell. */
export function databaseLines(databases: readonly ProtectedDatabaseRow[], indent = ''): string[] {
  return databases.map((d) => {
    const age = d.ageMs === undefined ? 'no copy' : `${formatDuration(d.ageMs)} old`;
    return `${indent}${d.databaseId} (database ${d.kind}) ${d.snapshotId ?? '—'} (${age})`;
  });
}

export async function protectOnce(options: ProtectOptions): Promise<ProtectPassResult> {
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
  runtime: { cloud: CloudProvider; clock: Clock; database?: DatabasePort },
  runbook: Runbook,
  options: { pollMs?: number; timeoutMs?: number; fakeClock?: FakeClock } = {},
): Promise<ProtectPassResult> {
  const clock = options.fakeClock;
  const { cloud, database } = runtime;
  // the sim stands in for every cloud; a real one captures only its own runbooks
  const here = cloud.name ? { name: cloud.name } : undefined;
  if (here && !servesRunbook(here, runbook)) throw providerNotConfigured(runbook, here, 'protect');
  const source = runbook.spec.source.region;
  const target = runbook.spec.target.region;
  const { tags, instanceIds, databases: selector } = runbook.spec.protect;
  // a runbook that protects only databases has no instance selector: no EC2 pass
  const protectsInstances = tags !== undefined || instanceIds !== undefined;
  const instances = protectsInstances
    ? inSideZone(
        runbook,
        'drill',
        'protected',
        await cloud.listProtected(sideSelector(runbook, 'drill', 'protected'), source),
      )
    : [];
  if (instances.length === 0 && !selector) {
    throw new NonRetryableError(`No instances in ${source} match ${runbook.metadata.name}'s spec.protect`, {
      code: 'NO_PROTECTED_INSTANCES',
      explanation: `The selector ${JSON.stringify(runbook.spec.protect)} matched nothing.`,
      action: 'Check the tags or ids in spec.protect and the source region.',
    });
  }
  if (selector && !database) {
    throw new NonRetryableError(
      `${runbook.metadata.name} protects databases, but this runtime has no database side`,
      {
        code: 'CAPABILITY_NOT_WIRED',
        explanation:
          'spec.protect.databases selects databases, and drbot was started without the database adapter.',
        action: 'Run `drbot protect` with the sim or --provider aws, which wire the database capability.',
      },
    );
  }
  const request = {
    instances,
    sourceRegion: source,
    targetRegion: target,
    retention: runbook.spec.defaults?.retention ?? DEFAULT_RETENTION,
    captureKey: `protect:${runbook.metadata.name}:${runtime.clock.now()}`,
    ...(runbook.spec.protect.capture ? { capture: runbook.spec.protect.capture } : {}),
  };
  const pruned = new Set<string>();
  let protectedDbs: Database[] | undefined;
  /** One pass of both sides (same capture key: a repeat reports progress and captures nothing new). */
  const pass = async (): Promise<boolean> => {
    let pending = false;
    if (instances.length > 0) {
      const out = await cloud.protect(request);
      for (const id of out.pruned) pruned.add(id);
      pending = out.points.some((p) => p.state === 'pending');
    }
    if (selector && database) {
      const dbPass: DatabaseProtectPass = await protectTierDatabases(database, selector, {
        ...request,
        ...(protectedDbs ? { only: protectedDbs.map((d) => d.id) } : {}),
      });
      protectedDbs ??= dbPass.databases;
      for (const id of dbPass.pruned) pruned.add(id);
      if (dbPass.failed.length > 0) throw databaseCopyFailedError(dbPass.failed);
      pending ||= !dbPass.done;
    }
    return pending;
  };
  const deadline = runtime.clock.now() + (options.timeoutMs ?? 3_600_000);
  while (await pass()) {
    if (runtime.clock.now() > deadline) break;
    const wait = options.pollMs ?? 2_000;
    if (clock) clock.advance(wait);
    else await new Promise((resolve) => setTimeout(resolve, wait));
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
  const databases: ProtectedDatabaseRow[] = [];
  for (const db of protectedDbs ?? []) {
    const latest = await database?.latestDbSnapshot(db.id, target);
    databases.push({
      databaseId: db.id,
      kind: db.kind,
      snapshotId: latest?.id,
      capturedAt: latest?.capturedAt,
      ageMs: latest ? now - latest.capturedAt : undefined,
    });
  }
  return { rows, databases, pruned: [...pruned] };
}
