import { describe, expect, it } from 'vitest';
import { AwsReplication } from '../../../engine/adapters/aws/drs.js';
import { AWS_PROVIDER, SIM_PROVIDER } from '../../../engine/cloud/providers.js';
import { makeSim } from './sim/fixtures.js';

/** Every method of ReplicationPort (engine/cloud/replication.ts). */
const REPLICATION_METHODS = [
  'sourceServers',
  'recoverySnapshots',
  'applyLaunchSettings',
  'startRecovery',
  'describeJob',
  'jobLog',
  'recoveryInstances',
  'terminateRecoveryInstances',
  'reverseReplication',
];

describe('the replication capability', () => {
  it('is declared by the providers whose adapters implement every ReplicationPort method', () => {
    expect(AWS_PROVIDER.capabilities).toContain('replication');
    expect(SIM_PROVIDER.capabilities).toContain('replication');
    const adapters = { aws: new AwsReplication(), sim: makeSim().sim.replication };
    for (const [name, adapter] of Object.entries(adapters)) {
      for (const method of REPLICATION_METHODS)
        expect(typeof (adapter as unknown as Record<string, unknown>)[method], `${name}.${method}`).toBe(
          'function',
        );
    }
  });
});
