/**
 * Errors of network replication, blueprints and readiness. All are NonRetryable: a remap that
 * does not fit, or a topology drbot cannot copy, fails the same way on every attempt.
 */
import { type ErrorContext, NonRetryableError } from '../errors.js';

/** A CIDR remap was refused; `reason` says exactly which range does not fit and why. */
export class CidrRemapError extends NonRetryableError {
  readonly reason: string;
  constructor(reason: string, context: ErrorContext = {}) {
    super(`CIDR remap refused: ${reason}`, {
      code: 'CIDR_REMAP_REFUSED',
      explanation:
        'Every subnet and private IP of the source VPC must land inside the target range, consistently, and the target range must not collide with another range.',
      action:
        'Choose a `to` range at least as large as the part of the source VPC in use (for example /16 → /16), disjoint from the source range and from the VPCs already in the target region, then run `drbot network replicate` again.',
      context,
    });
    this.reason = reason;
  }
}

/** The replica VPC drbot created earlier has another range than the replication plans. */
export class ReplicaCidrMismatchError extends NonRetryableError {
  constructor(f: {
    sourceVpcId: string;
    sourcePrimary: string;
    targetRegion: string;
    replicaVpcId: string;
    replicaPrimary: string;
    planned: string;
  }) {
    super(
      `The replica ${f.replicaVpcId} of ${f.sourceVpcId} in ${f.targetRegion} has ${f.replicaPrimary}, but this replication plans ${f.planned}`,
      {
        code: 'REPLICA_CIDR_MISMATCH',
        explanation:
          "drbot reuses the replica VPC it created before (tag drbot:source-id), and a VPC's primary range cannot be changed: replicating now would store a mapping that does not match the real network, and blueprints would place private IPs outside their subnets.",
        action: `To keep the replica, run \`drbot network replicate\` with --cidr-remap ${f.sourcePrimary}=${f.replicaPrimary} (or without --cidr-remap). To move it to ${f.planned}, delete ${f.replicaVpcId} and what drbot created in it (tagged drbot:source-id) in ${f.targetRegion}, then replicate again.`,
        context: { ...f },
      },
    );
  }
}

/** A text that should be an IPv4 CIDR or address is not one. */
export class InvalidCidrError extends NonRetryableError {
  constructor(value: string, what = 'IPv4 CIDR') {
    super(`Not a valid ${what}: ${JSON.stringify(value)}`, {
      code: 'INVALID_CIDR',
      explanation: `drbot expected an ${what} such as 10.0.0.0/16 (network address, then a prefix length 0–32).`,
      action:
        'Fix the value (the network address must have no host bits set, e.g. 10.0.0.0/16, not 10.0.0.1/16).',
      context: { value },
    });
  }
}

/** The network of the protected instances has never been replicated. */
export class NoNetworkMappingError extends NonRetryableError {
  constructor(runbook: string, detail: string) {
    super(`No network mapping for runbook ${runbook}`, {
      code: 'NO_NETWORK_MAPPING',
      explanation: `${detail} Launch blueprints take their subnets, IPs and security groups from the mapping.`,
      action: `Run \`drbot network replicate ${runbook}\` (or a network.replicate step) first.`,
      context: { runbook },
    });
  }
}

/** The source topology cannot be replicated as it is (no subnets, no zones in the target …). */
export class ReplicationPlanError extends NonRetryableError {
  constructor(message: string, explanation: string, action: string, context: ErrorContext = {}) {
    super(message, { code: 'NETWORK_PLAN_INVALID', explanation, action, context });
  }
}
