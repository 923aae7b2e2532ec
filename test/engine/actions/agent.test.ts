import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createAgentActions } from '../../../engine/actions/registry.js';
import type { ActionContext, ActionHandler, ActionResult } from '../../../engine/actions/types.js';
import { createScriptAgentRunner } from '../../../engine/adapters/sim/agent-runner.js';
import type { CommandInvocation, CommandResult } from '../../../engine/cloud/commands.js';
import type { CloudProvider } from '../../../engine/cloud/provider.js';
import { DrbotError, NonRetryableError } from '../../../engine/errors.js';
import type { Mode } from '../../../engine/runbook/types.js';
import { makeRunbook } from '../../helpers/runbook.js';

const RUNBOOK = makeRunbook();

type Answer = (
  instanceId: string,
  document: string,
  parameters: Record<string, string[]>,
) => Promise<CommandInvocation> | CommandInvocation;

interface Sent {
  instanceIds: string[];
  region: string;
  document: string;
  parameters: Record<string, string[]>;
  key: string;
}

/** A CloudProvider where only runCommand/commandStatus work; each command is pending for one poll. */
function fakeCloud(answer: Answer, protectedIds: string[] = []) {
  const sent: Sent[] = [];
  const commands = new Map<string, { invocations: CommandInvocation[]; polls: number; region: string }>();
  const unused = () => {
    throw new Error('not used by agent actions');
  };
  const cloud = {
    name: 'fake',
    listProtected: async (_selector: unknown, region: string) =>
      protectedIds.map((id) => ({
        id,
        region,
        type: 't3.micro',
        state: 'running',
        securityGroups: [],
        volumes: [],
        tags: {},
      })),
    async runCommand(
      instanceIds: string[],
      region: string,
      document: string,
      parameters: Record<string, string[]>,
      key: string,
    ) {
      sent.push({ instanceIds, region, document, parameters, key });
      const commandId = `cmd-${sent.length}`;
      const invocations = await Promise.all(instanceIds.map((id) => answer(id, document, parameters)));
      commands.set(commandId, { invocations, polls: 0, region });
      return { commandId };
    },
    async commandStatus(commandId: string, region: string): Promise<CommandResult> {
      const command = commands.get(commandId);
      if (!command || command.region !== region) throw new Error(`unknown command ${commandId} in ${region}`);
      command.polls += 1;
      if (command.polls === 1) return { commandId, done: false, invocations: [] };
      return { commandId, done: true, invocations: command.invocations };
    },
  } as unknown as CloudProvider;
  for (const m of [
    'recoveryPoints',
    'latestRecoveryPoint',
    'protect',
    'launch',
    'describe',
    'findRunOwned',
    'stop',
    'start',
    'terminate',
    'switchDns',
    'dnsStatus',
  ])
    (cloud as unknown as Record<string, unknown>)[m] = unused;
  return { cloud, sent };
}

const ok = (instanceId: string, stdout: unknown): CommandInvocation => ({
  instanceId,
  status: 'success',
  exitCode: 0,
  stdout: `${JSON.stringify(stdout)}\n`,
  stderr: '',
});

async function run(
  handler: ActionHandler | undefined,
  inputs: Record<string, unknown>,
  options: { mode?: Mode; runStartedAt?: number } = {},
): Promise<{ result: Extract<ActionResult, { status: 'done' }>; notes: string[] }> {
  if (!handler) throw new Error('no handler');
  const notes: string[] = [];
  const ctx: ActionContext = {
    runId: 'run-1',
    stepId: 'step',
    stepKey: 'step',
    attempt: 1,
    idempotencyKey: 'run-1:step:1',
    mode: options.mode ?? 'drill',
    runbook: RUNBOOK,
    initiator: 'alice',
    params: {},
    inputs,
    runStartedAt: options.runStartedAt ?? 1_700_000_000_000,
    now: () => 1_700_000_000_000,
    note: (message) => void notes.push(message),
  };
  let result = await handler.start(ctx);
  for (let polls = 0; result.status === 'pending'; polls++) {
    if (polls > 10) throw new Error('never finished');
    result = await handler.poll!({ ...ctx, handle: result.handle });
  }
  return { result, notes };
}

const healthy = (id: string) => ({
  command: 'health',
  ok: true,
  time: 1,
  instanceId: id,
  failed: 0,
  checks: [{ kind: 'http', target: 'http://localhost/healthz', ok: true, latencyMs: 4, detail: 'HTTP 200' }],
});

describe('createAgentActions', () => {
  it('agent.health sends DrbotHealth to the recovery side with the step key and succeeds when all pass', async () => {
    const { cloud, sent } = fakeCloud((id) => ok(id, healthy(id)));
    const actions = createAgentActions({ cloud, pollIntervalMs: 1000 });
    const { result } = await run(actions['agent.health'], {
      instances: ['i-1', 'i-2'],
      http: 'http://localhost/healthz',
      timeout: '10s',
    });
    expect(sent).toEqual([
      {
        instanceIds: ['i-1', 'i-2'],
        region: 'us-west-2',
        document: 'DrbotHealth',
        parameters: { http: ['http://localhost/healthz'], timeout: ['10'] },
        key: 'run-1:step:1',
      },
    ]);
    expect(result.outputs?.results).toEqual([
      { instanceId: 'i-1', ok: true, checks: healthy('i-1').checks },
      { instanceId: 'i-2', ok: true, checks: healthy('i-2').checks },
    ]);
  });

  it('agent.health fails naming each failing check per instance, and agents that could not run', async () => {
    const { cloud } = fakeCloud((id) =>
      id === 'i-1'
        ? {
            ...ok(id, {
              ...healthy(id),
              ok: false,
              failed: 1,
              checks: [
                {
                  kind: 'tcp',
                  target: 'db:5432',
                  ok: false,
                  latencyMs: 2,
                  detail: 'cannot connect to db port 5432 (nc exit 1)',
                },
              ],
            }),
            status: 'failed',
            exitCode: 1,
          }
        : {
            instanceId: id,
            status: 'failed',
            exitCode: 127,
            stdout: '',
            stderr: 'sh: 1: /usr/local/bin/drbot-agent: not found',
          },
    );
    const actions = createAgentActions({ cloud });
    const error = await run(actions['agent.health'], { instances: ['i-1', 'i-2'], tcp: ['db:5432'] }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(DrbotError);
    expect(error.code).toBe('AGENT_HEALTH_FAILED');
    expect(error.message).toContain('i-1: tcp db:5432: cannot connect to db port 5432');
    expect(error.message).toContain('i-2: failed, exit 127: sh: 1: /usr/local/bin/drbot-agent: not found');
    expect(error.action).toMatch(/retries/);
  });

  it('agent.install notes each machine and fails naming the failed ones', async () => {
    const installed = () => ({
      command: 'install',
      ok: true,
      agentVersion: '0.1.0',
      time: 1,
      path: '/usr/local/bin/drbot-agent',
      scheduler: 'systemd',
      activated: true,
      dirs: ['/'],
    });
    const { cloud, sent } = fakeCloud((id) =>
      id === 'i-bad'
        ? {
            ...ok(id, {
              command: 'install',
              ok: false,
              error: { code: 'environment', message: 'cannot create /var/lib/drbot (run as root?)' },
            }),
            status: 'failed',
            exitCode: 3,
          }
        : ok(id, installed()),
    );
    const actions = createAgentActions({ cloud });
    const notes: string[] = [];
    const error = await run(actions['agent.install'], { instances: ['i-good', 'i-bad'] }).catch((e) => e);
    expect(error.code).toBe('AGENT_INSTALL_FAILED');
    expect(error.message).toContain(
      '1 of 2 machine(s): i-bad (environment: cannot create /var/lib/drbot (run as root?))',
    );
    expect(sent[0]?.document).toBe('DrbotInstallAgent');
    const ok2 = fakeCloud((id) => ok(id, installed()));
    const done = await run(createAgentActions({ cloud: ok2.cloud })['agent.install'], {
      instances: ['i-good'],
    });
    notes.push(...done.notes);
    expect(notes).toEqual([
      'Attempting to install agent on machine i-good',
      'Agent installed successfully on machine i-good (agent 0.1.0, RPO marker via systemd)',
    ]);
    expect(done.result.outputs).toEqual({ installed: ['i-good'] });
  });

  it('agent.install without instances targets the protected instances on the protected side', async () => {
    const { cloud, sent } = fakeCloud(
      (id) =>
        ok(id, {
          command: 'install',
          ok: true,
          time: 1,
          path: '/usr/local/bin/drbot-agent',
          scheduler: 'cron',
          activated: true,
          dirs: ['/'],
        }),
      ['i-src1'],
    );
    await run(createAgentActions({ cloud })['agent.install'], {});
    expect(sent[0]).toMatchObject({ instanceIds: ['i-src1'], region: 'us-east-1' });
  });

  it('agent.freeze thaws the instances that froze when another failed', async () => {
    const { cloud, sent } = fakeCloud((id, document) => {
      if (document === 'DrbotThaw')
        return ok(id, {
          command: 'thaw',
          ok: true,
          time: 1,
          thawed: ['/data'],
          failed: [],
          watchdog: 'stopped',
          hooks: [],
        });
      return id === 'i-1'
        ? ok(id, {
            command: 'freeze',
            ok: true,
            time: 1,
            dirs: ['/data'],
            maxSeconds: 60,
            frozen: ['/data'],
            watchdogPid: 9,
            thawBy: 61,
            hooks: [],
          })
        : {
            ...ok(id, {
              command: 'freeze',
              ok: false,
              time: 1,
              dirs: ['/data'],
              maxSeconds: 60,
              frozen: [],
              hooks: [{ hook: '10-db', exitCode: 1 }],
              error: { code: 'hook-failed', message: 'a pre-snapshot hook failed: nothing was frozen' },
            }),
            status: 'failed',
            exitCode: 1,
          };
    });
    const error = await run(createAgentActions({ cloud })['agent.freeze'], {
      instances: ['i-1', 'i-2'],
      dirs: ['/data'],
      maxFreeze: '1m',
    }).catch((e) => e);
    expect(error.code).toBe('AGENT_FREEZE_FAILED');
    expect(error.message).toContain('i-2 (a pre-snapshot hook failed');
    expect(sent.map((s) => [s.document, s.region, s.instanceIds, s.parameters, s.key])).toEqual([
      ['DrbotFreeze', 'us-east-1', ['i-1', 'i-2'], { dirs: ['/data'], maxSeconds: ['60'] }, 'run-1:step:1'],
      ['DrbotThaw', 'us-east-1', ['i-1'], { dirs: ['/data'] }, 'run-1:step:1:thaw'],
    ]);
  });

  it('agent.measureRpo takes the newest marker: rpoMeasuredMs = declaration time − marker time', async () => {
    const marker = (time: number, seq: number) => ({
      format: 'drbot-rpo-marker/v1',
      time,
      timeIso: new Date(time * 1000).toISOString().replace('.000', ''),
      seq,
      host: 'ip-10-0-0-1',
      instanceId: 'i-src',
    });
    const read = (time: number, seq: number) => ({
      command: 'read-mark',
      ok: true,
      time: 1,
      marker: marker(time, seq),
      dir: '/data',
      dirs: [{ dir: '/data', status: 'found', time, seq }],
    });
    const { cloud, sent } = fakeCloud((id) =>
      ok(id, id === 'i-a' ? read(1_699_999_000, 10) : read(1_699_999_220, 14)),
    );
    const { result, notes } = await run(
      createAgentActions({ cloud })['agent.measureRpo'],
      { instances: ['i-a', 'i-b'], dirs: ['/data'] },
      { mode: 'failback', runStartedAt: 1_700_000_000_000 },
    );
    expect(sent[0]).toMatchObject({
      document: 'DrbotReadMark',
      region: 'us-east-1',
      parameters: { dirs: ['/data'] },
    });
    expect(result.outputs).toEqual({ markerAt: 1_699_999_220_000, rpoMeasuredMs: 780_000 });
    expect(result.measures).toEqual({ rpoMeasuredMs: 780_000 });
    expect(notes[0]).toMatch(/^Measured RPO 13m: newest marker .* on i-b/);
  });

  it('agent.measureRpo fails (not retryable) when no instance has a marker', async () => {
    const { cloud } = fakeCloud((id) => ({
      ...ok(id, {
        command: 'read-mark',
        ok: false,
        time: 1,
        marker: null,
        dir: null,
        dirs: [{ dir: '/', status: 'missing' }],
        error: { code: 'no-marker', message: 'no valid RPO marker in /' },
      }),
      status: 'failed',
      exitCode: 1,
    }));
    const error = await run(createAgentActions({ cloud })['agent.measureRpo'], { instances: ['i-a'] }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(NonRetryableError);
    expect(error.code).toBe('AGENT_NO_RPO_MARKER');
    expect(error.action).toContain('agent.install');
  });

  it('deploys the Drbot* documents once per region before the first command', async () => {
    const { cloud, sent } = fakeCloud((id) => ok(id, healthy(id)));
    const deployed: [string, string[]][] = [];
    cloud.ensureDocuments = async (region, docs) => {
      deployed.push([region, docs.map((d) => d.name)]);
      return {};
    };
    const actions = createAgentActions({ cloud });
    await run(actions['agent.health'], { instances: ['i-1'] });
    await run(actions['agent.health'], { instances: ['i-2'] });
    expect(sent).toHaveLength(2);
    expect(deployed).toEqual([['us-west-2', expect.arrayContaining(['DrbotHealth', 'DrbotInstallAgent'])]]);
    expect(deployed[0]?.[1]).toHaveLength(7);
  });

  it('refuses parameters that cannot travel through SSM before sending anything', async () => {
    const { cloud, sent } = fakeCloud((id) => ok(id, healthy(id)));
    const error = await run(createAgentActions({ cloud })['agent.health'], {
      instances: ['i-1'],
      http: ['http://x/$(reboot)'],
    }).catch((e) => e);
    expect(error).toBeInstanceOf(NonRetryableError);
    expect(error.code).toBe('AGENT_BAD_PARAMETER');
    expect(sent).toEqual([]);
  });
});

describe('agent actions on the real script (sim runner)', () => {
  const root = mkdtempSync(join(tmpdir(), 'drbot-agent-actions-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const runner = createScriptAgentRunner();
  let now = 1_700_000_000_000;
  const viaRunner: Answer = async (instanceId, document, parameters) => {
    const out = await runner({ instanceId, instanceDir: join(root, instanceId), document, parameters, now });
    return { instanceId, status: out.exitCode === 0 ? 'success' : 'failed', ...out };
  };

  it('measures the RPO from the marker the agent wrote', async () => {
    const { cloud } = fakeCloud(viaRunner);
    const actions = createAgentActions({ cloud });
    await run(actions['agent.install'], { instances: ['i-rec'] });
    await viaRunner('i-rec', 'DrbotMark', {});
    now += 5 * 60_000; // the disaster is declared five minutes after the last marker
    const { result } = await run(
      actions['agent.measureRpo'],
      { instances: ['i-rec'] },
      { runStartedAt: now },
    );
    expect(result.outputs).toEqual({ markerAt: 1_700_000_000_000, rpoMeasuredMs: 300_000 });
  });
});
