import { describe, expect, it } from 'vitest';
import { MemoryRunStore } from '../../../../engine/adapters/memory/store.js';
import { describeRunStoreContract, makeEvent, makeRun } from '../run-store-contract.js';
import { describeRunDeltaContract, makeWideRun, succeeded } from '../run-store-delta-contract.js';

describeRunStoreContract('memory', async () => new MemoryRunStore());
describeRunDeltaContract('memory', async () => new MemoryRunStore());
describeRunDeltaContract('memory, unchecked', async () => new MemoryRunStore({ checkChanges: false }));

describe('MemoryRunStore delta saves', () => {
  it('refuses a delta that leaves out a changed step, storing nothing (checkChanges, on in tests)', async () => {
    const store = new MemoryRunStore();
    const first = makeWideRun('R1', 10);
    await store.createRun(first);
    const next = succeeded(first, ['s1', 's2']);
    await expect(store.saveRun(next, 1, { steps: new Set(['s1']) })).rejects.toMatchObject({
      code: 'STORE_UNDECLARED_CHANGE',
      context: { stepKeys: ['s2'] },
      action: expect.stringContaining('touch(stepKey)'),
    });
    expect(await store.getRun('R1')).toEqual(first);
  });

  it('copies only the named steps: an unnamed change is not stored (without the check)', async () => {
    const store = new MemoryRunStore({ checkChanges: false });
    const first = makeWideRun('R1', 10);
    await store.createRun(first);
    store.runCharsWritten = 0;
    await store.saveRun(succeeded(first, ['s1', 's2']), 1, { steps: new Set(['s1']) });
    const loaded = await store.getRun('R1');
    expect(loaded?.steps.s1?.status).toBe('succeeded');
    expect(loaded?.steps.s2?.status).toBe('pending');
    // The header and one step, not ten steps.
    expect(store.runCharsWritten).toBeLessThan(JSON.stringify(first).length / 2);
  });
});

describe('MemoryRunStore write counting', () => {
  it('counts attempted item writes per operation, failed conditional writes included', async () => {
    const store = new MemoryRunStore();
    await store.createRun(makeRun('R1'));
    await store.createRun(makeRun('R1')).catch(() => undefined);
    await store.appendAudit([makeEvent('R1', 1), makeEvent('R1', 2)]);
    await store.getRun('R1');
    expect(store.writes.byOperation()).toEqual({ createRun: 2, appendAudit: 2 });
    expect(store.writes.total).toBe(4);
    store.writes.reset();
    expect(store.writes.total).toBe(0);
  });

  it('rejects audit events without a positive integer seq before writing any', async () => {
    const store = new MemoryRunStore();
    await expect(store.appendAudit([makeEvent('R1', 1), makeEvent('R1', 0)])).rejects.toMatchObject({
      code: 'STORE_INVALID_RECORD',
    });
    expect(await store.listAudit('R1')).toEqual([]);
  });
});
