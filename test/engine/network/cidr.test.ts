import { describe, expect, it } from 'vitest';
import { parseCidr, remapCidr, remapIp, reverseRemap } from '../../../engine/network/cidr.js';
import { CidrRemapError, InvalidCidrError } from '../../../engine/network/errors.js';
import { assertRemapFits, remapProblems } from '../../../engine/network/remap-check.js';

const remap = { from: '10.0.0.0/16', to: '20.0.0.0/16' };

describe('CIDR remap', () => {
  it('moves subnets and IPs to the same offset in the target range', () => {
    expect(remapCidr('10.0.0.0/16', remap)).toBe('20.0.0.0/16');
    expect(remapCidr('10.0.1.0/24', remap)).toBe('20.0.1.0/24');
    expect(remapCidr('10.0.255.240/28', remap)).toBe('20.0.255.240/28');
    expect(remapIp('10.0.1.10', remap)).toBe('20.0.1.10');
  });

  it('leaves ranges outside or around the source range alone', () => {
    expect(remapCidr('0.0.0.0/0', remap)).toBe('0.0.0.0/0');
    expect(remapCidr('10.0.0.0/8', remap)).toBe('10.0.0.0/8');
    expect(remapCidr('192.168.0.0/16', remap)).toBe('192.168.0.0/16');
    expect(remapIp('172.16.0.5', remap)).toBe('172.16.0.5');
  });

  it('leaves IPv6 untouched and refuses to remap IPv6 ranges', () => {
    expect(remapCidr('2600:1f18:abcd::/56', remap)).toBe('2600:1f18:abcd::/56');
    expect(remapIp('2600:1f18::1', remap)).toBe('2600:1f18::1');
    expect(() => remapCidr('10.0.1.0/24', { from: '2600::/56', to: '2700::/56' })).toThrow(CidrRemapError);
    expect(
      remapProblems(
        { from: '2600::/56', to: '2700::/56' },
        { vpcCidrs: ['10.0.0.0/16'], subnetCidrs: [] },
      )[0],
    ).toMatch(/IPv6 ranges cannot be remapped/);
  });

  it('round-trips through the reverse remap', () => {
    const there = remapIp('10.0.7.33', remap);
    expect(remapIp(there, reverseRemap(remap))).toBe('10.0.7.33');
  });

  it('refuses a /16 → /20 remap when a subnet falls outside, naming it', () => {
    const narrow = { from: '10.0.0.0/16', to: '20.0.0.0/20' };
    expect(remapCidr('10.0.1.0/24', narrow)).toBe('20.0.1.0/24');
    expect(() => remapCidr('10.0.200.0/24', narrow)).toThrow(
      /10\.0\.200\.0\/24 would land at 20\.0\.200\.0\/24, outside 20\.0\.0\.0\/20/,
    );
    const problems = remapProblems(narrow, {
      vpcCidrs: ['10.0.0.0/16'],
      subnetCidrs: ['10.0.1.0/24', '10.0.200.0/24'],
    });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('10.0.200.0/24');
  });

  it('accepts a /16 → /20 remap when every subnet fits', () => {
    expect(
      remapProblems(
        { from: '10.0.0.0/16', to: '20.0.0.0/20' },
        { vpcCidrs: ['10.0.0.0/16'], subnetCidrs: ['10.0.1.0/24', '10.0.15.0/24'] },
      ),
    ).toEqual([]);
  });

  it('refuses a target range overlapping the source range', () => {
    const problems = remapProblems(
      { from: '10.0.0.0/16', to: '10.0.0.0/17' },
      { vpcCidrs: ['10.0.0.0/16'], subnetCidrs: [] },
    );
    expect(problems.join(' ')).toMatch(/overlaps 10\.0\.0\.0\/16.*ambiguous/);
  });

  it('refuses a target range overlapping a VPC already in the target region', () => {
    expect(() =>
      assertRemapFits(remap, {
        vpcCidrs: ['10.0.0.0/16'],
        subnetCidrs: ['10.0.1.0/24'],
        avoid: [{ cidr: '20.0.128.0/17', label: 'vpc-existing' }],
      }),
    ).toThrow(/overlaps vpc-existing \(20\.0\.128\.0\/17\)/);
  });

  it('refuses a remap that covers only part of the VPC or none of it', () => {
    expect(
      remapProblems(
        { from: '10.0.1.0/24', to: '20.0.1.0/24' },
        { vpcCidrs: ['10.0.0.0/16'], subnetCidrs: [] },
      )[0],
    ).toMatch(/larger than 10\.0\.1\.0\/24/);
    expect(
      remapProblems(
        { from: '172.16.0.0/16', to: '20.0.0.0/16' },
        { vpcCidrs: ['10.0.0.0/16'], subnetCidrs: [] },
      )[0],
    ).toMatch(/does not cover the VPC/);
  });

  it('refuses private IPs that fall outside the target range', () => {
    const problems = remapProblems(
      { from: '10.0.0.0/16', to: '20.0.0.0/20' },
      { vpcCidrs: ['10.0.0.0/16'], subnetCidrs: [], privateIps: ['10.0.99.4'] },
    );
    expect(problems[0]).toMatch(/10\.0\.99\.4 is .* past the end of 20\.0\.0\.0\/20/);
  });

  it('rejects malformed CIDRs and host bits', () => {
    expect(() => parseCidr('10.0.0.1/16')).toThrow(InvalidCidrError);
    expect(() => parseCidr('10.0.0.0/33')).toThrow(InvalidCidrError);
    expect(() => parseCidr('300.0.0.0/8')).toThrow(InvalidCidrError);
    expect(remapProblems({ from: 'ten', to: '20.0.0.0/16' }, { vpcCidrs: [], subnetCidrs: [] })[0]).toMatch(
      /from "ten"/,
    );
  });
});
