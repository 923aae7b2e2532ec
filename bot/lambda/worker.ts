/**
 * The `worker` function: an SQS message = "advance this run". It calls `engine.advance(runId)`
 * once per distinct run of a batch (several wake-ups of one run coalesce into one advance) and,
 * while the run still has timed work, re-enqueues it with DelaySeconds for its `wakeAt` (≤ 900 s;
 * longer waits hop). Failures are reported per message (ReportBatchItemFailures) so SQS retries
 * only the messages of the run that failed, and after 5 receives moves it to the dead-letter queue (alarmed).
 */
import { createActionRegistry } from '../../engine/actions/registry.js';
import { createAwsNetwork } from '../../engine/adapters/aws/network/aws-network.js';
import { createAwsProvider } from '../../engine/adapters/aws/provider.js';
import { decodeRunMessage, type RunMessage } from '../../engine/adapters/sqs/driver.js';
import type { DatabasePort } from '../../engine/cloud/database.js';
import type { ObjectStoragePort } from '../../engine/cloud/object-storage.js';
import type { ReplicationPort } from '../../engine/cloud/replication.js';
import { ConflictError, DrbotError, NotFoundError } from '../../engine/errors.js';
import type { Clock } from '../../engine/ports.js';
import { type AwsRuntime, getAwsRuntime } from '../runtime/aws.js';
import { dataTierModules } from './data-tier-modules.js';
import { lazyPort, type PortMethods } from './lazy-port.js';

/** A kick that finds the lease taken is retried this much later, at most `KICK_RETRIES` times. */
export const KICK_RETRY_SECONDS = 5;
export const KICK_RETRIES = 3;

/** The parts of an SQS event record the worker reads. */
export interface SqsRecord {
  messageId: string;
  body: string;
}

export interface SqsEvent {
  Records: SqsRecord[];
}

export interface SqsBatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

/** What one message did, for logs and tests. */
export type WorkerOutcome =
  | { kind: 'advanced'; runId: string; status: string; delaySeconds?: number }
  | { kind: 'lease-taken'; runId: string; retried: boolean }
  | { kind: 'dropped'; reason: string };

export async function processMessage(runtime: AwsRuntime, message: RunMessage): Promise<WorkerOutcome> {
  const { runId } = message;
  let result: Awaited<ReturnType<AwsRuntime['engine']['advance']>>;
  try {
    result = await runtime.engine.advance(runId, message.wake ? { wake: message.wake } : undefined);
  } catch (err) {
    // A run that no longer exists will not appear by retrying: drop instead of filling the DLQ.
    if (err instanceof NotFoundError) return { kind: 'dropped', reason: `run ${runId} not found` };
    // Another worker took the run over mid-advance: it carries on, exactly as if the lease was taken.
    if (err instanceof ConflictError && err.code === 'LEASE_LOST') return leaseTaken(runtime, message);
    throw err;
  }
  if (!result.advanced) return leaseTaken(runtime, message);
  // An ended failover under a commit policy still has a wake-up (its commit deadline).
  if (result.wakeAt === undefined) {
    return { kind: 'advanced', runId, status: result.status };
  }
  const delaySeconds = await runtime.driver.schedule(runId, result.wakeAt, runtime.services.clock.now());
  return {
    kind: 'advanced',
    runId,
    status: result.status,
    ...(delaySeconds === undefined ? {} : { delaySeconds }),
  };
}

/**
 * Another worker is advancing the run. A timer is redundant (the holder schedules the next one);
 * a kick may carry news the holder loaded too early (an approval), so it is looked at again soon.
 */
async function leaseTaken(runtime: AwsRuntime, message: RunMessage): Promise<WorkerOutcome> {
  const retry = (message.retry ?? 0) + 1;
  const retried = message.kind === 'kick' && retry <= KICK_RETRIES;
  if (retried) await runtime.driver.kick(message.runId, KICK_RETRY_SECONDS, retry, message.wake);
  return { kind: 'lease-taken', runId: message.runId, retried };
}

/** One run's messages in a batch: advanced once, all of them failed together when it fails. */
interface RunGroup {
  message: RunMessage;
  messageIds: string[];
}

/**
 * Coalesces a batch (serverless.yml: batchSize with a batching window): one advance per distinct
 * run, however many wake-ups it got. A kick wins over a timer (it must be retried if the lease is
 * taken), the first cloud-event reason stands for the others (any reason makes the advance poll
 * now), and the lowest retry count among the kicks is kept (a fresh kick keeps all its retries).
 */
export function groupByRun(records: SqsRecord[]): RunGroup[] {
  const groups = new Map<string, RunGroup>();
  for (const record of records) {
    let message: RunMessage;
    try {
      message = decodeRunMessage(record.body);
    } catch (err) {
      // Unreadable messages never become readable: log and drop rather than retry 5 times.
      console.error(err instanceof DrbotError ? `${err.message} ${err.action}` : err);
      continue;
    }
    const group = groups.get(message.runId);
    if (!group) {
      groups.set(message.runId, { message, messageIds: [record.messageId] });
      continue;
    }
    group.messageIds.push(record.messageId);
    const merged = group.message;
    const kicks = [merged, message].filter((m) => m.kind === 'kick');
    // the freshest kick's count: its news gets every retry it would have had on its own
    const retry = kicks.length > 0 ? Math.min(...kicks.map((m) => m.retry ?? 0)) : 0;
    const wake = merged.wake ?? message.wake;
    group.message = {
      v: 1,
      runId: merged.runId,
      kind: kicks.length > 0 ? 'kick' : 'wake',
      ...(retry > 0 ? { retry } : {}),
      ...(wake ? { wake } : {}),
    };
  }
  return [...groups.values()];
}

export function createWorkerHandler(getRuntime: () => Promise<AwsRuntime>) {
  return async (event: SqsEvent, _context: unknown): Promise<SqsBatchResponse> => {
    const runtime = await getRuntime();
    const failures: { itemIdentifier: string }[] = [];
    // Distinct runs are independent (each under its own lease): advanced side by side, so the
    // last run of a batch does not wait for the others' advances.
    await Promise.all(
      groupByRun(event.Records).map(async ({ message, messageIds }) => {
        try {
          const outcome = await processMessage(runtime, message);
          console.log(JSON.stringify({ drbot: 'worker', messageIds, ...outcome }));
        } catch (err) {
          console.error(
            `drbot: advancing run ${message.runId} failed; SQS will retry ${messageIds.join(', ')}`,
            err,
          );
          for (const id of messageIds) failures.push({ itemIdentifier: id });
        }
      }),
    );
    await runtime.flush();
    return { batchItemFailures: failures };
  };
}

const DATABASE_METHODS: PortMethods<DatabasePort> = {
  listProtectedDatabases: true,
  protectDatabases: true,
  latestDbSnapshot: true,
  restoreDatabase: true,
  describeDatabase: true,
  findRunOwnedDatabases: true,
  deleteDatabase: true,
  promoteReadReplica: true,
  describeGlobalCluster: true,
  moveGlobalWriter: true,
  putParameter: true,
  describeSubnetGroup: true,
  createSubnetGroup: true,
  deleteParametersByPath: true,
};
const OBJECT_STORAGE_METHODS: PortMethods<ObjectStoragePort> = {
  describeBucket: true,
  replicationRules: true,
  putMarker: true,
  markerArrived: true,
  deleteMarker: true,
};
const REPLICATION_METHODS: PortMethods<ReplicationPort> = {
  sourceServers: true,
  recoverySnapshots: true,
  applyLaunchSettings: true,
  startRecovery: true,
  describeJob: true,
  jobLog: true,
  recoveryInstances: true,
  terminateRecoveryInstances: true,
  reverseReplication: true,
};

/**
 * The data tier and DRS, loaded at their first call (lazy-port.ts): most runbooks never use
 * them, and with the runtime's SDK their clients were ~40% of the worker's cold start
 * (bench/cold-start.ts). A bundled build links them statically (data-tier-modules.ts).
 */
export function lazyDataTier(clock: Clock): {
  database: DatabasePort;
  objectStorage: ObjectStoragePort;
  replication: ReplicationPort;
} {
  return {
    // RDS/Aurora with Parameter Store for the endpoint hand-off; the lag at promotion (the
    // claimed RPO of rds.promoteReplica / aurora.*) comes from CloudWatch
    database: lazyPort(async () => {
      const [{ createAwsDatabase }, { awsReplicaLagMetrics }] = await Promise.all([
        dataTierModules.database(),
        dataTierModules.replicaLag(),
      ]);
      return createAwsDatabase({ metrics: awsReplicaLagMetrics() });
    }, DATABASE_METHODS),
    objectStorage: lazyPort(
      async () => (await dataTierModules.objectStorage()).createAwsObjectStorage(),
      OBJECT_STORAGE_METHODS,
    ),
    // continuous replication through Elastic Disaster Recovery (drs.*, method: drs)
    replication: lazyPort(
      async () => (await dataTierModules.replication()).createAwsReplication({ clock }),
      REPLICATION_METHODS,
    ),
  };
}

/**
 * The worker is the one function that executes steps: it alone gets the AWS cloud's handlers. Its
 * engine records `aws` as its provider, so a runbook with another `spec.provider` (alibaba) is
 * never started nor advanced here (PROVIDER_NOT_CONFIGURED): it runs from a self-hosted drbot.
 */
export const handler = createWorkerHandler(() =>
  getAwsRuntime({
    // runs advance from their stored snapshots and the worker starts none: no runbook directory
    runbooks: new Map(),
    // the store and the network let ec2.launch read the mapping and network.replicate write it
    actions: ({ clock, store }) =>
      createActionRegistry({
        cloud: createAwsProvider({ clock }),
        store,
        network: createAwsNetwork(),
        ...lazyDataTier(clock),
      }),
  }),
);
