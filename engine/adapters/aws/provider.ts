/**
 * The AWS implementation of the CloudProvider port: EC2 for inventory, recovery points and
 * launches (compute-provider.ts, which this extends), SSM for commands and agent documents,
 * Route 53 for DNS switchover. Each concern lives in its own module; this class wires them to
 * per-region SDK clients.
 */

import type { CommandResult } from '../../cloud/commands.js';
import type { CloudProvider } from '../../cloud/provider.js';
import { type AwsClientFactories, AwsClients } from './clients.js';
import { AwsComputeProvider, type AwsProviderOptions } from './compute-provider.js';
import { changeStatus, switchRecord } from './route53.js';
import { fleetCommandStatus, sendFleetCommand } from './ssm-commands.js';
import {
  type DocumentOutcome,
  documentExists,
  ensureDocuments,
  type SsmDocumentSource,
} from './ssm-documents.js';

export class AwsCloudProvider extends AwsComputeProvider implements CloudProvider {
  declare protected readonly clients: AwsClients;

  protected override createClients(factories: AwsClientFactories): AwsClients {
    return new AwsClients(factories);
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
export type { AwsProviderOptions } from './compute-provider.js';
export type { CaptureKind } from './protect.js';
export type { DocumentOutcome, SsmDocumentSource } from './ssm-documents.js';
