/** The `network:` section of the sim world (test/fixtures/tiers/sim/world.yaml, a copy of runbooks/sim/world.yaml) (appended there verbatim). */
import { readFileSync } from 'node:fs';

export const NETWORK_SECTION = `
network:
  us-east-1:
    zones: [us-east-1a, us-east-1b]
    vpcs:
      - id: vpc-0e1shop
        cidr: 10.0.0.0/16
        subnets: [subnet-0e1a0001, subnet-0e1b0002, subnet-0e1d0003]
        internetGateway: igw-0e1shop
        natGateways: [{ id: nat-0e1shop, subnet: subnet-0e1a0001 }]
        routeTables:
          - { id: rtb-0e1pub, main: true, subnets: [subnet-0e1a0001], routes: [{ destination: 0.0.0.0/0, target: igw-0e1shop }] }
          - { id: rtb-0e1app, subnets: [subnet-0e1b0002], routes: [{ destination: 0.0.0.0/0, target: nat-0e1shop }] }
          - { id: rtb-0e1drill, subnets: [subnet-0e1d0003] }
        securityGroups:
          sg-0e1web: { ingress: [{ protocol: tcp, ports: 443, cidrs: [0.0.0.0/0] }] }
          sg-0e1app: { ingress: [{ protocol: tcp, ports: 8080, groups: [sg-0e1web] }] }
          sg-0e1db: { ingress: [{ protocol: tcp, ports: 5432, groups: [sg-0e1app] }] }
  us-west-2:
    zones: [us-west-2a, us-west-2b, us-west-2c]
  ssmUnmanagedProfiles: []
`;

/** The committed world, which carries NETWORK_SECTION (appended only if a copy lacks it). */
export function worldText(): string {
  const text = readFileSync(new URL('../../../../fixtures/tiers/sim/world.yaml', import.meta.url), 'utf8');
  return text.includes(NETWORK_SECTION) ? text : text + NETWORK_SECTION;
}
