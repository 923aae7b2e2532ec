import { describe, expect, it } from 'vitest';
import { makeSim, SOURCE, TARGET, WEB1 } from './fixtures.js';

describe('spec.protect.capture on the sim', () => {
  it('captures AMIs when asked, and EBS snapshot sets by default', async () => {
    const { sim } = makeSim();
    const fleet = await sim.listProtected({ instanceIds: [WEB1] }, SOURCE);
    const base = { instances: fleet, sourceRegion: SOURCE, targetRegion: TARGET, retention: 24 };
    const ami = await sim.protect({ ...base, captureKey: 'k-ami', capture: 'ami' });
    expect(ami.points[0]).toMatchObject({ kind: 'ami', id: expect.stringMatching(/^ami-/) });
    const plain = await sim.protect({ ...base, captureKey: 'k-default' });
    expect(plain.points[0]).toMatchObject({ kind: 'snapshot', id: expect.stringMatching(/^snap-/) });
  });
});
