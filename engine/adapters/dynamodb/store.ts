/**
 * The DynamoDB RunStore: one table, single-item conditional writes only (no transactions, so it
 * runs unchanged on dynalite). Layout and conditions are documented in engine/ARCHITECTURE.md
 * ("DynamoDB single-table layout"); the table itself is defined in table-definition.ts.
 *
 * Runs, audit events and docs are stored as JSON (a run's compressed in step segments, so a save
 * writes only the changed ones, see run-segments.ts and run-save.ts; audit events by pages, see
 * audit.ts): the store never needs to look inside, and it avoids DynamoDB's marshalling edge
 * cases (empty sets, undefined). A run's compressed body must stay under DynamoDB's 400 KB item
 * limit; the store refuses a larger one with a clear error.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ConflictError } from '../../errors.js';
import type { ApprovalWrite, ListRunsQuery, LockResult, RunChanges, RunStore } from '../../ports.js';
import type { AuditEvent, GateRecord, Run, RunSummary } from '../../run.js';
import type { TierState } from '../../tier/types.js';
import { DEFAULT_LIST_LIMIT } from '../memory/store.js';
import {
  auditDuplicateError,
  invalidRecordError,
  runExistsError,
  staleTierError,
} from '../memory/store-errors.js';
import { WriteCounter } from '../memory/write-counter.js';
import { appendAuditEvents, listAuditEvents } from './audit.js';
import { assertFitsInItem } from './errors.js';
import { DynamoItems } from './items.js';
import { ALL_RUNS_PARTITION, keys, runbookPartition } from './keys.js';
import { decodeRunBody } from './run-codec.js';
import { runItem, saveRunItem } from './run-save.js';
import * as gates from './store-gates.js';
import { ensureTable } from './table.js';
import { RUN_STORE_TABLE } from './table-definition.js';

export interface DynamoRunStoreOptions {
  /** The DynamoDB client (region, endpoint, credentials are its business). */
  client: DynamoDBClient;
  /** Name of the single table. */
  tableName: string;
  /**
   * Create the table on first use when it is missing, and wait until it is ACTIVE
   * (local mode and tests; in AWS the stack creates it).
   * @default false
   */
  createTable?: boolean;
}

/** How many times a lock acquisition re-tries when the holder releases while we look. */
const LOCK_ATTEMPTS = 3;

export class DynamoRunStore implements RunStore {
  /** Item writes attempted per operation, for benches. */
  readonly writes = new WriteCounter();

  private readonly client: DynamoDBClient;
  /** The single table this store reads and writes. */
  readonly tableName: string;
  private readonly items: DynamoItems;
  private tableReady: Promise<void> | undefined;

  constructor(options: DynamoRunStoreOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    const ready = options.createTable ? () => this.ensureTable() : () => Promise.resolve();
    this.items = new DynamoItems(options.client, options.tableName, this.writes, ready);
  }

  /** Creates the table if missing and waits for ACTIVE; runs once, again only after a failure. */
  ensureTable(): Promise<void> {
    this.tableReady ??= ensureTable(this.client, this.tableName).then(
      () => undefined,
      (err: unknown) => {
        this.tableReady = undefined;
        throw err;
      },
    );
    return this.tableReady;
  }

  async createRun(run: Run): Promise<void> {
    if (!run.id) throw invalidRecordError('run', 'the id is empty');
    const item = runItem(run);
    if (!(await this.items.put('createRun', item, { expression: 'attribute_not_exists(PK)' }))) {
      throw runExistsError(run.id);
    }
  }

  async getRun(runId: string): Promise<Run | undefined> {
    const item = await this.items.get(keys.run(runId));
    return item === undefined ? undefined : decodeRunBody(item);
  }

  saveRun(run: Run, expectedVersion: number, changes?: RunChanges): Promise<void> {
    return saveRunItem(this.items, run, expectedVersion, changes);
  }

  async listRuns(query: ListRunsQuery): Promise<RunSummary[]> {
    const limit = Math.max(0, query.limit ?? DEFAULT_LIST_LIMIT);
    if (limit === 0) return [];
    const index =
      query.runbook === undefined ? RUN_STORE_TABLE.allRunsIndex : RUN_STORE_TABLE.runbookRunsIndex;
    const partition = query.runbook === undefined ? ALL_RUNS_PARTITION : runbookPartition(query.runbook);
    // DynamoDB applies Limit before the filter, so with a mode filter read wider pages until enough match.
    const found = await this.items.query(
      {
        IndexName: index.name,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: {
          '#pk': index.partitionKey,
          ...(query.mode === undefined ? {} : { '#mode': 'mode' }),
        },
        ExpressionAttributeValues: {
          ':pk': partition,
          ...(query.mode === undefined ? {} : { ':mode': query.mode }),
        },
        ...(query.mode === undefined ? {} : { FilterExpression: '#mode = :mode' }),
        ScanIndexForward: false,
        Limit: query.mode === undefined ? limit : Math.max(limit * 4, 50),
      },
      (items) => items.length >= limit,
    );
    return found.slice(0, limit).map((item) => JSON.parse(item.summary as string) as RunSummary);
  }

  async appendAudit(events: AuditEvent[]): Promise<void> {
    for (const event of events) {
      if (!event.runId) throw invalidRecordError('audit event', 'the run id is empty');
      if (!Number.isInteger(event.seq) || event.seq < 1) {
        throw invalidRecordError('audit event', `seq ${event.seq} is not a positive integer`);
      }
    }
    // One conditional write per audit page touched: each (runId, seq) is claimed once; fresh events are all written.
    const duplicate = await appendAuditEvents(this.items, events);
    const [first] = duplicate;
    if (first !== undefined) {
      throw auditDuplicateError(
        first.runId,
        duplicate.filter((event) => event.runId === first.runId).map((event) => event.seq),
      );
    }
  }

  listAudit(runId: string, afterSeq?: number): Promise<AuditEvent[]> {
    return listAuditEvents(this.items, runId, afterSeq);
  }

  async acquireLease(runId: string, owner: string, now: number, ttlMs: number): Promise<boolean> {
    return this.items.put(
      'acquireLease',
      { ...keys.lease(runId), owner, expiresAt: now + ttlMs },
      {
        expression: 'attribute_not_exists(PK) OR expiresAt <= :now OR #owner = :owner',
        names: { '#owner': 'owner' },
        values: { ':now': now, ':owner': owner },
      },
    );
  }

  async releaseLease(runId: string, owner: string): Promise<void> {
    await this.items.delete('releaseLease', keys.lease(runId), {
      expression: '#owner = :owner',
      names: { '#owner': 'owner' },
      values: { ':owner': owner },
    });
  }

  async acquireLock(name: string, holder: string, now: number): Promise<LockResult> {
    const key = keys.lock(name);
    for (let attempt = 1; attempt <= LOCK_ATTEMPTS; attempt++) {
      const taken = await this.items.update(
        'acquireLock',
        key,
        { UpdateExpression: 'SET holder = :holder, since = if_not_exists(since, :now)' },
        {
          expression: 'attribute_not_exists(PK) OR holder = :holder',
          values: { ':holder': holder, ':now': now },
        },
      );
      if (taken !== undefined) return { acquired: true };
      const current = await this.items.get(key);
      if (current !== undefined) return { acquired: false, holder: current.holder as string };
      // Released between our write and our read: try again.
    }
    throw lockContendedError(name);
  }

  async releaseLock(name: string, holder: string): Promise<void> {
    await this.items.delete('releaseLock', keys.lock(name), {
      expression: 'holder = :holder',
      values: { ':holder': holder },
    });
  }

  openGate(gate: GateRecord): Promise<GateRecord> {
    return gates.openGate(this.items, gate);
  }

  getGate(runId: string, stepKey: string): Promise<GateRecord | undefined> {
    return gates.getGate(this.items, runId, stepKey);
  }

  recordApproval(runId: string, stepKey: string, user: string, at: number): Promise<ApprovalWrite> {
    return gates.recordApproval(this.items, runId, stepKey, user, at);
  }

  decideGate(
    runId: string,
    stepKey: string,
    decision: NonNullable<GateRecord['decision']>,
  ): Promise<{ applied: boolean; gate: GateRecord }> {
    return gates.decideGate(this.items, runId, stepKey, decision);
  }

  async getTier(runbook: string): Promise<TierState | undefined> {
    const item = await this.items.get(keys.tier(runbook));
    return item === undefined ? undefined : (JSON.parse(item.body as string) as TierState);
  }

  async saveTier(tier: TierState, expectedVersion: number): Promise<void> {
    if (!tier.runbook) throw invalidRecordError('tier', 'the runbook name is empty');
    const body = JSON.stringify(tier);
    assertFitsInItem(`tier ${tier.runbook}`, body, { runbook: tier.runbook });
    const condition =
      expectedVersion === 0
        ? { expression: 'attribute_not_exists(PK)' }
        : {
            expression: '#version = :expected',
            names: { '#version': 'version' },
            values: { ':expected': expectedVersion },
          };
    const item = { ...keys.tier(tier.runbook), version: tier.version, body };
    if (await this.items.put('saveTier', item, condition)) return;
    const stored = await this.items.get(keys.tier(tier.runbook));
    throw staleTierError(tier.runbook, expectedVersion, stored?.version as number | undefined);
  }

  async getDoc<T>(kind: string, id: string): Promise<T | undefined> {
    const item = await this.items.get(keys.doc(kind, id));
    return item === undefined ? undefined : (JSON.parse(item.body as string) as T);
  }

  async putDoc<T>(kind: string, id: string, doc: T): Promise<void> {
    const body = JSON.stringify(doc);
    assertFitsInItem(`document ${kind}/${id}`, body, { kind, id });
    await this.items.put('putDoc', { ...keys.doc(kind, id), kind, body });
  }
}

function lockContendedError(name: string): ConflictError {
  return new ConflictError(`The lock ${name} could not be acquired or read.`, {
    code: 'LOCK_CONTENDED',
    explanation: `The lock was taken and released again on each of ${LOCK_ATTEMPTS} attempts, so its holder is unknown.`,
    action: 'Try again in a moment; another run of this runbook is starting or ending right now.',
    context: { lock: name },
  });
}
