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
