import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { formatBlueprint } from '../../../bot/cli/commands/blueprint.js';
import { registerDoctorCommand } from '../../../bot/cli/commands/doctor.js';
import { parseCidrRemap, registerNetworkCommand } from '../../../bot/cli/commands/network.js';

describe('network CLI commands', () => {
  it('parses --cidr-remap FROM=TO and refuses anything else with the expected form', () => {
    expect(parseCidrRemap('10.0.0.0/16=20.0.0.0/16')).toEqual({ from: '10.0.0.0/16', to: '20.0.0.0/16' });
    expect(() => parseCidrRemap('10.0.0.0/16')).toThrow(/Invalid --cidr-remap/);
    expect(() => parseCidrRemap('a=b=c')).toThrow(/Invalid --cidr-remap/);
  });

  it('registers `network replicate` and `doctor` with the provider choice', () => {
    const program = new Command('drbot');
    registerNetworkCommand(program);
    registerDoctorCommand(program);
    const replicate = program.commands
      .find((c) => c.name() === 'network')
      ?.commands.find((c) => c.name() === 'replicate');
    expect(replicate?.options.map((o) => o.long)).toEqual(
      expect.arrayContaining(['--provider', '--cidr-remap']),
    );
    expect(
      program.commands.find((c) => c.name() === 'doctor')?.options.find((o) => o.long === '--provider')
        ?.argChoices,
    ).toEqual(['sim', 'aws', 'alibaba']);
  });

  it('shows a blueprint with its fallback and notes', () => {
    const text = formatBlueprint({
      sourceInstanceId: 'i-1',
      recoveryPointId: '',
      region: 'us-west-2',
      instanceType: 't3.large',
      fellBackFrom: 'm5.large',
      sourceInstanceType: 'm5.large',
      subnetId: 'subnet-x',
      privateIp: '20.0.1.21',
      volumes: [{ device: '/dev/xvda', sizeGiB: 30, type: 'gp3' }],
      tags: { Name: 'app-1' },
      notes: ['m5.large is not offered in us-west-2'],
    });
    expect(text).toContain('t3.large (fell back from m5.large)');
    expect(text).toContain('no recovery point yet');
    expect(text).toContain('note: m5.large is not offered');
  });
});
