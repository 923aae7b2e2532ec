/**
 * Readiness: everything that would make a drill or failover fail, each with a remedy. Pure over
 * facts gathered by the provider side (see doctor-facts.ts), so the CLI (`drbot doctor`) and Slack
 * (`/dr doctor`) render the same findings.
 */
import type { Instance } from '../cloud/compute.js';
import type { RecoveryPoint } from '../cloud/recovery-points.js';
import { formatDuration } from '../duration.js';
import { type ReplicationReadiness, replicationReadinessLines } from './doctor-replication.js';
import { type DoctorTier, tierFindings } from './doctor-tier.js';
import type { NetworkMapping } from './mapping.js';
import { SSM_ENDPOINT_SERVICES } from './plan-types.js';
import type { DrillIsolationProblem } from './ports.js';
import { subnetEgress, type VpcTopology } from './topology.js';

export type FindingSeverity = 'blocker' | 'warning';

export type FindingCode =
  | 'NO_PROTECTED_INSTANCES'
  | 'SSM_NOT_MANAGED'
  | 'CLOUD_ASSISTANT_MISSING'
  | 'NO_INSTANCE_PROFILE'
  | 'NO_SSM_ENDPOINTS'
  | 'NO_NETWORK_MAPPING'
  | 'UNMAPPED_RESOURCE'
  | 'DRILL_NETWORK_NOT_ISOLATED'
  | 'NO_RECOVERY_POINT'
  | 'RECOVERY_POINT_TOO_OLD'
  | 'INSTANCE_TYPE_UNAVAILABLE'
  | 'MISSING_SSM_DOCUMENT'
  | 'TIER_NOT_REPROTECTED'
  | 'TIER_STATE'
  | 'CHECK_FAILED'
  // method: drs tiers (doctor-replication.ts)
  | 'NO_PROTECTED_SOURCE_SERVERS'
  | 'DRS_NOT_CONTINUOUS'
  | 'DRS_LAGGING';

export interface Finding {
  code: FindingCode;
  severity: FindingSeverity;
  /** What it is about: an instance id, a subnet id, a document name … */
  subject: string;
  message: string;
  remedy: string;
}

export interface DoctorFacts {
  runbook: string;
  /** The live side's region (the runbook's target while the tier is failed over). */
  sourceRegion: string;
  /** The side a recovery would launch in (the runbook's source while the target is live). */
  targetRegion: string;
  /** `reverse` while the target is live: the mapping is read target → source. @default 'forward' */
  direction?: 'forward' | 'reverse';
  /** The tier's phase (doctor-tier.ts); undefined when the tier was never stored. */
  tier?: DoctorTier;
  rpoMs: number;
  now: number;
  defaultInstanceType?: string;
  /** Protected instances on the source side. */
  instances: Instance[];
  /** Instances registered with SSM; undefined when it could not be checked. */
  ssmManaged?: string[];
  /** How drbot's agent reaches the instances: SSM Run Command (default) or Alibaba Cloud Assistant. */
  commandAgent?: 'ssm' | 'cloud-assistant';
  /** With Cloud Assistant: instances whose client is not running; undefined when not checked. */
  cloudAssistantMissing?: string[];
  /** False when the provider has no network replication: no mapping is asked for. @default true */
  networkReplication?: boolean;
  mapping: NetworkMapping;
  /** Target-side VPCs of the mapped subnets (routes and endpoints). */
  targetTopologies: VpcTopology[];
  /** Why mapped target subnets are not isolated drill networks; undefined when not checked. */
  drillIsolation?: DrillIsolationProblem[];
  /** Newest available recovery point per protected instance, in the target region. */
  latestPoints: Record<string, RecoveryPoint | undefined>;
  /** Types offered in the target region among the instances' types and the default; undefined: not checked. */
  offeredTypes?: string[];
  requiredDocuments: string[];
  /** Documents present in the target region; undefined when not checked. */
  presentDocuments?: string[];
  /** Ready-made networks of the target region (`drill`, `production`); undefined: not checked. */
  networkProfiles?: string[];
  /** Fact-gathering calls that failed: each becomes a CHECK_FAILED warning. */
  failedChecks?: { check: string; message: string }[];
}

export interface DoctorReport {
  runbook: string;
  findings: Finding[];
  /** True when any finding is a blocker (`drbot doctor` exits 1). */
  blocking: boolean;
  /** Per DRS source server readiness, for `method: drs` tiers (doctor-replication.ts). */
  replication?: ReplicationReadiness;
}

function ssmFindings(f: DoctorFacts, out: Finding[]): void {
  for (const i of f.instances) {
    if (!i.instanceProfile) {
      out.push({
        code: 'NO_INSTANCE_PROFILE',
        severity: 'blocker',
        subject: i.id,
        message: `${i.id} (${i.tags.Name ?? i.type}) has no instance profile, so its recovered copy cannot reach SSM and drbot's agent cannot run on it`,
        remedy: `Attach an instance profile whose role has the AmazonSSMManagedInstanceCore policy to ${i.id}.`,
      });
    } else if (f.ssmManaged && !f.ssmManaged.includes(i.id)) {
      out.push({
        code: 'SSM_NOT_MANAGED',
        severity: 'blocker',
        subject: i.id,
        message: `${i.id} is not registered with SSM: its instance profile ${i.instanceProfile} lacks AmazonSSMManagedInstanceCore, or the SSM agent is not running`,
        remedy: `Attach the AmazonSSMManagedInstanceCore policy to the role of ${i.instanceProfile} and check the SSM agent runs (Systems Manager → Fleet Manager).`,
      });
    }
  }
}

function cloudAssistantFindings(f: DoctorFacts, out: Finding[]): void {
  for (const id of f.cloudAssistantMissing ?? []) {
    const i = f.instances.find((x) => x.id === id);
    out.push({
      code: 'CLOUD_ASSISTANT_MISSING',
      severity: 'blocker',
      subject: id,
      message: `${id}${i?.tags.Name ? ` (${i.tags.Name})` : ''} has no running Cloud Assistant client (DescribeCloudAssistantStatus), so drbot's agent cannot run on it nor on its recovered copy: health checks, freeze/thaw and RPO markers would fail`,
      remedy: `Install the Cloud Assistant client on ${id} (ECS console → Cloud Assistant → install, or the InstallCloudAssistant API), check the aliyun-service is running, then run \`drbot doctor ${f.runbook}\` again.`,
    });
  }
}

function networkFindings(f: DoctorFacts, out: Finding[]): void {
  if (f.mapping.empty) {
    // A region with ready-made networks launches there without a mapping: a drill (and a
    // failover) works, only the copies do not keep their subnets and addresses.
    const ready = ['drill', 'production'].every((p) => f.networkProfiles?.includes(p));
    if (ready) {
      out.push({
        code: 'NO_NETWORK_MAPPING',
        severity: 'warning',
        subject: f.runbook,
        message: `The network of ${f.runbook} has not been replicated to ${f.targetRegion}; launches use its ready-made drill and production networks, so copies do not keep their subnets and addresses`,
        remedy: `Run \`drbot network replicate ${f.runbook}\` to launch into mapped subnets with remapped addresses.`,
      });
      return;
    }
    out.push({
      code: 'NO_NETWORK_MAPPING',
      severity: 'blocker',
      subject: f.runbook,
      message: `The network of ${f.runbook} has not been replicated to ${f.targetRegion}: blueprints have no subnet or security groups to launch into, and a drill on AWS is refused (NO_DRILL_NETWORK) rather than launched outside an isolated drill network`,
      remedy: `Run \`drbot network replicate ${f.runbook}\`.`,
    });
    return;
  }
  const subnets = new Set<string>();
  const translate = f.direction === 'reverse' ? f.mapping.reverse() : f.mapping.forward();
  for (const i of f.instances) {
    for (const id of [i.subnetId, ...i.securityGroups].filter((x): x is string => !!x)) {
      const target = translate.id(id);
      if (!target) {
        out.push({
          code: 'UNMAPPED_RESOURCE',
          severity: 'blocker',
          subject: id,
          message: `${id} of ${i.id} has no counterpart in ${f.targetRegion}: it was added after the last replication`,
          remedy: `Run \`drbot network replicate ${f.runbook}\` again (it only creates what is missing).`,
        });
      } else if (id === i.subnetId) subnets.add(target);
    }
  }
  for (const problem of f.drillIsolation ?? []) {
    out.push({
      code: 'DRILL_NETWORK_NOT_ISOLATED',
      severity: 'blocker',
      subject: problem.subnetId,
      message: `Drill subnet ${problem.subnetId} in ${f.targetRegion} is not isolated from production: ${problem.reason}; a drill launch into it is refused`,
      remedy: `Remove that route, peering connection or transit-gateway attachment from the replica VPC (drbot network replicate never creates them), then run \`drbot doctor ${f.runbook}\` again.`,
    });
  }
  for (const topology of f.targetTopologies) {
    const services = new Set(
      topology.endpoints
        .filter((e) => e.privateDns)
        .map((e) => e.service.slice(e.service.lastIndexOf('.') + 1)),
    );
    const missing = SSM_ENDPOINT_SERVICES.filter((s) => !services.has(s));
    if (missing.length === 0) continue;
    for (const subnet of topology.subnets.filter((s) => subnets.has(s.id))) {
      if (subnetEgress(topology, subnet.id) !== 'none') continue;
      out.push({
        code: 'NO_SSM_ENDPOINTS',
        severity: 'blocker',
        subject: subnet.id,
        message: `Private subnet ${subnet.id} in ${f.targetRegion} has no route to the internet and its VPC lacks the ${missing.join(', ')} endpoint(s) with private DNS: recovered instances cannot reach SSM`,
        remedy: `Run \`drbot network replicate ${f.runbook}\` (it adds the ssm, ec2messages and ssmmessages endpoints), or add a NAT gateway route.`,
      });
    }
  }
}

function pointFindings(f: DoctorFacts, out: Finding[]): void {
  for (const i of f.instances) {
    const point = f.latestPoints[i.id];
    if (!point) {
      out.push({
        code: 'NO_RECOVERY_POINT',
        severity: 'blocker',
        subject: i.id,
        message: `${i.id} has no available recovery point in ${f.targetRegion}`,
        remedy: `Run \`drbot protect ${f.runbook}\` or check the protection schedule.`,
      });
    } else if (f.now - point.capturedAt > f.rpoMs) {
      out.push({
        code: 'RECOVERY_POINT_TOO_OLD',
        severity: 'blocker',
        subject: i.id,
        message: `The newest recovery point of ${i.id} (${point.id}) is ${formatDuration(f.now - point.capturedAt)} old, over the RPO of ${formatDuration(f.rpoMs)}`,
        remedy: `Run \`drbot protect ${f.runbook}\` now and check why the protection schedule fell behind.`,
      });
    }
  }
}

function typeFindings(f: DoctorFacts, out: Finding[]): void {
  if (!f.offeredTypes) return;
  const offered = new Set(f.offeredTypes);
  const fallback =
    f.defaultInstanceType && offered.has(f.defaultInstanceType) ? f.defaultInstanceType : undefined;
  for (const type of [...new Set(f.instances.map((i) => i.type))]) {
    if (offered.has(type)) continue;
    const users = f.instances.filter((i) => i.type === type).map((i) => i.id);
    out.push({
      code: 'INSTANCE_TYPE_UNAVAILABLE',
      severity: fallback ? 'warning' : 'blocker',
      subject: type,
      message: fallback
        ? `${type} (${users.join(', ')}) is not offered in ${f.targetRegion}: launches will use the default ${fallback}`
        : `${type} (${users.join(', ')}) is not offered in ${f.targetRegion} and there is no usable default type`,
      remedy: fallback
        ? `Nothing blocks; to keep the size, pin a similar type in the blueprint (\`drbot blueprint ${f.runbook} --write\`).`
        : `Set spec.defaults.instanceType to a type ${f.targetRegion} offers, or pin one per instance in the blueprint.`,
    });
  }
}

function documentFindings(f: DoctorFacts, out: Finding[]): void {
  if (!f.presentDocuments) return;
  for (const name of f.requiredDocuments.filter((d) => !f.presentDocuments?.includes(d))) {
    out.push({
      code: 'MISSING_SSM_DOCUMENT',
      severity: 'blocker',
      subject: name,
      message: `SSM document ${name} does not exist in ${f.targetRegion}; the runbook's steps run it`,
      remedy: name.startsWith('Drbot')
        ? `Create drbot's documents in ${f.targetRegion} (CloudProvider.ensureDocuments, from agent/documents/); drbot also creates them before first use in a run.`
        : `Create ${name} in ${f.targetRegion} or fix the document name in the runbook.`,
    });
  }
}

export function diagnose(facts: DoctorFacts): DoctorReport {
  const findings: Finding[] = [];
  if (facts.instances.length === 0) {
    findings.push({
      code: 'NO_PROTECTED_INSTANCES',
      severity: 'blocker',
      subject: facts.runbook,
      message: `spec.protect of ${facts.runbook} matches no live instance in ${facts.sourceRegion}`,
      remedy: 'Check the tags or instance ids in spec.protect.',
    });
  }
  if (facts.commandAgent === 'cloud-assistant') cloudAssistantFindings(facts, findings);
  else ssmFindings(facts, findings);
  if (facts.networkReplication !== false) networkFindings(facts, findings);
  pointFindings(facts, findings);
  typeFindings(facts, findings);
  documentFindings(facts, findings);
  tierFindings(facts, findings);
  for (const failed of facts.failedChecks ?? []) {
    findings.push({
      code: 'CHECK_FAILED',
      severity: 'warning',
      subject: failed.check,
      message: `Could not check ${failed.check}: ${failed.message}`,
      remedy: 'Check the credentials and permissions drbot runs with, then run the doctor again.',
    });
  }
  return { runbook: facts.runbook, findings, blocking: findings.some((x) => x.severity === 'blocker') };
}

/** Plain-text rendering (CLI, terminal shell); Slack renders `findings` itself. */
export function formatDoctorReport(report: DoctorReport): string {
  const replication = replicationReadinessLines(report.replication);
  if (report.findings.length === 0)
    return [`✓ ${report.runbook}: ready — nothing would block a drill or failover.`, ...replication].join(
      '\n',
    );
  const lines = [
    report.blocking
      ? `✗ ${report.runbook}: ${report.findings.filter((f) => f.severity === 'blocker').length} blocker(s)`
      : `! ${report.runbook}: warnings only`,
  ];
  for (const f of report.findings) {
    lines.push(`${f.severity === 'blocker' ? '✗' : '!'} [${f.code}] ${f.message}`, `    remedy: ${f.remedy}`);
  }
  return [...lines, ...replication].join('\n');
}
