import { describe, expect, it } from 'vitest';
import { CidrRemapError } from '../../../engine/network/errors.js';
import { buildReplicationPlan, endpointGroupId } from '../../../engine/network/plan.js';
import { STEP_ORDER } from '../../../engine/network/plan-types.js';
import { mapZones } from '../../../engine/network/zones.js';
import { sourceTopology } from './fixtures.js';

const options = { targetRegion: 'us-west-2', targetZones: ['us-west-2a', 'us-west-2b', 'us-west-2c'] };

describe('buildReplicationPlan', () => {
  it('orders steps VPC → DHCP → subnets → gateways → NAT → routes → ACLs → groups → rules → endpoints', () => {
    const plan = buildReplicationPlan(sourceTopology(), options);
    const kinds = plan.steps.map((s) => s.kind);
    const ranks = kinds.map((k) => STEP_ORDER.indexOf(k));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(kinds[0]).toBe('vpc');
    expect(kinds.at(-1)).toBe('vpc-endpoint');
  });

  it('remaps subnet, route, ACL and rule ranges consistently', () => {
    const plan = buildReplicationPlan(sourceTopology(), {
      ...options,
      cidrRemap: { from: '10.0.0.0/16', to: '20.0.0.0/16' },
    });
    const vpc = plan.steps.find((s) => s.kind === 'vpc');
    expect(vpc?.kind === 'vpc' && vpc.cidr).toBe('20.0.0.0/16');
    const subnets = plan.steps.flatMap((s) => (s.kind === 'subnet' ? [s.cidr] : []));
    expect(subnets).toEqual(['20.0.0.0/24', '20.0.1.0/24', '20.0.2.0/24']);
    const acl = plan.steps.find((s) => s.kind === 'network-acl' && s.sourceId === 'acl-app');
    expect(acl?.kind === 'network-acl' && acl.entries[0]?.cidr).toBe('20.0.0.0/16');
    const rules = plan.steps.find((s) => s.kind === 'security-group-rules' && s.sourceId === 'sg-app');
    expect(rules?.kind === 'security-group-rules' && rules.ingress[0]?.cidrs).toEqual(['20.0.1.0/24']);
    const endpointRules = plan.steps.find(
      (s) => s.kind === 'security-group-rules' && s.sourceId === endpointGroupId('vpc-src'),
    );
    expect(endpointRules?.kind === 'security-group-rules' && endpointRules.ingress[0]).toMatchObject({
      protocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      cidrs: ['20.0.0.0/16'],
    });
    expect(plan.cidrRemap).toEqual({ from: '10.0.0.0/16', to: '20.0.0.0/16' });
  });

  it('maps zones by letter and follows the region default DHCP domain', () => {
    const plan = buildReplicationPlan(sourceTopology(), options);
    expect(plan.zones).toEqual({ 'us-east-1a': 'us-west-2a', 'us-east-1b': 'us-west-2b' });
    const dhcp = plan.steps.find((s) => s.kind === 'dhcp-options');
    expect(dhcp?.kind === 'dhcp-options' && dhcp.configurations['domain-name']).toEqual([
      'us-west-2.compute.internal',
    ]);
  });

  it('keeps group references inside the VPC and notes what it does not copy', () => {
    const plan = buildReplicationPlan(sourceTopology(), options);
    const rules = plan.steps.find((s) => s.kind === 'security-group-rules' && s.sourceId === 'sg-app');
    expect(rules?.kind === 'security-group-rules' && rules.ingress[0]?.groupIds).toEqual(['sg-web']);
    expect(plan.notes.join('\n')).toMatch(/sg-other-vpc is not in the replicated VPC/);
    expect(plan.notes.join('\n')).toMatch(/192\.168\.0\.0\/16 → pcx-peer/);
    const routes = plan.steps.find((s) => s.kind === 'route-table' && s.sourceId === 'rtb-app');
    expect(routes?.kind === 'route-table' && routes.routes).toEqual([
      { destination: '0.0.0.0/0', target: { kind: 'nat-gateway', ref: 'nat-src' } },
    ]);
  });

  it('adds ssm, ec2messages and ssmmessages endpoints with private DNS in private subnets, one per zone', () => {
    const plan = buildReplicationPlan(sourceTopology(), options);
    const endpoints = plan.steps.flatMap((s) => (s.kind === 'vpc-endpoint' ? [s] : []));
    expect(endpoints.map((e) => e.serviceName)).toEqual([
      'com.amazonaws.us-west-2.ssm',
      'com.amazonaws.us-west-2.ec2messages',
      'com.amazonaws.us-west-2.ssmmessages',
    ]);
    expect(endpoints.every((e) => e.privateDns && e.securityGroupRef === endpointGroupId('vpc-src'))).toBe(
      true,
    );
    expect(endpoints[0]?.subnetRefs).toEqual(['subnet-app-a', 'subnet-app-b']);
  });

  it('refuses a remap that does not fit before planning anything', () => {
    const topology = sourceTopology();
    topology.subnets.push({
      id: 'subnet-far',
      zone: 'us-east-1b',
      cidr: '10.0.200.0/24',
      mapPublicIpOnLaunch: false,
      tags: {},
    });
    expect(() =>
      buildReplicationPlan(topology, { ...options, cidrRemap: { from: '10.0.0.0/16', to: '20.0.0.0/20' } }),
    ).toThrow(CidrRemapError);
  });
});

describe('buildReplicationPlan for a provider without SSM (ssmEndpoints: false)', () => {
  it('adds no SSM endpoint nor its group, and carries the topology notes into the plan', () => {
    const topology = { ...sourceTopology(), notes: ['NAT gateway ngw-1 is not replicated'] };
    const plan = buildReplicationPlan(topology, { ...options, ssmEndpoints: false });
    expect(plan.steps.some((s) => s.kind === 'vpc-endpoint')).toBe(false);
    expect(plan.steps.some((s) => s.sourceId.startsWith('drbot-ssm-endpoints'))).toBe(false);
    expect(plan.notes[0]).toBe('NAT gateway ngw-1 is not replicated');
    expect(buildReplicationPlan(sourceTopology(), options).steps.some((s) => s.kind === 'vpc-endpoint')).toBe(
      true,
    );
  });
});

describe('mapZones', () => {
  it('spreads zones without a same-letter match over the zones left', () => {
    expect(
      mapZones(['us-east-1a', 'us-east-1e', 'us-east-1f'], ['eu-west-1a', 'eu-west-1b', 'eu-west-1c']),
    ).toEqual({
      'us-east-1a': 'eu-west-1a',
      'us-east-1e': 'eu-west-1b',
      'us-east-1f': 'eu-west-1c',
    });
  });

  it('keeps the letter of Alibaba zone ids (cn-hangzhou-h → cn-shanghai-h), which have no digit before it', () => {
    expect(
      mapZones(['cn-hangzhou-h', 'cn-hangzhou-k'], ['cn-shanghai-b', 'cn-shanghai-h', 'cn-shanghai-k']),
    ).toEqual({ 'cn-hangzhou-h': 'cn-shanghai-h', 'cn-hangzhou-k': 'cn-shanghai-k' });
  });

  it('honours overrides and refuses unknown target zones', () => {
    expect(mapZones(['us-east-1a'], ['us-west-2a', 'us-west-2b'], { 'us-east-1a': 'us-west-2b' })).toEqual({
      'us-east-1a': 'us-west-2b',
    });
    expect(() => mapZones(['us-east-1a'], ['us-west-2a'], { 'us-east-1a': 'us-west-2z' })).toThrow(
      /does not have/,
    );
    expect(() => mapZones(['us-east-1a'], [])).toThrow(/no availability zone/);
  });
});
