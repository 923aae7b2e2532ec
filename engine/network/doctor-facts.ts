/**
 * Gathers the doctor's facts through the ports (CloudProvider, NetworkCloud, RunStore). A check
 * that cannot be made (permissions, outage) becomes a CHECK_FAILED warning instead of hiding the
 * findings of the other checks.
 */

import { latestPoints as latestPointsOf } from '../actions/support/latest-points.js';
import type { Instance } from '../cloud/compute.js';
import type { CloudProvider } from '../cloud/provider.js';
import { DEFAULT_PROVIDER, RUNBOOK_PROVIDERS } from '../cloud/providers.js';
import type { RecoveryPoint } from '../cloud/recovery-points.js';
import { parseDuration } from '../duration.js';
import type { RunStore } from '../ports.js';
import type { Runbook, StepSpec } from '../runbook/types.js';
import type { DoctorFacts } from './doctor.js';
import { doctorDirection, doctorTier } from './doctor-tier.js';
import { loadRunbookMapping } from './mapping-store.js';
import type { NetworkCloud } from './ports.js';
import type { VpcTopology } from './topology.js';

/** The SSM document each agent action runs (see agent/document-specs.ts). */
const AGENT_DOCUMENTS: Record<string, string> = {
  'agent.install': 'DrbotInstallAgent',
  'agent.health': 'DrbotHealth',
  'agent.freeze': 'DrbotFreeze',
  'agent.thaw': 'DrbotThaw',
  'agent.measureRpo': 'DrbotReadMark',
};

/**
 * Whether the runbook's own provider replicates networks (its descriptor has the `network`
 * capability). The sim stands in for every provider and replicates, but a tier whose provider
 * cannot run `drbot network replicate` must not be asked for a mapping, on the sim either.
 */
function replicatesFor(runbook: Pick<Runbook, 'spec'>): boolean {
  const name = runbook.spec.provider ?? DEFAULT_PROVIDER;
  const descriptor = RUNBOOK_PROVIDERS.find((p) => p.name === name);
  return descriptor?.capabilities.includes('network') ?? true;
}

/** Documents the runbook's steps run: agent actions' documents and literal ssm.runCommand names. */
export function requiredDocuments(runbook: Pick<Runbook, 'spec'>): string[] {
  const steps: StepSpec[] = Object.values(runbook.spec.modes).flatMap((m) => [
    ...(m?.steps ?? []),
    ...(m?.cleanup ?? []),
  ]);
  const names = new Set<string>();
  for (const step of steps) {
    const agent = AGENT_DOCUMENTS[step.action];
    if (agent) names.add(agent);
    const doc = step.with.document;
    // expressions are only known at run time, and AWS-owned documents always exist
    if (
      step.action === 'ssm.runCommand' &&
      typeof doc === 'string' &&
      !doc.includes('${{') &&
      !doc.startsWith('AWS-')
    ) {
      names.add(doc);
    }
  }
  return [...names].sort();
}

export interface GatherDoctorFactsInput {
  cloud: CloudProvider;
  network: NetworkCloud;
  store: RunStore;
  runbook: Pick<Runbook, 'metadata' | 'spec'>;
  now: number;
}

export async function gatherDoctorFacts(input: GatherDoctorFactsInput): Promise<DoctorFacts> {
  const { cloud, network, runbook } = input;
  const { objectives, defaults } = runbook.spec;
  const failedChecks: { check: string; message: string }[] = [];
  const attempt = async <T>(check: string, fn: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await fn();
    } catch (err) {
      failedChecks.push({ check, message: err instanceof Error ? err.message : String(err) });
      return undefined;
    }
  };
  // While the target is live the doctor checks the way back (doctor-tier.ts).
  const tierState = await attempt('tier state', () => input.store.getTier(runbook.metadata.name));
  const direction = doctorDirection(tierState);
  const { source, target } =
    direction === 'reverse'
      ? { source: runbook.spec.target, target: runbook.spec.source }
      : { source: runbook.spec.source, target: runbook.spec.target };
  const translate = (id: string) =>
    direction === 'reverse' ? mapping.lookupSource(id) : mapping.lookupTarget(id);
  const instances: Instance[] =
    (await attempt('protected instances', () => cloud.listProtected(runbook.spec.protect, source.region))) ??
    [];
  const ids = instances.map((i) => i.id);
  // a provider whose commands run through Cloud Assistant checks its clients instead of SSM
  const assistant = network.cloudAssistantMissing?.bind(network);
  const ssmManaged = assistant
    ? undefined
    : await attempt('SSM registration', () => network.ssmManagedInstances(source.region, ids));
  const cloudAssistantMissing = assistant
    ? await attempt('Cloud Assistant status', () => assistant(source.region, ids))
    : undefined;
  const mapping = await loadRunbookMapping(input.store, runbook.metadata.name);
  const networkProfiles = network.networkProfiles
    ? await attempt('ready-made networks', () => network.networkProfiles!(target.region))
    : undefined;
  const mappedSubnets = instances
    .map((i) => (i.subnetId ? translate(i.subnetId) : undefined))
    .filter((s): s is string => !!s);
  const targetTopologies: VpcTopology[] =
    mappedSubnets.length > 0
      ? ((await attempt('target network', () =>
          network.discover(target.region, [...new Set(mappedSubnets)]),
        )) ?? [])
      : [];
  const drillIsolation =
    mappedSubnets.length > 0 && network.drillIsolation
      ? await attempt('drill network isolation', () =>
          network.drillIsolation!(target.region, [...new Set(mappedSubnets)]),
        )
      : undefined;
  const latestPoints: Record<string, RecoveryPoint | undefined> = {};
  await attempt('recovery points', async () => {
    const found = await latestPointsOf(
      cloud,
      instances.map((i) => i.id),
      target.region,
    );
    for (const i of instances) latestPoints[i.id] = found[i.id];
  });
  const types = [
    ...new Set([...instances.map((i) => i.type), ...(defaults?.instanceType ? [defaults.instanceType] : [])]),
  ];
  const offeredTypes = await attempt('instance type offerings', () =>
    network.offeredInstanceTypes(target.region, types),
  );
  const required = requiredDocuments(runbook);
  const presentDocuments =
    required.length > 0
      ? await attempt('SSM documents', () => network.existingDocuments(target.region, required))
      : [];
  return {
    runbook: runbook.metadata.name,
    sourceRegion: source.region,
    targetRegion: target.region,
    ...(direction === 'reverse' ? { direction } : {}),
    ...(tierState ? { tier: doctorTier(tierState) } : {}),
    rpoMs: parseDuration(objectives.rpo),
    now: input.now,
    ...(defaults?.instanceType ? { defaultInstanceType: defaults.instanceType } : {}),
    instances,
    ...(ssmManaged ? { ssmManaged } : {}),
    ...(assistant ? { commandAgent: 'cloud-assistant' as const } : {}),
    // a cross-zone pair shares its VPC (it spans the zones): there is nothing to replicate
    ...(network.replicates === false || !replicatesFor(runbook) || source.region === target.region
      ? { networkReplication: false }
      : {}),
    ...(cloudAssistantMissing ? { cloudAssistantMissing } : {}),
    mapping,
    targetTopologies,
    ...(drillIsolation ? { drillIsolation } : {}),
    latestPoints,
    ...(offeredTypes ? { offeredTypes } : {}),
    requiredDocuments: required,
    ...(presentDocuments ? { presentDocuments } : {}),
    ...(networkProfiles ? { networkProfiles } : {}),
    failedChecks,
  };
}
