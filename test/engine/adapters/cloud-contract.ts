/**
 * The CloudProvider contract: what every provider (sim, AWS) must do, as one suite. A provider's
 * test file calls `describeCloudProviderContract(name, factory)`; the factory gives a fresh
 * provider with a protected fleet in `source` that has recovery points in `target`.
 */
import { describe, expect, it } from 'vitest';
import type { LaunchRequest, ProtectSelector } from '../../../engine/cloud/compute.js';
import type { Capability, CloudProvider } from '../../../engine/cloud/provider.js';
import { NonRetryableError } from '../../../engine/errors.js';

export interface ContractFixture {
  cloud: CloudProvider;
  source: string;
  target: string;
  /** Matches at least two running instances in `source`, each with a recovery point in `target`. */
  selector: ProtectSelector;
  /** Lets time pass for the provider (FakeClock.advance for the sim). */
  advance(ms: number): void | Promise<void>;
  /** A hosted zone and record the provider accepts. */
  dns: { zone: string; record: string };
  /** A command document that succeeds on running instances. */
  document: string;
}

/** Polls `check` up to `rounds` times, letting `stepMs` pass between rounds. */
async function eventually<T>(
  f: ContractFixture,
  check: () => Promise<T | undefined>,
  rounds = 60,
  stepMs = 5_000,
) {
  for (let i = 0; i < rounds; i++) {
    const value = await check();
    if (value !== undefined) return value;
    await f.advance(stepMs);
  }
  throw new Error(`condition not met after ${rounds} rounds`);
}

async function launchTwo(f: ContractFixture, key: string, runId = 'run-contract') {
  const fleet = await f.cloud.listProtected(f.selector, f.source);
  const blueprints = [];
  for (const instance of fleet.slice(0, 2)) {
    const point = await f.cloud.latestRecoveryPoint(instance.id, f.target);
    blueprints.push({
      sourceInstanceId: instance.id,
      recoveryPointId: point!.id,
      region: f.target,
      instanceType: instance.type,
      defaultInstanceType: 't3.large',
      privateIp: instance.privateIp,
    });
  }
  const request: LaunchRequest = {
    blueprints,
    launchType: 'TEST',
    tags: { runId, mode: 'drill', expiresAt: 1_900_000_000_000 },
    idempotencyKey: key,
  };
  return { request, launched: await f.cloud.launch(request), fleet };
}

/** The methods each capability slice has, to check that a provider implements what it declares. */
export const SLICE_METHODS: Partial<Record<Capability, string[]>> = {
  compute: ['listProtected', 'launch', 'describe', 'findRunOwned', 'stop', 'start', 'terminate'],
  recoveryPoints: ['recoveryPoints', 'latestRecoveryPoint', 'protect'],
  commands: ['runCommand', 'commandStatus'],
  dns: ['switchDns', 'dnsStatus'],
};

/**
 * One suite per capability the provider declares (its `descriptor`): a provider that lacks a
 * capability gets no suite for it, and lint refuses runbooks that would need it.
 */
export function describeCloudProviderContract(
  name: string,
  factory: () => ContractFixture | Promise<ContractFixture>,
  capabilities: readonly Capability[],
): void {
  describe(`CloudProvider contract: ${name}`, () => {
    it('implements every capability slice it declares', async () => {
      const f = await factory();
      expect([...f.cloud.descriptor.capabilities].sort()).toEqual([...capabilities].sort());
      for (const capability of capabilities) {
        for (const method of SLICE_METHODS[capability] ?? []) {
          expect(
            typeof (f.cloud as unknown as Record<string, unknown>)[method],
            `${capability}.${method}`,
          ).toBe('function');
        }
      }
    });

    if (capabilities.includes('compute'))
      describe('compute', () => {
        it('lists protected instances with their launch details', async () => {
          const f = await factory();
          const fleet = await f.cloud.listProtected(f.selector, f.source);
          expect(fleet.length).toBeGreaterThanOrEqual(2);
          for (const instance of fleet) {
            expect(instance.region).toBe(f.source);
            expect(instance.type).toBeTruthy();
            expect(instance.volumes.length).toBeGreaterThan(0);
            for (const [k, v] of Object.entries(f.selector.tags ?? {})) expect(instance.tags[k]).toBe(v);
          }
        });

        it('launches once per idempotency key, tagged with the run', async () => {
          const f = await factory();
          const { request, launched } = await launchTwo(f, 'contract:launch:1');
          expect(launched).toHaveLength(2);
          const again = await f.cloud.launch(request);
          expect(again.map((l) => l.instanceId)).toEqual(launched.map((l) => l.instanceId));
          const described = await f.cloud.describe(
            launched.map((l) => l.instanceId),
            f.target,
          );
          for (const instance of described) {
            expect(instance.tags['drbot:run-id']).toBe('run-contract');
            expect(instance.tags['drbot:mode']).toBe('drill');
            expect(instance.tags['drbot:expires']).toBeTruthy();
          }
          const owned = await f.cloud.findRunOwned('run-contract', f.target);
          expect(owned.map((i) => i.id).sort()).toEqual(launched.map((l) => l.instanceId).sort());
        });

        it('brings launched instances to running and healthy', async () => {
          const f = await factory();
          const { launched } = await launchTwo(f, 'contract:launch:2');
          const ids = launched.map((l) => l.instanceId);
          await eventually(f, async () => {
            const instances = await f.cloud.describe(ids, f.target);
            return instances.every((i) => i.state === 'running' && i.healthy) ? true : undefined;
          });
        });

        it('refuses, in a drill, to terminate an instance the run did not launch', async () => {
          const f = await factory();
          const [victim] = await f.cloud.listProtected(f.selector, f.source);
          const err = await f.cloud
            .terminate([victim!.id], f.source, { runId: 'run-contract', mode: 'drill' })
            .catch((e: unknown) => e);
          expect(err).toBeInstanceOf(NonRetryableError);
          expect(err).toMatchObject({ code: 'DRILL_SAFETY' });
        });

        it('terminates the run’s own instances in a drill', async () => {
          const f = await factory();
          const { launched } = await launchTwo(f, 'contract:launch:3', 'run-own');
          const ids = launched.map((l) => l.instanceId);
          await f.cloud.terminate(ids, f.target, { runId: 'run-own', mode: 'drill' });
          await eventually(f, async () => {
            const instances = await f.cloud.describe(ids, f.target);
            return instances.every((i) => i.state === 'terminated') ? true : undefined;
          });
          expect(await f.cloud.findRunOwned('run-own', f.target)).toEqual([]);
        });
      });

    if (capabilities.includes('recoveryPoints'))
      describe('recoveryPoints', () => {
        it('finds the newest available recovery point in the target region', async () => {
          const f = await factory();
          const [first] = await f.cloud.listProtected(f.selector, f.source);
          const all = await f.cloud.recoveryPoints(first!.id, f.target);
          const latest = await f.cloud.latestRecoveryPoint(first!.id, f.target);
          expect(latest).toMatchObject({ sourceInstanceId: first!.id, region: f.target, state: 'available' });
          const newest = Math.max(...all.filter((p) => p.state === 'available').map((p) => p.capturedAt));
          expect(latest!.capturedAt).toBe(newest);
        });
      });

    if (capabilities.includes('commands'))
      describe('commands', () => {
        it('runs a command on instances and reports every invocation', async () => {
          const f = await factory();
          const fleet = await f.cloud.listProtected(f.selector, f.source);
          const ids = fleet.map((i) => i.id);
          const { commandId } = await f.cloud.runCommand(ids, f.source, f.document, {}, 'contract:cmd:1');
          const result = await eventually(f, async () => {
            const status = await f.cloud.commandStatus(commandId, f.source);
            return status.done ? status : undefined;
          });
          expect(result.invocations.map((i) => i.instanceId).sort()).toEqual([...ids].sort());
          expect(result.invocations.every((i) => i.status === 'success')).toBe(true);
        });
      });

    if (capabilities.includes('dns'))
      describe('dns', () => {
        it('switches DNS and reaches INSYNC', async () => {
          const f = await factory();
          const { changeId } = await f.cloud.switchDns(
            f.dns.zone,
            f.dns.record,
            '10.1.1.11',
            'contract:dns:1',
          );
          await eventually(f, async () =>
            (await f.cloud.dnsStatus(changeId)) === 'INSYNC' ? true : undefined,
          );
        });
      });
  });
}
