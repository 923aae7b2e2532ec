/**
 * The Alibaba Cloud implementation of the CloudProvider port: ECS for inventory, recovery points
 * (custom images or snapshots) and launches, Cloud Assistant for commands, Alidns for DNS
 * switchover. Each concern lives in its own module; this class wires them to per-region clients
 * of the official SDKs (engine/adapters/alibaba/clients.ts).
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
import { ALIBABA_PROVIDER } from '../../cloud/providers.js';
import type { ProtectRequest, ProtectResult, RecoveryPoint } from '../../cloud/recovery-points.js';
import type { Clock } from '../../ports.js';
import { systemClock } from '../system.js';
import { alibabaAddressHolders } from './address-holders.js';
import { recordStatus, switchRecord } from './alidns.js';
import { type AlibabaClientOptions, AlibabaClients } from './clients.js';
import {
  type DocumentOutcome,
  ensureCommands,
  invocationStatus,
  invokeFleet,
  missingCloudAssistant,
} from './cloud-assistant.js';
import { describeFleet, findRunOwned, listProtected } from './inventory.js';
import { launchFleet } from './launch.js';
import { mutateInstances } from './lifecycle.js';
import { type CaptureKind, protectFleet } from './protect.js';
import { latestImages, listPoints, publicPoint } from './recovery-points.js';

export interface AlibabaProviderOptions extends AlibabaClientOptions {
  /** Time source for capture tags. @default systemClock */
  clock?: Clock;
  /** What `protect` captures: `image` (CreateImage; launchable) or `snapshot` (CreateSnapshot per disk). @default 'image' */
  captureKind?: CaptureKind;
  /** Instances captured in parallel by one protection pass. @default 4 */
  protectConcurrency?: number;
}

export class AlibabaCloudProvider implements CloudProvider {
  readonly name = 'alibaba';
  readonly descriptor = ALIBABA_PROVIDER;
  readonly clients: AlibabaClients;
  private readonly clock: Clock;
  private readonly captureKind: CaptureKind;
  private readonly protectConcurrency: number;

  constructor(options: AlibabaProviderOptions = {}) {
    this.clients = new AlibabaClients(options);
    this.clock = options.clock ?? systemClock;
    this.captureKind = options.captureKind ?? 'image';
    this.protectConcurrency = options.protectConcurrency ?? 4;
  }

  listProtected(selector: ProtectSelector, region: string): Promise<Instance[]> {
    return listProtected(this.clients.ecs(region), selector, region);
  }

  async recoveryPoints(sourceInstanceId: string, region: string): Promise<RecoveryPoint[]> {
    return (await listPoints(this.clients.ecs(region), region, sourceInstanceId)).map(publicPoint);
  }

  /** The newest launchable point (an Available custom image); snapshots cannot be launched directly. */
  async latestRecoveryPoint(sourceInstanceId: string, region: string): Promise<RecoveryPoint | undefined> {
    const points = await this.recoveryPoints(sourceInstanceId, region);
    return points.find((p) => p.state === 'available' && p.kind === 'ami');
  }

  /** One paged DescribeImages of drbot's images in the region for the whole fleet. */
  latestRecoveryPoints(ids: readonly string[], region: string): Promise<Record<string, RecoveryPoint>> {
    return latestImages(this.clients.ecs(region), region, ids);
  }

  protect(request: ProtectRequest): Promise<ProtectResult> {
    return protectFleet(
      {
        clientFor: (region) => this.clients.ecs(region),
        clock: this.clock,
        captureKind: this.captureKind,
        concurrency: this.protectConcurrency,
      },
      request,
    );
  }

  launch(request: LaunchRequest): Promise<LaunchedInstance[]> {
    return launchFleet((region) => this.clients.ecs(region), request);
  }

  describe(instanceIds: string[], region: string): Promise<Instance[]> {
    return describeFleet(this.clients.ecs(region), instanceIds, region);
  }

  findRunOwned(runId: string, region: string): Promise<Instance[]> {
    return findRunOwned(this.clients.ecs(region), runId, region);
  }

  /** Who holds each fixed address before a CUTOVER launch asks for it (DescribeNetworkInterfaces). */
  addressHolders(region: string, addresses: readonly SubnetAddress[]): Promise<Record<string, string>> {
    return alibabaAddressHolders(this.clients.ecs(region), region, addresses);
  }

  stop(instanceIds: string[], region: string, guard: MutationGuard): Promise<void> {
    return mutateInstances(this.clients.ecs(region), 'stop', instanceIds, region, guard);
  }

  start(instanceIds: string[], region: string, guard: MutationGuard): Promise<void> {
    return mutateInstances(this.clients.ecs(region), 'start', instanceIds, region, guard);
  }

  terminate(instanceIds: string[], region: string, guard: MutationGuard): Promise<void> {
    return mutateInstances(this.clients.ecs(region), 'terminate', instanceIds, region, guard);
  }

  runCommand(
    instanceIds: string[],
    region: string,
    document: string,
    parameters: Record<string, string[]>,
    idempotencyKey: string,
  ): Promise<{ commandId: string }> {
    return invokeFleet(this.clients.ecs(region), instanceIds, region, document, parameters, idempotencyKey);
  }

  commandStatus(commandId: string, region: string): Promise<CommandResult> {
    return invocationStatus(this.clients.ecs(region), commandId, region);
  }

  /** drbot's agent documents as Cloud Assistant commands in `region` (describe, then create or modify). */
  ensureDocuments(
    region: string,
    docs: { name: string; content: string }[],
  ): Promise<Record<string, DocumentOutcome>> {
    return ensureCommands(this.clients.ecs(region), region, docs);
  }

  /** Instances without a running Cloud Assistant client (doctor blockers). */
  missingCloudAssistant(instanceIds: string[], region: string): Promise<string[]> {
    return missingCloudAssistant(this.clients.ecs(region), region, instanceIds);
  }

  switchDns(
    zone: string,
    record: string,
    target: string,
    _idempotencyKey: string,
  ): Promise<{ changeId: string }> {
    return switchRecord(this.clients.alidns(), zone, record, target);
  }

  dnsStatus(changeId: string): Promise<'PENDING' | 'INSYNC'> {
    return recordStatus(this.clients.alidns(), changeId);
  }
}

export function createAlibabaProvider(options: AlibabaProviderOptions = {}): AlibabaCloudProvider {
  return new AlibabaCloudProvider(options);
}
