/**
 * Item writes (what DynamoDB bills) and latency per RunStore operation, memory vs embedded
 * dynalite, over one scripted failover-shaped run. Prints one JSON line.
 *
 *   node --import tsx bench/store-writes.ts
 */
import { startEmbeddedDynamo } from '../bot/embedded/dynalite.js';
import { DynamoRunStore } from '../engine/adapters/dynamodb/store.js';
import { MemoryRunStore } from '../engine/adapters/memory/store.js';
import type { RunStore } from '../engine/ports.js';
import type { AuditEvent, Run } from '../engine/run.js';

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const STEPS = 8;

function run(id: string, version: number): Run {
  const steps: Run['steps'] = {};
  for (let i = 0; i < STEPS; i++) {
    steps[`step-${i}`] = {
      id: `step-${i}`,
      phase: 'main',
      action: 'ec2.launch',
      status: 'pending',
      attempt: 0,
    };
  }
  return {
    id,
    runbook: { name: 'app-tier', hash: 'h' },
    mode: 'failover',
    initiator: 'U0ALICE',
    params: {},
    status: 'running',
    phase: 'main',
    createdAt: T0,
    updatedAt: T0,
    steps,
    measures: { objectives: { rtoMs: 900_000, rpoMs: 3_600_000 } },
    meta: {},
    version,
    auditSeq: 0,
  };
}

function event(runId: string, seq: number): AuditEvent {
  return { runId, seq, at: T0 + seq, kind: 'step.note', actor: 'drbot', message: `event ${seq}` };
}

/** One failover: lock, lease, gate with two approvals and a repeat click, a save + 2 events per step. */
async function scriptedRun(store: RunStore, id: string): Promise<void> {
  await store.acquireLock(`runbook:app-tier:${id}`, id, T0);
  await store.createRun(run(id, 1));
  await store.appendAudit([event(id, 1)]);
  await store.acquireLease(id, 'worker', T0, 30_000);
  await store.openGate({ runId: id, stepKey: 'approve', gate: 'cutover', required: 2, approvals: [] });
  await store.recordApproval(id, 'approve', 'U0BOB', T0);
  await store.recordApproval(id, 'approve', 'U0BOB', T0);
  await store.recordApproval(id, 'approve', 'U0CAROL', T0);
  let seq = 1;
  for (let i = 0; i < STEPS; i++) {
    await store.saveRun(run(id, i + 2), i + 1);
    await store.appendAudit([event(id, ++seq), event(id, ++seq)]);
    await store.acquireLease(id, 'worker', T0 + i, 30_000);
  }
  await store.putDoc('slack-message', id, { channel: 'C0', ts: '1.2' });
  await store.releaseLease(id, 'worker');
  await store.releaseLock(`runbook:app-tier:${id}`, id);
  await store.listRuns({ runbook: 'app-tier', limit: 20 });
  await store.listAudit(id);
}

async function measure(store: MemoryRunStore | DynamoRunStore, runs: number) {
  await scriptedRun(store, 'warm-up');
  store.writes.reset();
  const started = performance.now();
  for (let i = 0; i < runs; i++) await scriptedRun(store, `R${i}`);
  const perRunMs = (performance.now() - started) / runs;
  const writesPerRun = Object.fromEntries(
    Object.entries(store.writes.byOperation()).map(([operation, n]) => [operation, n / runs]),
  );
  const totalWritesPerRun = store.writes.total / runs;
  const approvalsStarted = performance.now();
  await store.openGate({ runId: 'race', stepKey: 'approve', gate: 'cutover', required: 2, approvals: [] });
  const answers = await Promise.all(
    Array.from({ length: 200 }, (_, i) => store.recordApproval('race', 'approve', `U${i % 5}`, T0)),
  );
  return {
    writesPerRun,
    totalWritesPerRun,
    msPerRun: Number(perRunMs.toFixed(2)),
    concurrentApprovals200Ms: Number((performance.now() - approvalsStarted).toFixed(1)),
    openedCount: answers.filter((a) => a.counted && a.opened).length,
  };
}

const memory = await measure(new MemoryRunStore(), 50);
const dynamo = await startEmbeddedDynamo();
try {
  const store = new DynamoRunStore({ client: dynamo.client, tableName: 'drbot-bench', createTable: true });
  const dynalite = await measure(store, 10);
  console.log(JSON.stringify({ bench: 'store-writes', stepsPerRun: STEPS, memory, dynalite }));
} finally {
  await dynamo.close();
}
