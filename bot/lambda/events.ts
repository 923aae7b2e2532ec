/**
 * The `events` function: EventBridge delivers the cloud's own completion events (an instance
 * running, stopped or terminated, an EBS snapshot created or copied, an AMI available, an SSM
 * command done, an RDS instance or a restored Aurora cluster available) and this handler wakes the run that owns the resource,
 * found by its `drbot:run-id` tag: one kick message on the work queue with the event as its
 * `wake` reason, so the worker polls at once instead of at the run's next poll (serverless.yml,
 * rules `WakeOn*`).
 *
 * Events of resources drbot does not own (no tag: production, the hourly protect copies) are
 * ignored. Polls stay the fallback, so a lost, late or duplicate event only costs a poll interval
 * or one advance that finds nothing new (idempotent under the lease). Route 53 emits no INSYNC
 * event: dns.switch keeps polling.
 */
import { DescribeTagsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { ListTagsForResourceCommand, RDSClient } from '@aws-sdk/client-rds';
import { SQSClient } from '@aws-sdk/client-sqs';
import { ListCommandsCommand, SSMClient } from '@aws-sdk/client-ssm';
import { SqsRunDriver } from '../../engine/adapters/sqs/driver.js';

export const RUN_TAG = 'drbot:run-id';

/** The parts of an EventBridge event the handler reads. */
export interface CloudEvent {
  source: string;
  'detail-type': string;
  region: string;
  resources?: string[];
  detail: Record<string, unknown>;
}

/** What finished, on which resource; undefined for an event that finishes nothing. */
export interface FinishedOperation {
  kind: 'instance' | 'snapshot' | 'image' | 'command' | 'database';
  id: string;
  reason: string;
}

export interface EventsDeps {
  ec2: (region: string) => Pick<EC2Client, 'send'>;
  ssm: (region: string) => Pick<SSMClient, 'send'>;
  rds: (region: string) => Pick<RDSClient, 'send'>;
  wake: (runId: string, reason: string) => Promise<void>;
}

export type EventOutcome =
  | { kind: 'woken'; runId: string; reason: string }
  | { kind: 'ignored'; why: string };

const str = (value: unknown): string | undefined => (typeof value === 'string' && value ? value : undefined);
/** `arn:aws:ec2::us-west-2:snapshot/snap-0abc` → `snap-0abc`. */
const lastSegment = (arn: string | undefined): string | undefined => arn?.split(/[/:]/).pop() || undefined;

const INSTANCE_STATES = new Set(['running', 'stopped', 'terminated']);
const COMMAND_DONE = new Set(['Success', 'Failed', 'TimedOut', 'Cancelled']);
/** RDS-EVENT-0005: DB instance created (a restore is available); 0008: restored from a snapshot. */
const RDS_AVAILABLE = new Set(['RDS-EVENT-0005', 'RDS-EVENT-0008', 'RDS-EVENT-0043']);
/**
 * RDS-EVENT-0170: DB cluster created, which a RestoreDBClusterFromSnapshot also emits: the
 * restored Aurora cluster is available and rds.restore can add its writer instance now.
 */
const RDS_CLUSTER_AVAILABLE = new Set(['RDS-EVENT-0170']);

export function finishedOperation(event: CloudEvent): FinishedOperation | undefined {
  const d = event.detail ?? {};
  switch (event['detail-type']) {
    case 'EC2 Instance State-change Notification': {
      const id = str(d['instance-id']);
      const state = str(d.state);
      return id && state && INSTANCE_STATES.has(state)
        ? { kind: 'instance', id, reason: `ec2:${state} ${id}` }
        : undefined;
    }
    case 'EBS Snapshot Notification': {
      const id = lastSegment(str(d.snapshot_id));
      const what = str(d.event);
      return id && what && str(d.result) === 'succeeded'
        ? { kind: 'snapshot', id, reason: `ebs:${what} ${id}` }
        : undefined;
    }
    case 'EC2 AMI State Change': {
      const id = str(d.ImageId);
      const state = str(d.State);
      return id && (state === 'available' || state === 'failed')
        ? { kind: 'image', id, reason: `ami:${state} ${id}` }
        : undefined;
    }
    case 'EC2 Command Status-change Notification': {
      const id = str(d['command-id']);
      const status = str(d.status);
      return id && status && COMMAND_DONE.has(status)
        ? { kind: 'command', id, reason: `ssm:${status} ${id}` }
        : undefined;
    }
    case 'RDS DB Instance Event':
    case 'RDS DB Cluster Event': {
      const cluster = event['detail-type'] === 'RDS DB Cluster Event';
      const id = str(d.SourceIdentifier);
      const arn = str(d.SourceArn) ?? event.resources?.[0];
      const available = cluster ? RDS_CLUSTER_AVAILABLE : RDS_AVAILABLE;
      return id && arn && available.has(str(d.EventID) ?? '')
        ? { kind: 'database', id: arn, reason: `rds:${cluster ? 'cluster-available' : 'available'} ${id}` }
        : undefined;
    }
    default:
      return undefined;
  }
}

async function ec2RunTag(deps: EventsDeps, region: string, ids: string[]): Promise<string | undefined> {
  if (ids.length === 0) return undefined;
  const out = await deps.ec2(region).send(
    new DescribeTagsCommand({
      Filters: [
        { Name: 'resource-id', Values: ids.slice(0, 200) },
        { Name: 'key', Values: [RUN_TAG] },
      ],
    }),
  );
  return out.Tags?.find((t) => t.Value)?.Value;
}

/** The run that owns the resource: its drbot:run-id tag (a command: its instances', else its comment). */
export async function owningRun(
  deps: EventsDeps,
  region: string,
  op: FinishedOperation,
): Promise<string | undefined> {
  switch (op.kind) {
    case 'instance':
    case 'snapshot':
    case 'image':
      return ec2RunTag(deps, region, [op.id]);
    case 'command': {
      const out = await deps.ssm(region).send(new ListCommandsCommand({ CommandId: op.id }));
      const command = out.Commands?.[0];
      if (!command) return undefined;
      const tagged = await ec2RunTag(deps, region, command.InstanceIds ?? []);
      // drbot's comment is `drbot:<runId>:<step>:<attempt>#<batch>` (ssm-commands.ts)
      const fromComment = command.Comment?.startsWith('drbot:') ? command.Comment.split(':')[1] : undefined;
      return tagged ?? (fromComment || undefined);
    }
    case 'database': {
      const out = await deps.rds(region).send(new ListTagsForResourceCommand({ ResourceName: op.id }));
      return out.TagList?.find((t) => t.Key === RUN_TAG)?.Value || undefined;
    }
  }
}

export async function handleEvent(deps: EventsDeps, event: CloudEvent): Promise<EventOutcome> {
  const op = finishedOperation(event);
  if (!op) return { kind: 'ignored', why: `${event['detail-type']} finishes nothing drbot waits for` };
  const runId = await owningRun(deps, event.region, op);
  if (!runId) return { kind: 'ignored', why: `${op.id} has no ${RUN_TAG} tag` };
  await deps.wake(runId, op.reason);
  return { kind: 'woken', runId, reason: op.reason };
}

/** Clients per region, created on first use (the rules are regional; so is each event). */
function perRegion<T>(make: (region: string) => T): (region: string) => T {
  const clients = new Map<string, T>();
  return (region) => {
    let client = clients.get(region);
    if (!client) {
      client = make(region);
      clients.set(region, client);
    }
    return client;
  };
}

export function createEventsHandler(deps: EventsDeps) {
  return async (event: CloudEvent): Promise<EventOutcome> => {
    const outcome = await handleEvent(deps, event);
    console.log(JSON.stringify({ drbot: 'events', detailType: event['detail-type'], ...outcome }));
    return outcome;
  };
}

let lazy: ReturnType<typeof createEventsHandler> | undefined;
export const handler = (event: CloudEvent): Promise<EventOutcome> => {
  lazy ??= createEventsHandler(
    (() => {
      const driver = new SqsRunDriver({
        client: new SQSClient({ region: process.env.DRBOT_REGION }),
        queueUrl: process.env.DRBOT_QUEUE_URL ?? '',
      });
      return {
        ec2: perRegion((region) => new EC2Client({ region })),
        ssm: perRegion((region) => new SSMClient({ region })),
        rds: perRegion((region) => new RDSClient({ region })),
        wake: (runId, reason) => driver.wake(runId, reason),
      };
    })(),
  );
  return lazy(event);
};
