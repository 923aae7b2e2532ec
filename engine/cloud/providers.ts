/**
 * The providers a runbook may name in `spec.provider`, with the capabilities each implements.
 * Pure data, so lint can check a runbook without loading any SDK. A provider's adapter states
 * its descriptor here and a contract test checks that the adapter really implements each slice.
 */
import type { ProviderDescriptor } from './provider.js';

export const AWS_PROVIDER: ProviderDescriptor = {
  name: 'aws',
  title: 'Amazon Web Services (EC2, SSM, Route 53, RDS, S3, Elastic Disaster Recovery)',
  capabilities: [
    'compute',
    'recoveryPoints',
    'commands',
    'dns',
    'network',
    'drillNetwork',
    'database',
    'objectStorage',
    'replication',
  ],
};

/**
 * Alibaba Cloud (engine/adapters/alibaba): ECS instances, custom images and snapshots, Cloud
 * Assistant, Alidns, and network replication (VPC, vSwitches, security groups: `network.replicate`).
 * No database, object storage, drill VPC or DRS capability yet, so lint refuses `rds.*`,
 * `aurora.*`, `s3.*`, `network.drillVpc` and `drs.*` in an Alibaba runbook.
 */
export const ALIBABA_PROVIDER: ProviderDescriptor = {
  name: 'alibaba',
  title: 'Alibaba Cloud (ECS, Cloud Assistant, Alidns, VPC)',
  capabilities: ['compute', 'recoveryPoints', 'commands', 'dns', 'network'],
};

/**
 * The simulated cloud stands in for whichever provider a runbook names (`npm start`), so it
 * implements every capability that any provider has.
 */
export const SIM_PROVIDER: ProviderDescriptor = {
  name: 'sim',
  title: 'the simulated cloud (runbooks/sim/world.yaml)',
  capabilities: [...new Set([...AWS_PROVIDER.capabilities, ...ALIBABA_PROVIDER.capabilities])],
};

/** Providers a runbook can target; `aws` is the default when `spec.provider` is absent. */
export const RUNBOOK_PROVIDERS: ProviderDescriptor[] = [AWS_PROVIDER, ALIBABA_PROVIDER];

export const DEFAULT_PROVIDER = 'aws';
