/**
 * What every part of the executor needs, resolved once from EngineOptions.
 */
import type { ActionRegistry } from '../actions/types.js';
import type { EngineOptions, RunProvider } from '../api.js';
import type { Clock, Directory, Notifier, Random, RunStore } from '../ports.js';
import type { Run } from '../run.js';
import type { Runbook } from '../runbook/types.js';
import { type AppendedOutboxes, publish, recoverOutbox } from './audit.js';
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
  /** Runbook snapshots this engine has read, as JSON by content hash (see `loadRunbook`). */
  runbookTexts: Map<string, string>;
  /** Outboxes this engine appended whole, by run (audit.ts): their next load skips the repair read. */
  appendedOutboxes: AppendedOutboxes;
}

/** Snapshots kept per engine: a worker advances a few runbooks, each hash's text is immutable. */
const RUNBOOK_TEXTS_KEPT = 16;

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
    runbookTexts: new Map(),
    appendedOutboxes: new Map(),
    ...(options.provider ? { provider: { ...options.provider } } : {}),
  };
}

/**
 * The runbook snapshot stored at start, by content hash: a run executes what it started with.
 * The document under a hash never changes (the hash is of its content), so each engine keeps the
 * texts it has read and parses a fresh copy per call: one store read per runbook instead of one
 * per advance (on DynamoDB a round trip before every advance's first action).
 */
export async function loadRunbook(deps: EngineDeps, run: Run): Promise<Runbook> {
  const { hash } = run.runbook;
  const text = deps.runbookTexts.get(hash);
  if (text !== undefined) return JSON.parse(text) as Runbook;
  const runbook = await deps.store.getDoc<Runbook>('runbook', hash);
  if (!runbook) {
    throw stepError(
      'RUNBOOK_SNAPSHOT_MISSING',
      `The runbook snapshot of run ${run.id} (${run.runbook.name}, ${hash.slice(0, 12)}) is missing.`,
      'Every run stores the runbook it started with; this one was deleted or never written.',
      'Start a new run of the runbook.',
    );
  }
  rememberRunbook(deps, hash, runbook);
  return runbook;
}

/** Keeps a snapshot's text (read, or just written by `startRun`) for the next `loadRunbook`. */
export function rememberRunbook(deps: EngineDeps, hash: string, runbook: Runbook): void {
  if (deps.runbookTexts.size >= RUNBOOK_TEXTS_KEPT && !deps.runbookTexts.has(hash)) {
    deps.runbookTexts.delete(deps.runbookTexts.keys().next().value as string);
  }
  deps.runbookTexts.set(hash, JSON.stringify(runbook));
}

export async function loadRun(deps: EngineDeps, runId: string): Promise<Run> {
  const run = await deps.store.getRun(runId);
  if (!run) throw runNotFound(runId);
  return run;
}

/**
 * Loads a run and its runbook into a session, repairing an interrupted audit append first. The
 * repair and the runbook read both need only the run, so they go together.
 */
export async function openSession(
  deps: EngineDeps,
  runId: string,
  options?: SessionOptions,
): Promise<RunSession> {
  const run = await loadRun(deps, runId);
  const [runbook, recovered] = await Promise.all([
    loadRunbook(deps, run),
    recoverOutbox(deps.store, run, deps.appendedOutboxes),
  ]);
  const session = new RunSession(deps, run, runbook, options);
  await publish(deps.notifier, run, recovered);
  return session;
}
