import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentInvocation } from '../../../../engine/adapters/sim/types.js';
import { blueprintFor, launchRequest, makeSim, SOURCE, TARGET, WEB1 } from './fixtures.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('SimCloud SSM and DNS', () => {
  it('runs a command: pending, then success for every instance', async () => {
    const { sim, clock } = makeSim();
    const { commandId } = await sim.runCommand(
      [WEB1],
      SOURCE,
      'AWS-RunShellScript',
      { commands: ['true'] },
      'k1',
    );
    expect((await sim.commandStatus(commandId, SOURCE)).done).toBe(false);
    clock.advance(5_000);
    const done = await sim.commandStatus(commandId, SOURCE);
    expect(done).toMatchObject({
      done: true,
      invocations: [{ instanceId: WEB1, status: 'success', exitCode: 0 }],
    });
    expect((await sim.runCommand([WEB1], SOURCE, 'AWS-RunShellScript', {}, 'k1')).commandId).toBe(commandId);
  });

  it('answers Drbot documents with canned JSON when no agent runner is set', async () => {
    const { sim, clock } = makeSim();
    const { commandId } = await sim.runCommand([WEB1], SOURCE, 'DrbotHealth', {}, 'k2');
    clock.advance(5_000);
    expect((await sim.commandStatus(commandId, SOURCE)).invocations[0]!.stdout).toBe('{"ok":true}');
  });

  it('injects SSM failures and timeouts per invocation', async () => {
    const { sim, clock } = makeSim({ faults: { ssmFailures: 1, ssmTimeouts: 1 } });
    const ids = [WEB1, 'i-0a11web00000002', 'i-0a11app00000003'];
    const { commandId } = await sim.runCommand(ids, SOURCE, 'AWS-RunShellScript', {}, 'k3');
    clock.advance(5_000);
    const result = await sim.commandStatus(commandId, SOURCE);
    expect(result.invocations.map((i) => i.status)).toEqual(['failed', 'timed-out', 'success']);
  });

  it('runs Drbot documents through the agent runner in the instance sandbox at sim time', async () => {
    const root = mkdtempSync(join(tmpdir(), 'drbot-sim-'));
    dirs.push(root);
    const calls: AgentInvocation[] = [];
    const agentRunner = async (inv: AgentInvocation) => {
      calls.push(inv);
      writeFileSync(join(inv.instanceDir, 'marker'), String(inv.now));
      return { exitCode: 0, stdout: `{"at":${inv.now}}`, stderr: '' };
    };
    const { sim, clock } = makeSim({ agentRunner, sandboxRoot: root });
    // the first call settles the seeded points: a marker per point, at its capture time
    const latest = await sim.latestRecoveryPoint(WEB1, TARGET);
    expect(readFileSync(join(root, latest!.id, 'marker'), 'utf8')).toBe(String(latest!.capturedAt));
    // launching copies the point's files into the new instance
    const [launched] = await sim.launch(launchRequest([await blueprintFor(sim, WEB1)]));
    expect(readFileSync(join(root, launched!.instanceId, 'marker'), 'utf8')).toBe(String(latest!.capturedAt));
    clock.advance(60_000);
    const { commandId } = await sim.runCommand(
      [launched!.instanceId],
      TARGET,
      'DrbotMeasureRpo',
      { dirs: ['/data'] },
      'k4',
    );
    expect(calls.at(-1)).toMatchObject({
      document: 'DrbotMeasureRpo',
      now: clock.now(),
      parameters: { dirs: ['/data'] },
    });
    clock.advance(5_000);
    expect((await sim.commandStatus(commandId, TARGET)).invocations[0]!.stdout).toBe(
      `{"at":${clock.now() - 5_000}}`,
    );
    // a terminated instance's files go with it
    await sim.terminate([launched!.instanceId], TARGET, { runId: 'run-1', mode: 'drill' });
    clock.advance(10_000);
    await sim.tick();
    expect(existsSync(join(root, launched!.instanceId))).toBe(false);
  });

  it('writes markers on the protected sources at each tick, in their data dirs', async () => {
    const root = mkdtempSync(join(tmpdir(), 'drbot-sim-'));
    dirs.push(root);
    const calls: AgentInvocation[] = [];
    const agentRunner = async (inv: AgentInvocation) => {
      calls.push(inv);
      return { exitCode: 0, stdout: '{}', stderr: '' };
    };
    const { sim, clock } = makeSim({ agentRunner, sandboxRoot: root });
    await sim.tick();
    const marks = calls.filter((c) => c.now === clock.now());
    expect(marks.map((c) => c.instanceId)).toContain('i-0d22db000000004');
    expect(marks.find((c) => c.instanceId === 'i-0d22db000000004')!.parameters).toEqual({
      dirs: ['/var/lib/postgresql'],
    });
    expect(existsSync(join(root, 'i-0d22db000000004', 'var/lib/postgresql'))).toBe(true);
  });

  it('switches a DNS record: PENDING until propagated, then INSYNC', async () => {
    const { sim, clock } = makeSim();
    const { changeId } = await sim.switchDns('Z0DRBOTSHOP', 'shop.example.com', '10.1.1.11', 'k5');
    expect(await sim.dnsStatus(changeId)).toBe('PENDING');
    clock.advance(30_000);
    expect(await sim.dnsStatus(changeId)).toBe('INSYNC');
    expect(sim.dnsRecord('Z0DRBOTSHOP', 'shop.example.com')).toBe('10.1.1.11');
    await expect(sim.switchDns('Z0NOPE', 'x.', '1.2.3.4', 'k6')).rejects.toMatchObject({
      code: 'NO_SUCH_HOSTED_ZONE',
    });
  });
});
