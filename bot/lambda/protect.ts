/**
 * The `protect` function: every hour, a recovery point of every runbook's protected instances,
 * and a snapshot of every database its `spec.protect.databases` selects, copied to the runbook's
 * target region, pruned to the retention (24 by default: a day of hourly points). It needs no
 * Slack and no store: just the runbooks and the cloud. Databases go through the same pass as
 * recovery.protect's (`protectTierDatabases`).
 *
 * Captures are idempotent per key (`drbot-hourly:<runbook>:<hour>`), so a retried invocation
 * continues the same capture instead of taking another. The function polls until the copies are
 * available in the target region or its time budget runs out; a capture still pending then stays
 * in the source region and the next hour takes a fresh one.
 */

import { databaseCopyFailedError, protectTierDatabases } from '../../engine/actions/support/data-tier.js';
import { inSideZone, sideSelector } from '../../engine/actions/support/regions.js';
import { createAwsComputeProvider } from '../../engine/adapters/aws/compute-provider.js';
import { AwsDatabase } from '../../engine/adapters/aws/rds/aws-database.js';
import { systemClock } from '../../engine/adapters/system.js';
import type { DatabasePort } from '../../engine/cloud/database.js';
import type { CloudProvider } from '../../engine/cloud/provider.js';
import type { RecoveryPoint } from '../../engine/cloud/recovery-points.js';
import { providerNotConfigured, servesRunbook } from '../../engine/executor/provider.js';
import type { Clock } from '../../engine/ports.js';
import type { Runbook } from '../../engine/runbook/types.js';
import { loadRunbookDir } from '../runbooks/repository.js';

/** Points kept per instance when the runbook sets no `defaults.retention`. */
export const DEFAULT_RETENTION = 24;

/** What a protection pass asks of the cloud: its name, the protected instances, their capture. */
export type ProtectCloud = Pick<CloudProvider, 'name' | 'listProtected' | 'protect'>;

export interface ProtectDeps {
  cloud: ProtectCloud;
  /** The data tier: runbooks with `spec.protect.databases` need it. @default none (their databases fail) */
  database?: DatabasePort;
  runbooks: Map<string, Runbook>;
  clock: Clock;
  /** Milliseconds left before the function must return. */
  remainingMs: () => number;
  sleep: (ms: number) => Promise<void>;
  /** Pause between polls of pending copies. @default 15000 */
  pollMs?: number;
}

export interface RunbookProtection {
  runbook: string;
  instances: number;
  available: number;
  pending: number;
  pruned: number;
  /** With `spec.protect.databases`: the databases protected, and their copies available or still copying. */
  databases?: number;
  snapshotsAvailable?: number;
  snapshotsPending?: number;
  error?: string;
  /**
   * Not protected here: the runbook's spec.provider is another cloud than this function's
   * (PROVIDER_NOT_CONFIGURED, with the remedy). Not an error: the runbook belongs to another drbot.
   */
  skipped?: { code: 'PROVIDER_NOT_CONFIGURED'; message: string; action: string };
}

/** `2026-01-05T09`: one capture key per runbook and UTC hour. */
export function hourKey(at: number): string {
  return new Date(at).toISOString().slice(0, 13);
}

const SAFETY_MS = 30_000;

/** The EC2 side of one pass: counts into `result`; returns an error message when a capture failed. */
async function instancePass(
  deps: ProtectDeps,
  request: Parameters<CloudProvider['protect']>[0],
  result: RunbookProtection,
): Promise<string | undefined> {
  const out = await deps.cloud.protect(request);
  const done = (p: RecoveryPoint) => p.region === request.targetRegion && p.state === 'available';
  result.available = out.points.filter(done).length;
  result.pending = out.points.length - result.available;
  result.pruned += out.pruned.length;
  const failed = out.points.filter((p) => p.state === 'error');
  if (failed.length > 0) return `capture failed for ${failed.map((p) => p.sourceInstanceId).join(', ')}`;
  return undefined;
}

async function protectRunbook(deps: ProtectDeps, runbook: Runbook, now: number): Promise<RunbookProtection> {
  const { spec } = runbook;
  const name = runbook.metadata.name;
  // a runbook that protects only databases has no instance selector: no EC2 pass
  const protectsInstances = spec.protect.tags !== undefined || spec.protect.instanceIds !== undefined;
  const instances = protectsInstances
    ? inSideZone(
        runbook,
        'drill',
        'protected',
        await deps.cloud.listProtected(sideSelector(runbook, 'drill', 'protected'), spec.source.region),
      )
    : [];
  const result: RunbookProtection = {
    runbook: name,
    instances: instances.length,
    available: 0,
    pending: 0,
    pruned: 0,
  };
  const selector = spec.protect.databases;
  if (selector && !deps.database) {
    result.error = 'spec.protect.databases is set but this function has no database adapter';
    return result;
  }
  if (instances.length === 0 && !selector) return result;
  const request = {
    instances,
    sourceRegion: spec.source.region,
    targetRegion: spec.target.region,
    retention: spec.defaults?.retention ?? DEFAULT_RETENTION,
    captureKey: `drbot-hourly:${name}:${hourKey(now)}`,
    ...(spec.protect.capture ? { capture: spec.protect.capture } : {}),
  };
  const pollMs = deps.pollMs ?? 15_000;
  let databaseIds: string[] | undefined;
  for (;;) {
    if (instances.length > 0) {
      const error = await instancePass(deps, request, result);
      if (error) {
        result.error = error;
        return result;
      }
    }
    if (selector && deps.database) {
      const pass = await protectTierDatabases(deps.database, selector, {
        ...request,
        ...(databaseIds ? { only: databaseIds } : {}),
      });
      databaseIds ??= pass.databases.map((d) => d.id);
      result.databases = databaseIds.length;
      result.snapshotsAvailable = Object.keys(pass.copies).length;
      result.snapshotsPending = result.databases - result.snapshotsAvailable;
      result.pruned += pass.pruned.length;
      if (pass.failed.length > 0) {
        result.error = databaseCopyFailedError(pass.failed).message;
        return result;
      }
    }
    const pending = result.pending + (result.snapshotsPending ?? 0);
    if (pending === 0 || deps.remainingMs() < pollMs + SAFETY_MS) return result;
    await deps.sleep(pollMs);
  }
}

/** Protects every runbook; one runbook failing does not stop the others. */
export async function protectAll(deps: ProtectDeps): Promise<RunbookProtection[]> {
  const now = deps.clock.now();
  const results: RunbookProtection[] = [];
  const here = deps.cloud.name ? { name: deps.cloud.name } : undefined;
  for (const runbook of deps.runbooks.values()) {
    if (here && !servesRunbook(here, runbook)) {
      // never capture (nor prune) with the wrong cloud's clients
      const refusal = providerNotConfigured(runbook, here, 'protect');
      results.push({
        runbook: runbook.metadata.name,
        instances: 0,
        available: 0,
        pending: 0,
        pruned: 0,
        skipped: { code: 'PROVIDER_NOT_CONFIGURED', message: refusal.message, action: refusal.action },
      });
      continue;
    }
    try {
      results.push(await protectRunbook(deps, runbook, now));
    } catch (err) {
      results.push({
        runbook: runbook.metadata.name,
        instances: 0,
        available: 0,
        pending: 0,
        pruned: 0,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }
  return results;
}

let runbooksOnce: Promise<Map<string, Runbook>> | undefined;
// EC2 only: protection runs no commands and switches no DNS, so SSM and Route 53 stay out of the bundle.
const cloud = createAwsComputeProvider();
// Without Parameter Store: protection takes and copies snapshots, it never hands off endpoints.
const database = new AwsDatabase();

export async function handler(_event: unknown, context: { getRemainingTimeInMillis?: () => number }) {
  runbooksOnce ??= loadRunbookDir(
    `${process.env.LAMBDA_TASK_ROOT ?? '.'}/${process.env.DRBOT_RUNBOOK_DIR ?? 'runbooks'}`,
  ).then((loaded) => loaded.runbooks);
  const results = await protectAll({
    cloud,
    database,
    runbooks: await runbooksOnce,
    clock: systemClock,
    remainingMs: () => context.getRemainingTimeInMillis?.() ?? 60_000,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  });
  for (const result of results) console.log(JSON.stringify({ drbot: 'protect', ...result }));
  const failed = results.filter((r) => r.error);
  // Failing the invocation makes the Lambda Errors metric (and any alarm on it) see the problem.
  if (failed.length > 0)
    throw new Error(`Recovery points failed for ${failed.map((r) => `${r.runbook}: ${r.error}`).join('; ')}`);
  return results;
}
