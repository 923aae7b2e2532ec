/**
 * Builds a world of N protected instances for benches (N = 10, 100, 1000), with the same shape as
 * runbooks/sim/world.yaml: us-east-1 → us-west-2, an hourly recovery point 20 minutes old.
 */

import { DEFAULT_LATENCIES, type World, type WorldFaults } from './world.js';
import { validateWorld } from './world-load.js';

export interface GenerateWorldOptions {
  /** How many protected instances, all tagged `dr-tier: <tier>`. */
  instances: number;
  /** @default app */
  tier?: string;
  /** @default {} */
  faults?: WorldFaults;
  /** @default m5.large */
  instanceType?: string;
}

export function generateWorld(options: GenerateWorldOptions): World {
  const tier = options.tier ?? 'app';
  const type = options.instanceType ?? 'm5.large';
  const region = (name: string, prefix: string) => ({
    subnets: [
      { id: `subnet-0${prefix}a`, zone: `${name}a`, cidr: '10.0.0.0/16' },
      { id: `subnet-0${prefix}d`, zone: `${name}b`, cidr: '10.99.0.0/16' },
    ],
    securityGroups: [
      { id: `sg-0${prefix}app`, name: 'app' },
      { id: `sg-0${prefix}drill`, name: 'drill-isolated' },
    ],
    instanceProfiles: ['bench-app'],
    networks: {
      production: { subnet: `subnet-0${prefix}a`, securityGroups: [`sg-0${prefix}app`] },
      drill: { subnet: `subnet-0${prefix}d`, securityGroups: [`sg-0${prefix}drill`] },
    },
  });
  const instances = Array.from({ length: options.instances }, (_, n) => ({
    id: `i-0bench${n.toString(16).padStart(8, '0')}`,
    region: 'us-east-1',
    type,
    subnet: 'subnet-0e1a',
    privateIp: `10.0.${Math.floor(n / 250)}.${(n % 250) + 4}`,
    securityGroups: ['sg-0e1app'],
    instanceProfile: 'bench-app',
    volumes: [{ device: '/dev/xvda', sizeGiB: 20, type: 'gp3' }],
    tags: { Name: `${tier}-${n}`, 'dr-tier': tier },
  }));
  return validateWorld(
    {
      apiVersion: 'drbot/v1',
      kind: 'SimWorld',
      metadata: { name: `generated-${options.instances}` },
      latencies: DEFAULT_LATENCIES,
      faults: options.faults ?? {},
      regions: { 'us-east-1': region('us-east-1', 'e1'), 'us-west-2': region('us-west-2', 'w2') },
      instances,
      recoveryPoints: [{ region: 'us-west-2', ages: ['20m', '1h20m'] }],
    },
    `generateWorld(${options.instances})`,
  );
}
