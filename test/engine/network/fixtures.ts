/** A small source VPC topology shared by the network tests: two zones, public and private subnets. */
import type { Instance } from '../../../engine/cloud/compute.js';
import type { VpcTopology } from '../../../engine/network/topology.js';

export function sourceTopology(): VpcTopology {
  return {
    region: 'us-east-1',
    vpc: {
      id: 'vpc-src',
      cidrs: ['10.0.0.0/16'],
      ipv6Cidrs: [],
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags: { Name: 'shop' },
    },
    dhcpOptions: {
      id: 'dopt-src',
      configurations: { 'domain-name': ['ec2.internal'], 'domain-name-servers': ['AmazonProvidedDNS'] },
    },
    subnets: [
      {
        id: 'subnet-pub-a',
        zone: 'us-east-1a',
        cidr: '10.0.0.0/24',
        mapPublicIpOnLaunch: true,
        tags: { Name: 'public-a' },
      },
      {
        id: 'subnet-app-a',
        zone: 'us-east-1a',
        cidr: '10.0.1.0/24',
        mapPublicIpOnLaunch: false,
        tags: { Name: 'app-a' },
      },
      {
        id: 'subnet-app-b',
        zone: 'us-east-1b',
        cidr: '10.0.2.0/24',
        mapPublicIpOnLaunch: false,
        tags: { Name: 'app-b' },
      },
    ],
    internetGateway: { id: 'igw-src' },
    natGateways: [{ id: 'nat-src', subnetId: 'subnet-pub-a', connectivity: 'public', tags: {} }],
    routeTables: [
      {
        id: 'rtb-main',
        main: true,
        subnetIds: [],
        tags: {},
        routes: [{ destination: '10.0.0.0/16', target: { kind: 'local', id: 'local' } }],
      },
      {
        id: 'rtb-pub',
        main: false,
        subnetIds: ['subnet-pub-a'],
        tags: {},
        routes: [
          { destination: '10.0.0.0/16', target: { kind: 'local', id: 'local' } },
          { destination: '0.0.0.0/0', target: { kind: 'internet-gateway', id: 'igw-src' } },
        ],
      },
      {
        id: 'rtb-app',
        main: false,
        subnetIds: ['subnet-app-a', 'subnet-app-b'],
        tags: {},
        routes: [
          { destination: '10.0.0.0/16', target: { kind: 'local', id: 'local' } },
          { destination: '0.0.0.0/0', target: { kind: 'nat-gateway', id: 'nat-src' } },
          { destination: '192.168.0.0/16', target: { kind: 'other', id: 'pcx-peer' } },
        ],
      },
    ],
    networkAcls: [
      {
        id: 'acl-default',
        isDefault: true,
        subnetIds: ['subnet-pub-a'],
        tags: {},
        entries: [
          { ruleNumber: 100, egress: false, protocol: '-1', action: 'allow', cidr: '0.0.0.0/0' },
          { ruleNumber: 32767, egress: false, protocol: '-1', action: 'deny', cidr: '0.0.0.0/0' },
        ],
      },
      {
        id: 'acl-app',
        isDefault: false,
        subnetIds: ['subnet-app-a', 'subnet-app-b'],
        tags: {},
        entries: [
          {
            ruleNumber: 100,
            egress: false,
            protocol: '6',
            action: 'allow',
            cidr: '10.0.0.0/16',
            fromPort: 8080,
            toPort: 8080,
          },
        ],
      },
    ],
    securityGroups: [
      {
        id: 'sg-default',
        name: 'default',
        description: 'default VPC security group',
        isDefault: true,
        ingress: [],
        egress: [],
        tags: {},
      },
      {
        id: 'sg-web',
        name: 'web',
        description: 'web',
        isDefault: false,
        tags: {},
        ingress: [
          {
            protocol: 'tcp',
            fromPort: 443,
            toPort: 443,
            cidrs: ['0.0.0.0/0'],
            ipv6Cidrs: [],
            groupIds: [],
            prefixListIds: [],
          },
        ],
        egress: [],
      },
      {
        id: 'sg-app',
        name: 'app',
        description: 'app',
        isDefault: false,
        tags: {},
        ingress: [
          {
            protocol: 'tcp',
            fromPort: 8080,
            toPort: 8080,
            cidrs: ['10.0.1.0/24'],
            ipv6Cidrs: [],
            groupIds: ['sg-web', 'sg-other-vpc'],
            prefixListIds: [],
          },
        ],
        egress: [],
      },
    ],
    endpoints: [],
  };
}

export function instance(id: string, extra: Partial<Instance> = {}): Instance {
  return {
    id,
    region: 'us-east-1',
    zone: 'us-east-1a',
    type: 't3.medium',
    state: 'running',
    subnetId: 'subnet-app-a',
    privateIp: '10.0.1.10',
    securityGroups: ['sg-app'],
    instanceProfile: 'shop-app',
    volumes: [{ id: 'vol-1', device: '/dev/xvda', sizeGiB: 20, type: 'gp3' }],
    tags: { Name: id, 'dr-tier': 'app', 'aws:cloudformation:stack-name': 'x', 'drbot:run-id': 'old' },
    ...extra,
  };
}
