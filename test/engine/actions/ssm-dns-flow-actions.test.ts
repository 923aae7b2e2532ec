import { describe, expect, it } from 'vitest';
import { createActionRegistry } from '../../../engine/actions/registry.js';
import { runAction, setup } from './fixtures.js';

const WEB = ['i-0a11web00000001', 'i-0a11web00000002'];

describe('ssm, dns and flow actions', () => {
  it('runs a command and returns every instance result', async () => {
    const env = setup();
    const { result } = await runAction(env.actions['ssm.runCommand']!, env.clock, {
      instances: WEB,
      document: 'AWS-RunShellScript',
      parameters: { commands: ['true'] },
      side: 'protected',
    });
    expect(result.outputs!.results).toEqual(
      WEB.map((instanceId) => expect.objectContaining({ instanceId, status: 'success' })),
    );
  });

  it('names each failed instance when a command fails on some', async () => {
    const env = setup({ ssmFailures: 1, ssmTimeouts: 1 });
    const err = await runAction(env.actions['ssm.runCommand']!, env.clock, {
      instances: [...WEB, 'i-0a11app00000003'],
      document: 'AWS-RunShellScript',
      side: 'protected',
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'SSM_COMMAND_FAILED' });
    expect((err as Error).message).toContain('failed on 2 of 3');
    expect((err as Error).message).toContain(`${WEB[0]} (failed, exit 1`);
    expect((err as Error).message).toContain(`${WEB[1]} (timed-out`);
  });

  it('switches DNS using spec.dns and waits for INSYNC', async () => {
    const env = setup();
    const { result, polls, notes } = await runAction(env.actions['dns.switch']!, env.clock, {
      target: '10.0.1.11',
    });
    expect(result.outputs!.changeId).toMatch(/^\/change\//);
    expect(polls).toBeGreaterThan(0);
    expect(notes[0]).toContain('shop.example.com');
    expect(env.sim.dnsRecord('Z0DRBOTSHOP', 'shop.example.com')).toBe('10.0.1.11');
  });

  it('waits durably for the given duration', async () => {
    const env = setup();
    const start = env.clock.now();
    const { polls } = await runAction(env.actions.wait!, env.clock, { duration: '10m' });
    expect(env.clock.now() - start).toBe(600_000);
    expect(polls).toBe(1);
  });

  it('notifies by adding a note to the run', async () => {
    const env = setup();
    const { notes } = await runAction(env.actions.notify!, env.clock, { message: 'Failover done' });
    expect(notes).toEqual(['Failover done']);
  });

  it('builds a registry with every catalogue spec and extra handlers winning', async () => {
    const env = setup();
    const extra = { 'agent.health': { start: async () => ({ status: 'done' as const }) } };
    const registry = createActionRegistry({ cloud: env.sim, extra });
    expect(registry.get('ec2.launch')?.handler).toBeDefined();
    expect(registry.get('agent.health')?.handler).toBe(extra['agent.health']);
    expect(registry.get('approval')?.handler).toBeUndefined();
    expect(registry.specs().length).toBeGreaterThan(10);
  });
});
