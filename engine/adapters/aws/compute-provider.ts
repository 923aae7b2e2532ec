/**
 * The EC2 half of the AWS CloudProvider: inventory, recovery points, protection, launches and
 * instance lifecycle, on per-region EC2 clients. provider.ts extends it with SSM (commands, agent
 * documents) and Route 53 (DNS); the `protect` function uses this half alone, so its bundle links
 * neither of those clients (bench/cold-start.ts).
 */

import type {
  Instance,
  LaunchedInstance,
  LaunchRequest,
  MutationGuard,
  ProtectSelector,
  SubnetAddress,
} from '../../cloud/compute.js';
import type { CloudProvider } from '../../cloud/provider.js';
import { AWS_PROVIDER } from '../../cloud/providers.js';
import type { ProtectRequest, ProtectResult, RecoveryPoint } from '../../cloud/recovery-points.js';
import type { Clock } from '../../ports.js';
import { systemClock } from '../system.js';
import { awsAddressHolders } from './address-holders.js';
import { type AwsClientFactories, Ec2Clients } from './ec2-clients.js';
import { findRunOwned, listProtected } from './ec2-inventory.js';
import { FleetReads } from './fleet-reads.js';
import { launchFleet } from './launch.js';
import { mutateInstances } from './lifecycle.js';
import { type CaptureKind, protectFleet } from './protect.js';
import { latestPointsBatch, type PageRetry } from './recovery-point-batch.js';
import { listPoints, publicPoint } from './recovery-points.js';

/** The CloudProvider methods answered by EC2 alone. */
export type AwsComputeMethods =
  | 'name'
  | 'descriptor'
  | 'listProtected'
  | 'recoveryPoints'
  | 'latestRecoveryPoint'
  | 'latestRecoveryPoints'
  | 'protect'
  | 'launch'
  | 'describe'
  | 'findRunOwned'
  | 'addressHolders'
  | 'stop'
  | 'start'
  | 'terminate';

export interface AwsProviderOptions {
  /** SDK client factories, one client per region; tests inject mocked clients here. */
  clients?: AwsClientFactories;
  /** Time source for capture tags and command look-back. @default systemClock */
  clock?: Clock;
  /**
   * What `protect` captures: `ami` (CreateImage, NoReboot; launchable) or `snapshot`
   * (CreateSnapshots; data only, cannot be launched directly). @default 'ami'
   */
  captureKind?: CaptureKind;
  /** Instances captured in parallel by one protection pass. @default 4 */
  protectConcurrency?: number;
  /** How throttled describe pages are retried within one lookup (tests pass a no-op sleep). */
  pageRetry?: PageRetry;
}

export class AwsComputeProvider implements Pick<CloudProvider, AwsComputeMethods> {
  readonly name = 'aws';
  readonly descriptor = AWS_PROVIDER;
  protected readonly clients: Ec2Clients;
  protected readonly clock: Clock;
  private readonly captureKind: CaptureKind;
  private readonly protectConcurrency: number;
  private readonly pageRetry: PageRetry;
  /** What poll rounds learn about each region (status-check strategy, volume details). */
  private readonly fleetReads: FleetReads;

  constructor(options: AwsProviderOptions = {}) {
    this.clients = this.createClients(options.clients ?? {});
    this.clock = options.clock ?? systemClock;
    this.captureKind = options.captureKind ?? 'ami';
    this.protectConcurrency = options.protectConcurrency ?? 4;
    this.pageRetry = options.pageRetry ?? {};
    this.fleetReads = new FleetReads(this.clock);
  }

  /** The client cache; the full provider's adds SSM and Route 53. */
  protected createClients(factories: AwsClientFactories): Ec2Clients {
    return new Ec2Clients(factories);
  }

  listProtected(selector: ProtectSelector, region: string): Promise<Instance[]> {
    return listProtected(this.clients.ec2(region), selector, region);
  }

  async recoveryPoints(sourceInstanceId: string, region: string): Promise<RecoveryPoint[]> {
    return (await listPoints(this.clients.ec2(region), region, sourceInstanceId)).map(publicPoint);
  }

  /** The newest point that can be used now (state `available`); pending copies are skipped. */
  async latestRecoveryPoint(sourceInstanceId: string, region: string): Promise<RecoveryPoint | undefined> {
    const points = await this.recoveryPoints(sourceInstanceId, region);
    return points.find((p) => p.state === 'available');
  }

  /** One batched lookup per 200 instances (DescribeImages + DescribeSnapshots), pages retried when throttled. */
  latestRecoveryPoints(
    sourceInstanceIds: readonly string[],
    region: string,
  ): Promise<Record<string, RecoveryPoint>> {
    return latestPointsBatch(this.clients.ec2(region), region, sourceInstanceIds, this.pageRetry);
  }

  protect(request: ProtectRequest): Promise<ProtectResult> {
    return protectFleet(
      {
        clientFor: (region) => this.clients.ec2(region),
        clock: this.clock,
        captureKind: this.captureKind,
        concurrency: this.protectConcurrency,
      },
      request,
    );
  }

  launch(request: LaunchRequest): Promise<LaunchedInstance[]> {
    return launchFleet((region) => this.clients.ec2(region), request);
  }

  describe(instanceIds: string[], region: string): Promise<Instance[]> {
    return this.fleetReads.describe(this.clients.ec2(region), instanceIds, region);
  }

  findRunOwned(runId: string, region: string): Promise<Instance[]> {
    return findRunOwned(this.clients.ec2(region), runId, region);
  }

  addressHolders(region: string, addresses: readonly SubnetAddress[]): Promise<Record<string, string>> {
    return awsAddressHolders(this.clients.ec2(region), region, addresses);
  }

  stop(instanceIds: string[], region: string, guard: MutationGuard): Promise<void> {
    return mutateInstances(this.clients.ec2(region), 'stop', instanceIds, region, guard);
  }

  start(instanceIds: string[], region: string, guard: MutationGuard): Promise<void> {
    return mutateInstances(this.clients.ec2(region), 'start', instanceIds, region, guard);
  }

  terminate(instanceIds: string[], region: string, guard: MutationGuard): Promise<void> {
    return mutateInstances(this.clients.ec2(region), 'terminate', instanceIds, region, guard);
  }
}

/** The EC2-only provider (the `protect` function); options as the full provider's, SSM and Route 53 factories unused. */
export function createAwsComputeProvider(options: AwsProviderOptions = {}): AwsComputeProvider {
  return new AwsComputeProvider(options);
}

export type { CaptureKind } from './protect.js';
