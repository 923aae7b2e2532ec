/**
 * The AWS adapter's describe calls per poll round, counted on the SDK itself (aws-sdk-client-mock
 * answering like EC2: pages, per-call id limits), where bench/api-calls.ts counts the sim's.
 * For N = 10, 100, 1000 recovery copies, every describe the provider makes in a round:
 *
 * - the RPO gate's lookup (`latestRecoveryPoints`: DescribeImages + DescribeSnapshots by source
 *   ids, 200 values per filter);
 * - a wait's poll round (`describe`: DescribeInstances ≤ 1000 ids, DescribeInstanceStatus,
 *   DescribeVolumes): the first, copies just launched (checks initializing), a later one, checks
 *   passed (volume details are reused between rounds), and that later round in a fresh provider
 *   (a new worker container, which knows nothing of earlier rounds);
 * - in a recovery region that holds only the copies (`otherRunning: 0`), and in one where 9000
 *   production instances run beside them, listed first (`otherRunning: 9000`: the status probe
 *   gives up there, and only the unsettled instances are listed from then on —
 *   engine/adapters/aws/status-checks.ts).
 *
 * Target (issue #20): ≤ 1 call of each describe API per 200 instances per round.
 *
 *   node --import tsx bench/api-calls-aws.ts
 */
import {
  DescribeImagesCommand,
  DescribeInstanceStatusCommand,
  DescribeInstancesCommand,
  DescribeSnapshotsCommand,
  DescribeVolumesCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { createAwsProvider } from '../engine/adapters/aws/provider.js';
import { FakeClock } from '../engine/adapters/memory/clock.js';
import { ec2StatusAnswers, type FakeInstanceStatus } from '../test/helpers/ec2-status-fake.js';

const REGION = 'us-west-2';
const DESCRIBES = {
  DescribeImages: DescribeImagesCommand,
  DescribeSnapshots: DescribeSnapshotsCommand,
  DescribeInstances: DescribeInstancesCommand,
  DescribeInstanceStatus: DescribeInstanceStatusCommand,
  DescribeVolumes: DescribeVolumesCommand,
} as const;
type Api = keyof typeof DESCRIBES;

const ids = (n: number, prefix: string) =>
  Array.from({ length: n }, (_, i) => `${prefix}${i.toString(16).padStart(8, '0')}`);

/**
 * EC2 for a region whose running instances are `others` (1 in 500 impaired, as in any big fleet)
 * then `copies` (2 volumes each), the copies' status checks as `copyStatus()` says at each call.
 */
function mockEc2(copies: string[], others: string[], copyStatus: () => Omit<FakeInstanceStatus, 'id'>) {
  const ec2 = mockClient(EC2Client);
  const production: FakeInstanceStatus[] = others.map((id, i) => ({
    id,
    ...(i % 500 === 0 ? { instance: 'impaired' } : {}),
  }));
  ec2.on(DescribeInstancesCommand).callsFake((input: { InstanceIds: string[] }) => ({
    Reservations: [
      {
        Instances: input.InstanceIds.map((InstanceId) => ({
          InstanceId,
          State: { Name: 'running' },
          BlockDeviceMappings: [0, 1].map((d) => ({
            DeviceName: `/dev/xvd${d}`,
            Ebs: { VolumeId: `vol-${d}${InstanceId}` },
          })),
        })),
      },
    ],
  }));
  ec2
    .on(DescribeInstanceStatusCommand)
    .callsFake(ec2StatusAnswers(() => [...production, ...copies.map((id) => ({ id, ...copyStatus() }))]));
  ec2.on(DescribeVolumesCommand).callsFake((input: { VolumeIds: string[] }) => ({
    Volumes: input.VolumeIds.map((VolumeId) => ({ VolumeId, Size: 8, VolumeType: 'gp3' })),
  }));
  ec2.on(DescribeImagesCommand).resolves({ Images: [] });
  ec2.on(DescribeSnapshotsCommand).resolves({ Snapshots: [] });
  return ec2;
}

async function measure(n: number, otherRunning: number) {
  const copies = ids(n, 'i-0');
  // just launched: both checks initializing; then passed
  let copyStatus: Omit<FakeInstanceStatus, 'id'> = { instance: 'initializing', system: 'initializing' };
  const ec2 = mockEc2(copies, ids(otherRunning, 'i-p'), () => copyStatus);
  const newProvider = () =>
    createAwsProvider({ clock: new FakeClock(), clients: { ec2: (region) => new EC2Client({ region }) } });
  const provider = newProvider();
  const round = async (what: () => Promise<unknown>): Promise<Partial<Record<Api, number>>> => {
    ec2.resetHistory();
    await what();
    const calls: Partial<Record<Api, number>> = {};
    for (const [api, command] of Object.entries(DESCRIBES) as [Api, (typeof DESCRIBES)[Api]][]) {
      const count = ec2.commandCalls(command).length;
      if (count > 0) calls[api] = count;
    }
    return calls;
  };
  const rounds = {
    rpoGate: await round(() => provider.latestRecoveryPoints(ids(n, 'i-s'), REGION)),
    firstPoll: await round(() => provider.describe(copies, REGION)),
    laterPoll: await round(async () => {
      copyStatus = {};
      await provider.describe(copies, REGION);
    }),
    // the same round in a worker that has not polled these copies before (a new Lambda container)
    freshWorkerPoll: await round(() => newProvider().describe(copies, REGION)),
  };
  ec2.restore();
  const allowed = Math.ceil(n / 200);
  const worst = Math.max(...Object.values(rounds).flatMap((r) => Object.values(r)));
  return {
    bench: 'api-calls-aws',
    instances: n,
    otherRunning,
    describeCallsPerRound: rounds,
    describeCallsPer200InstancesPerRound: Number((worst / allowed).toFixed(3)),
    target: '≤ 1 call of each describe API per 200 instances per poll round',
    targetMet: worst <= allowed,
  };
}

for (const otherRunning of [0, 9000])
  for (const n of [10, 100, 1000]) console.log(JSON.stringify(await measure(n, otherRunning)));
