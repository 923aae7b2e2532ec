import { describe, expect, it } from 'vitest';
import { lazyPort } from '../../../bot/lambda/lazy-port.js';
import { lazyDataTier } from '../../../bot/lambda/worker.js';
import { createAwsReplication } from '../../../engine/adapters/aws/drs.js';
import { createAwsDatabase } from '../../../engine/adapters/aws/rds/aws-database.js';
import { createAwsObjectStorage } from '../../../engine/adapters/aws/s3/aws-object-storage.js';
import { FakeClock } from '../../../engine/adapters/memory/clock.js';

interface Port {
  get(id: string): Promise<string>;
  put(id: string, value: string): Promise<void>;
}

/** Every function-valued member of an adapter instance (own fields and class methods). */
function methodsOf(adapter: object): string[] {
  const names = new Set<string>();
  for (let o: object | null = adapter; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const name of Object.getOwnPropertyNames(o)) {
      if (name !== 'constructor' && typeof (adapter as Record<string, unknown>)[name] === 'function')
        names.add(name);
    }
  }
  return [...names].sort();
}

describe('lazyPort', () => {
  it('loads the adapter at the first call only, once, and forwards every call to it', async () => {
    let loads = 0;
    const calls: string[] = [];
    const port = lazyPort<Port>(
      async () => {
        loads += 1;
        return {
          get: async (id) => `value of ${id}`,
          put: async (id, value) => {
            calls.push(`${id}=${value}`);
          },
        };
      },
      { get: true, put: true },
    );
    expect(loads).toBe(0);
    const [a, b] = await Promise.all([port.get('x'), port.get('y')]);
    await port.put('z', '1');
    expect([a, b]).toEqual(['value of x', 'value of y']);
    expect(calls).toEqual(['z=1']);
    expect(loads).toBe(1);
  });

  it('retries a failed load on the next call instead of failing for the life of the container', async () => {
    let loads = 0;
    const port = lazyPort<Port>(
      async () => {
        loads += 1;
        if (loads === 1) throw new Error('import failed');
        return { get: async () => 'ok', put: async () => undefined };
      },
      { get: true, put: true },
    );
    await expect(port.get('x')).rejects.toThrow('import failed');
    await expect(port.get('x')).resolves.toBe('ok');
    expect(loads).toBe(2);
  });
});

describe("the worker's lazily loaded data tier", () => {
  it("forwards the AWS adapters' port methods, each one the adapter really has", () => {
    const tier = lazyDataTier(new FakeClock());
    const pairs: [object, object][] = [
      [tier.replication, createAwsReplication()],
      [tier.database, createAwsDatabase()],
      [tier.objectStorage, createAwsObjectStorage()],
    ];
    for (const [lazy, adapter] of pairs) {
      const forwarded = methodsOf(lazy);
      expect(forwarded.length).toBeGreaterThan(4);
      // the adapters' other members are private helpers (clients, lookups), never called by actions
      for (const name of forwarded) expect(methodsOf(adapter), name).toContain(name);
    }
    // optional port methods the AWS adapter implements are forwarded too
    expect(methodsOf(tier.database)).toEqual(
      expect.arrayContaining(['describeSubnetGroup', 'createSubnetGroup']),
    );
  });

  it('resolves the DRS adapter on the first drs call and answers through it', async () => {
    const tier = lazyDataTier(new FakeClock());
    // an empty termination needs no AWS call: it proves the loaded adapter ran, offline
    await expect(
      tier.replication.terminateRecoveryInstances([], 'us-west-2', { runId: 'r1', mode: 'drill' } as never),
    ).resolves.toBeUndefined();
  });
});
