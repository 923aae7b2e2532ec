/**
 * The AWS implementation of the CloudProvider port: EC2 for inventory, recovery points and
 * launches, SSM for commands and agent documents, Route 53 for DNS switchover. Each concern lives
 * in its own module; this class wires them to per-region SDK clients.
 */

import type { CommandResult } from '../../cloud/commands.js';
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
import { type AwsClientFactories, AwsClients } from './clients.js';
import { findRunOwned, listProtected } from './ec2-inventory.js';
import { FleetReads } from './fleet-reads.js';
import { launchFleet } from './launch.js';
import { mutateInstances } from './lifecycle.js';
import { type CaptureKind, protectFleet } from './protect.js';
import { latestPointsBatch, type PageRetry } from './recovery-point-batch.js';
import { listPoints, publicPoint } from './recovery-points.js';
import { changeStatus, switchRecord } from './route53.js';
import { fleetCommandStatus, sendFleetCommand } from './ssm-commands.js';
import {
  type DocumentOutcome,
  documentExists,
  ensureDocuments,
  type SsmDocumentSource,
} from './ssm-documents.js';

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

export class AwsCloudProvider implements CloudProvider {
  readonly name = 'aws';
  readonly descriptor = AWS_PROVIDER;
  private readonly clients: AwsClients;
  private readonly clock: Clock;
  private readonly captureKind: CaptureKind;
  private readonly protectConcurrency: number;
  private readonly pageRetry: PageRetry;
  /** What poll rounds learn about each region (status-check strategy, volume details). */
  private readonly fleetReads: FleetReads;

  constructor(options: AwsProviderOptions = {}) {
    this.clients = new AwsClients(options.clients);
    this.clock = options.clock ?? systemClock;
    this.captureKind = options.captureKind ?? 'ami';
    this.protectConcurrency = options.protectConcurrency ?? 4;
    this.pageRetry = options.pageRetry ?? {};
    this.fleetReads = new FleetReads(this.clock);
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

  runCommand(
    instanceIds: string[],
    region: string,
    document: string,
    parameters: Record<string, string[]>,
    idempotencyKey: string,
  ): Promise<{ commandId: string }> {
    return sendFleetCommand(
      this.clients.ssm(region),
      this.clock,
      instanceIds,
      region,
      document,
      parameters,
      idempotencyKey,
    );
  }

  commandStatus(commandId: string, region: string): Promise<CommandResult> {
    return fleetCommandStatus(this.clients.ssm(region), commandId, region);
  }

  switchDns(
    zone: string,
    record: string,
    target: string,
    idempotencyKey: string,
  ): Promise<{ changeId: string }> {
    return switchRecord(this.clients.route53(), zone, record, target, idempotencyKey);
  }

  dnsStatus(changeId: string): Promise<'PENDING' | 'INSYNC'> {
    return changeStatus(this.clients.route53(), changeId);
  }

  /**
   * Creates or updates drbot's SSM documents in `region` (AWS only: the sim runs the agent
   * script directly). Call before the first runCommand of a run in that region.
   */
  ensureDocuments(region: string, docs: SsmDocumentSource[]): Promise<Record<string, DocumentOutcome>> {
    return ensureDocuments(this.clients.ssm(region), region, docs);
  }

  /** Whether `name` exists in `region` (e.g. an AWS-published document drbot prefers to its own). */
  documentExists(region: string, name: string): Promise<boolean> {
    return documentExists(this.clients.ssm(region), region, name);
  }
}

/** Creates the AWS provider; with no options it uses real clients configured by the environment. */
export function createAwsProvider(options: AwsProviderOptions = {}): AwsCloudProvider {
  return new AwsCloudProvider(options);
}

export type { AwsClientFactories } from './clients.js';
export type { CaptureKind } from './protect.js';
export type { DocumentOutcome, SsmDocumentSource } from './ssm-documents.js';
