/**
 * The network side the local runtime wires per provider: on Alibaba Cloud runs get the Alibaba
 * NetworkCloud over the provider's own clients, so network.replicate stores a mapping and
 * ec2.launch reads it (before, runs on Alibaba had no network side at all).
 */
import { describe, expect, it } from 'vitest';
import { createNetworkCloud } from '../../../bot/runtime/provider.js';
import { AlibabaNetwork } from '../../../engine/adapters/alibaba/network.js';
import { AlibabaCloudProvider } from '../../../engine/adapters/alibaba/provider.js';
import { FakeClock } from '../../../engine/adapters/memory/clock.js';

describe('createNetworkCloud', () => {
  it('wires the Alibaba NetworkCloud (replicates, no SSM endpoints) for --provider alibaba', async () => {
    const cloud = new AlibabaCloudProvider({
      accessKeyId: 'LTAI-test',
      accessKeySecret: 'x',
      clock: new FakeClock(0),
    });
    const network = await createNetworkCloud('alibaba', cloud);
    expect(network).toBeInstanceOf(AlibabaNetwork);
    expect(network?.replicates).toBe(true);
    expect(network?.ssmEndpoints).toBe(false);
  });
});
