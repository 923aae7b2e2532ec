import { describe, expect, it } from 'vitest';
import { MemoryRunStore } from '../../../../engine/adapters/memory/store.js';
import { describeRunStoreContract, makeEvent, makeRun } from '../run-store-contract.js';

describeRunStoreContract('memory', async () => new MemoryRunStore());

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
