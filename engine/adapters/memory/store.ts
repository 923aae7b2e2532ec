/**
 * An in-memory RunStore for unit tests and benches. It keeps the same contract as the DynamoDB
 * store (the shared contract tests run against both): conditional writes fail the same way, and
 * every record is deep-copied in and out so a caller mutating an object it passed or received
 * cannot change stored state, exactly as with a real database. A save with RunChanges copies
 * only the changed steps (stored-run.ts).
 */

import type { ApprovalWrite, ListRunsQuery, LockResult, RunChanges, RunStore } from '../../ports.js';
import type { AuditEvent, GateRecord, Run, RunSummary } from '../../run.js';
import type { TierState } from '../../tier/types.js';
import {
  auditDuplicateError,
  gateNotFoundError,
  invalidRecordError,
  runExistsError,
  staleRunError,
  staleTierError,
  undeclaredChangesError,
} from './store-errors.js';
import { loadRun, type StoredRun, storeDelta, storeWhole, undeclaredChanges } from './stored-run.js';
import { WriteCounter } from './write-counter.js';

interface Lease {
  owner: string;
  expiresAt: number;
}

/** Default page size of `listRuns`, as documented on `ListRunsQuery.limit`. */
export const DEFAULT_LIST_LIMIT = 20;

/** Records are plain JSON by contract, and a JSON round trip is several times cheaper than structuredClone. */
function copy<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

export interface MemoryRunStoreOptions {
  /**
   * Check every delta save against the stored copy, refusing one that leaves out a changed step
   * (`STORE_UNDECLARED_CHANGE`): tests catch an executor change that a delta would lose. It
   * serializes every step again, as a whole save does, so benches turn it off.
   * @default true
   */
  checkChanges?: boolean;
}

/** Keeps callers honest about asynchrony: results never arrive in the same tick, as over a network. */
function tick(): Promise<void> {
  return Promise.resolve();
}

export class MemoryRunStore implements RunStore {
  /** Item writes attempted per operation, for benches. */
  readonly writes = new WriteCounter();
  /** Characters of run text serialized by createRun and saveRun (what a save copies), for benches. */
  runCharsWritten = 0;

  private readonly runs = new Map<string, StoredRun>();
  private readonly audit = new Map<string, Map<number, AuditEvent>>();
  private readonly leases = new Map<string, Lease>();
  private readonly locks = new Map<string, { holder: string; since: number }>();
  private readonly gates = new Map<string, GateRecord>();
  private readonly docs = new Map<string, unknown>();
  private readonly tiers = new Map<string, string>();
  private readonly checkChanges: boolean;

  constructor(options: MemoryRunStoreOptions = {}) {
    this.checkChanges = options.checkChanges ?? true;
  }

  async createRun(run: Run): Promise<void> {
    await tick();
    if (!run.id) throw invalidRecordError('run', 'the id is empty');
    this.writes.add('createRun');
    if (this.runs.has(run.id)) throw runExistsError(run.id);
    this.keepRun(storeWhole(run));
  }

  private keepRun(stored: StoredRun): void {
    this.runs.set(stored.summary.id, stored);
    this.runCharsWritten += stored.written;
  }

  async getRun(runId: string): Promise<Run | undefined> {
    await tick();
    const stored = this.runs.get(runId);
    return stored === undefined ? undefined : loadRun(stored);
  }

  async saveRun(run: Run, expectedVersion: number, changes?: RunChanges): Promise<void> {
    await tick();
    this.writes.add('saveRun');
    const stored = this.runs.get(run.id);
    if (stored === undefined || stored.version !== expectedVersion) {
      throw staleRunError(run.id, expectedVersion, stored?.version);
    }
    if (changes !== undefined && this.checkChanges) {
      const undeclared = undeclaredChanges(stored, run, changes);
      if (undeclared.length > 0) throw undeclaredChangesError(run.id, undeclared);
    }
    this.keepRun(changes === undefined ? storeWhole(run) : storeDelta(stored, run, changes));
  }

  async listRuns(query: ListRunsQuery): Promise<RunSummary[]> {
    await tick();
    const limit = query.limit ?? DEFAULT_LIST_LIMIT;
    const matching = [...this.runs.values()]
      .map((stored) => stored.summary)
      .filter(
        (run) =>
          (query.runbook === undefined || run.runbook === query.runbook) &&
          (query.mode === undefined || run.mode === query.mode),
      );
    // Newest first; ties broken by id (ULIDs sort by time), the same order as the DynamoDB index.
    matching.sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
    return matching.slice(0, Math.max(0, limit)).map((summary) => copy(summary));
  }

  async appendAudit(events: AuditEvent[]): Promise<void> {
    await tick();
    for (const event of events) {
      if (!event.runId) throw invalidRecordError('audit event', 'the run id is empty');
      if (!Number.isInteger(event.seq) || event.seq < 1) {
        throw invalidRecordError('audit event', `seq ${event.seq} is not a positive integer`);
      }
    }
    // Like independent conditional puts: every fresh event is written, duplicates are reported.
    const duplicates = new Map<string, number[]>();
    for (const event of events) {
      this.writes.add('appendAudit');
      let trail = this.audit.get(event.runId);
      if (trail === undefined) {
        trail = new Map();
        this.audit.set(event.runId, trail);
      }
      if (trail.has(event.seq)) {
        duplicates.set(event.runId, [...(duplicates.get(event.runId) ?? []), event.seq]);
        continue;
      }
      trail.set(event.seq, copy(event));
    }
    const [first] = duplicates;
    if (first) throw auditDuplicateError(first[0], first[1]);
  }

  async listAudit(runId: string, afterSeq?: number): Promise<AuditEvent[]> {
    await tick();
    const trail = this.audit.get(runId);
    if (trail === undefined) return [];
    return [...trail.values()]
      .filter((event) => afterSeq === undefined || event.seq > afterSeq)
      .sort((a, b) => a.seq - b.seq)
      .map(copy);
  }

  async acquireLease(runId: string, owner: string, now: number, ttlMs: number): Promise<boolean> {
    await tick();
    this.writes.add('acquireLease');
    const lease = this.leases.get(runId);
    // A lease is free from its expiry instant on, matching the DynamoDB condition `expiresAt <= :now`.
    if (lease !== undefined && lease.owner !== owner && lease.expiresAt > now) return false;
    this.leases.set(runId, { owner, expiresAt: now + ttlMs });
    return true;
  }

  async releaseLease(runId: string, owner: string): Promise<void> {
    await tick();
    this.writes.add('releaseLease');
    if (this.leases.get(runId)?.owner === owner) this.leases.delete(runId);
  }

  async acquireLock(name: string, holder: string, now: number): Promise<LockResult> {
    await tick();
    this.writes.add('acquireLock');
    const lock = this.locks.get(name);
    if (lock !== undefined && lock.holder !== holder) return { acquired: false, holder: lock.holder };
    if (lock === undefined) this.locks.set(name, { holder, since: now });
    return { acquired: true };
  }

  async releaseLock(name: string, holder: string): Promise<void> {
    await tick();
    this.writes.add('releaseLock');
    if (this.locks.get(name)?.holder === holder) this.locks.delete(name);
  }

  async openGate(gate: GateRecord): Promise<GateRecord> {
    await tick();
    this.writes.add('openGate');
    const key = gateKey(gate.runId, gate.stepKey);
    const stored = this.gates.get(key);
    if (stored !== undefined) return copy(stored);
    this.gates.set(key, copy(gate));
    return copy(gate);
  }

  async getGate(runId: string, stepKey: string): Promise<GateRecord | undefined> {
    await tick();
    const gate = this.gates.get(gateKey(runId, stepKey));
    return gate === undefined ? undefined : copy(gate);
  }

  async recordApproval(runId: string, stepKey: string, user: string, at: number): Promise<ApprovalWrite> {
    await tick();
    this.writes.add('recordApproval');
    const gate = this.gates.get(gateKey(runId, stepKey));
    if (gate === undefined) throw gateNotFoundError(runId, stepKey);
    // "Already approved" wins over "closed": the person clicking twice learns their click counted before.
    if (gate.approvals.some((approval) => approval.user === user)) {
      // Same repair as the DynamoDB store: a quorum without a decision (a crash between its two
      // writes there) is completed by the next click.
      if (gate.decision === undefined && gate.approvals.length >= gate.required) {
        gate.decision = { outcome: 'approved', by: user, at };
      }
      return { counted: false, reason: 'already-approved', gate: copy(gate) };
    }
    if (gate.decision !== undefined) return { counted: false, reason: 'gate-closed', gate: copy(gate) };
    if (gate.approvals.length >= gate.required) {
      // A full quorum without a decision: complete it; a gate never holds more than `required`.
      gate.decision = { outcome: 'approved', by: user, at };
      return { counted: false, reason: 'gate-closed', gate: copy(gate) };
    }
    gate.approvals.push({ user, at });
    const opened = gate.approvals.length >= gate.required;
    if (opened) gate.decision = { outcome: 'approved', by: user, at };
    return { counted: true, gate: copy(gate), opened };
  }

  async decideGate(
    runId: string,
    stepKey: string,
    decision: NonNullable<GateRecord['decision']>,
  ): Promise<{ applied: boolean; gate: GateRecord }> {
    await tick();
    this.writes.add('decideGate');
    const gate = this.gates.get(gateKey(runId, stepKey));
    if (gate === undefined) throw gateNotFoundError(runId, stepKey);
    if (gate.decision !== undefined) return { applied: false, gate: copy(gate) };
    gate.decision = copy(decision);
    return { applied: true, gate: copy(gate) };
  }

  async getTier(runbook: string): Promise<TierState | undefined> {
    await tick();
    const stored = this.tiers.get(runbook);
    return stored === undefined ? undefined : (JSON.parse(stored) as TierState);
  }

  async saveTier(tier: TierState, expectedVersion: number): Promise<void> {
    await tick();
    if (!tier.runbook) throw invalidRecordError('tier', 'the runbook name is empty');
    this.writes.add('saveTier');
    const stored = this.tiers.get(tier.runbook);
    const version = stored === undefined ? 0 : (JSON.parse(stored) as TierState).version;
    if (version !== expectedVersion) {
      throw staleTierError(tier.runbook, expectedVersion, stored === undefined ? undefined : version);
    }
    this.tiers.set(tier.runbook, JSON.stringify(tier));
  }

  async getDoc<T>(kind: string, id: string): Promise<T | undefined> {
    await tick();
    const doc = this.docs.get(docKey(kind, id));
    return doc === undefined ? undefined : (copy(doc) as T);
  }

  async putDoc<T>(kind: string, id: string, doc: T): Promise<void> {
    await tick();
    this.writes.add('putDoc');
    this.docs.set(docKey(kind, id), copy(doc));
  }
}

function gateKey(runId: string, stepKey: string): string {
  return JSON.stringify([runId, stepKey]);
}

function docKey(kind: string, id: string): string {
  return JSON.stringify([kind, id]);
}
