/**
 * The cloud port, sliced by capability. Each action declares the capabilities its handler uses
 * (engine/actions/<family>/<action>.ts); each provider declares the ones it implements, and lint
 * refuses a runbook whose actions need a capability its provider lacks.
 *
 * Today every provider implements the four instance-level slices, so `CloudProvider` composes
 * them; `network` is its own object (engine/network/ports.ts) because it is wired separately, and
 * the data-tier and replication slices are added by their own ports as they land.
 */
import type { CommandsPort } from './commands.js';
import type { ComputePort } from './compute.js';
import type { DnsPort } from './dns.js';
import type { RecoveryPointsPort } from './recovery-points.js';

/** Every capability a provider may implement. */
export const CAPABILITIES = [
  'compute',
  'recoveryPoints',
  'commands',
  'dns',
  'network',
  /** A drill's own isolated VPC (network.drillVpc / deleteDrillVpc): NetworkCloud.createDrillVpc. */
  'drillNetwork',
  'database',
  'objectStorage',
  'replication',
] as const;

export type Capability = (typeof CAPABILITIES)[number];

/** What a provider is, for lint and the docs: its name and the capabilities it implements. */
export interface ProviderDescriptor {
  name: string;
  /** One line for lint errors and docs, e.g. "Amazon Web Services (EC2, SSM, Route 53)". */
  title: string;
  capabilities: readonly Capability[];
}

export interface CloudProvider extends ComputePort, RecoveryPointsPort, CommandsPort, DnsPort {
  readonly name: 'sim' | 'aws' | string;
  /** What this provider implements (engine/cloud/providers.ts); the contract suites check it. */
  readonly descriptor: ProviderDescriptor;
}
