/**
 * What every part of the executor needs, resolved once from EngineOptions.
 */
import type { ActionRegistry } from '../actions/types.js';
import type { EngineOptions, RunProvider } from '../api.js';
import type { Clock, Directory, Notifier, Random, RunStore } from '../ports.js';
import type { Run } from '../run.js';
import type { Runbook } from '../runbook/types.js';
import { runNotFound, stepError } from './errors.js';
import { randomOwner } from './ids.js';
import { RunSession, type SessionOptions } from './session.js';

export const DEFAULT_CONCURRENCY = 50;
export const DEFAULT_LEASE_MS = 60_000;

export interface EngineDeps {
  store: RunStore;
  clock: Clock;
  random: Random;
  notifier: Notifier;
  directory: Directory;
  actions: ActionRegistry;
  concurrency: number;
  leaseMs: number;
  owner: string;
  provider?: RunProvider;
}

export function resolveDeps(options: EngineOptions): EngineDeps {
  return {
    store: options.store,
    clock: options.clock,
    random: options.random,
    notifier: options.notifier,
    directory: options.directory,
    actions: options.actions,
    concurrency: Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY),
    leaseMs: options.leaseMs ?? DEFAULT_LEASE_MS,
    owner: options.owner ?? randomOwner(options.random),
    ...(options.provider ? { provider: { ...options.provider } } : {}),
  };
}

/** The runbook snapshot stored at start, by content hash: a run executes what it started with. */
export async function loadRunbook(deps: EngineDeps, run: Run): Promise<Runbook> {
  const runbook = await deps.store.getDoc<Runbook>('runbook', run.runbook.hash);
  if (!runbook) {
    throw stepError(
      'RUNBOOK_SNAPSHOT_MISSING',
      `The runbook snapshot of run ${run.id} (${run.runbook.name}, ${run.runbook.hash.slice(0, 12)}) is missing.`,
      'Every run stores the runbook it started with; this one was deleted or never written.',
      'Start a new run of the runbook.',
    );
  }
  return runbook;
}

export async function loadRun(deps: EngineDeps, runId: string): Promise<Run> {
  const run = await deps.store.getRun(runId);
  if (!run) throw runNotFound(runId);
  return run;
}

/** Loads a run and its runbook into a session, repairing an interrupted audit append first. */
export async function openSession(
  deps: EngineDeps,
  runId: string,
  options?: SessionOptions,
): Promise<RunSession> {
  const run = await loadRun(deps, runId);
  const runbook = await loadRunbook(deps, run);
  const session = new RunSession(deps, run, runbook, options);
  await session.recover();
  return session;
}
