/**
 * Action specs of network replication (merged into ACTION_SPECS by the lead). Pure data, like the
 * catalogue: the handler is in engine/adapters/actions/network.ts.
 */
import type { ActionSpec } from './types.js';

const cidr = {
  type: 'string',
  pattern: '^\\d{1,3}(?:\\.\\d{1,3}){3}/\\d{1,2}$',
  description: 'An IPv4 CIDR such as 10.0.0.0/16.',
};

export const NETWORK_ACTION_SPECS: ActionSpec[] = [
  {
    name: 'network.replicate',
    mutating: true,
    description:
      'Replicates the VPCs of the protected instances to the recovery region (subnets per zone, gateways, routes, ACLs, security groups, SSM endpoints), idempotently, and stores the source ↔ target mapping.',
    inputSchema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        cidrRemap: {
          type: 'object',
          additionalProperties: false,
          required: ['from', 'to'],
          description:
            'Move every address of `from` to the same offset in `to`, e.g. 10.0.0.0/16 → 20.0.0.0/16.',
          properties: { from: cidr, to: cidr },
        },
      },
    },
    outputs: {
      vpcs: 'Map of source VPC id → target VPC id.',
      created: 'How many resources this run created (0 when everything already existed).',
      reused: 'How many resources already existed and were reused.',
      notes: 'What was not copied and why.',
    },
  },
];
