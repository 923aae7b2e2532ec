import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeCommand } from '../../../bot/commands/execute.js';
import { parseCommand } from '../../../bot/commands/grammar.js';
import type { Reply } from '../../../bot/commands/replies.js';
import { replyText } from '../../../bot/render/text.js';
import { createLocalRuntime, type LocalRuntime } from '../../../bot/runtime/local.js';
import type { BotServices } from '../../../bot/services.js';

let rt: LocalRuntime;
let services: BotServices;
const kicked: string[] = [];

beforeAll(async () => {
  rt = await createLocalRuntime({ inMemory: true, agent: false, runbooksDir: 'test/fixtures/tiers' });
  // Runs are not advanced here: only what the command itself does is under test.
  services = {
    engine: rt.engine,
    store: rt.store,
    runbooks: () => rt.runbooks,
    directory: rt.directory,
    clock: rt.clock,
    driver: { kick: (id) => void kicked.push(id) },
  };
});

afterAll(async () => {
  await rt?.close();
});

async function run(line: string, user = 'alice'): Promise<{ reply: Reply; followUp?: () => Promise<void> }> {
  const parsed = parseCommand(line, 'shell');
  if (!parsed.ok) throw new Error(parsed.error.problem);
  return executeCommand(services, parsed.command, { user, surface: 'shell' });
}

describe('executeCommand', () => {
  it('starts a drill, stores the surface on the run, and kicks the driver only after the reply', async () => {
    const { reply, followUp } = await run('drill app-tier');
    expect(reply.kind).toBe('started');
    if (reply.kind !== 'started') return;
    expect(reply.run.meta.surface).toBe('shell');
    expect(kicked).not.toContain(reply.run.id);
    await followUp?.();
    expect(kicked).toContain(reply.run.id);
  });

  it('refuses a person the runbook does not allow and says who may', async () => {
    const { reply } = await run('failover app-tier', 'mallory');
    expect(reply.kind).toBe('error');
    expect(replyText(reply).join('\n')).toMatch(
      /mallory may not start a failover of app-tier[\s\S]*allows members of @S0OPS[\s\S]*spec\.access\.failover/,
    );
  });

  it('finds a run by the end of its id, and explains an unknown id', async () => {
    const started = await run('drill db-tier');
    if (started.reply.kind !== 'started') throw new Error('not started');
    const id = started.reply.run.id;
    const status = await run(`status ${id.slice(-6)}`);
    expect(status.reply.kind === 'status' && status.reply.views[0]?.run.id).toBe(id);
    const missing = await run('status ZZZZZZZZ');
    expect(missing.reply).toMatchObject({ kind: 'error', error: { code: 'RUN_NOT_FOUND' } });
  });

  it('tells an approver when the run waits on no approval', async () => {
    const started = await run('drill app-tier');
    if (started.reply.kind !== 'started') throw new Error('not started');
    const { reply } = await run(`approve ${started.reply.run.id}`, 'bob');
    expect(reply).toMatchObject({ kind: 'error', error: { code: 'NOT_WAITING' } });
  });

  it('lists runbooks with objectives, plans without acting, and names an unknown runbook', async () => {
    const list = await run('list');
    expect(replyText(list.reply).join('\n')).toMatch(/app-tier\s+RTO 15m/);
    const before = (await rt.store.listRuns({})).length;
    const plan = await run('plan db-tier failover');
    expect(replyText(plan.reply).join('\n')).toContain('cutover');
    expect((await rt.store.listRuns({})).length).toBe(before);
    const unknown = await run('drill web-tier');
    expect(unknown.reply).toMatchObject({ kind: 'error', error: { code: 'RUNBOOK_NOT_FOUND' } });
    expect(replyText(unknown.reply).join('\n')).toContain('app-tier and db-tier');
  });

  it('flags runbooks without a successful drill in list', async () => {
    const list = await run('list');
    if (list.reply.kind !== 'list') throw new Error(list.reply.kind);
    expect(list.reply.entries.map((e) => [e.name, e.staleness.stale, e.staleness.thresholdDays])).toEqual([
      ['app-tier', true, 14],
      ['db-tier', true, 14],
    ]);
    expect(list.reply.entries[0]?.lastDrill?.status).toBe('running');
  });

  it('runs the doctor on the simulated cloud as `drbot doctor` does, starting nothing', async () => {
    if (!rt.network) throw new Error('the sim runtime has no network side');
    const withCloud: BotServices = { ...services, readiness: { cloud: rt.cloud, network: rt.network } };
    const before = (await rt.store.listRuns({ limit: 100 })).length;
    const parsed = parseCommand('/dr doctor db-tier', 'slack');
    if (!parsed.ok) throw new Error(parsed.error.problem);
    const { reply, followUp } = await executeCommand(withCloud, parsed.command, {
      user: 'mallory',
      surface: 'slack',
    });
    expect(followUp).toBeUndefined();
    if (reply.kind !== 'doctor') throw new Error(reply.kind);
    expect(reply.report.runbook).toBe('db-tier');
    expect(reply.report.blocking).toBe(true);
    expect(reply.report.findings).toContainEqual(
      expect.objectContaining({
        code: 'NO_INSTANCE_PROFILE',
        severity: 'blocker',
        subject: 'i-0d22net00000005',
      }),
    );
    expect((await rt.store.listRuns({ limit: 100 })).length).toBe(before);
  });

  it('explains where to run the doctor when the process has no cloud access', async () => {
    const { reply } = await run('doctor app-tier');
    expect(reply).toMatchObject({ kind: 'error', error: { code: 'DOCTOR_UNAVAILABLE' } });
    expect(replyText(reply).join('\n')).toContain('drbot doctor app-tier --provider aws');
    const unknown = await run('doctor web-tier');
    expect(unknown.reply).toMatchObject({ kind: 'error', error: { code: 'RUNBOOK_NOT_FOUND' } });
  });
});
