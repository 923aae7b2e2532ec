import { describe, expect, it } from 'vitest';
import type { BotServices } from '../../../bot/services.js';
import type { Screen } from '../../../bot/shell/screen.js';
import { ShellSession } from '../../../bot/shell/session.js';
import { FakeClock, SeededRandom } from '../../../engine/adapters/memory/clock.js';
import { MemoryRunStore } from '../../../engine/adapters/memory/store.js';
import type { RunProvider } from '../../../engine/api.js';
import { createEngine } from '../../../engine/executor/index.js';
import { createTestActions } from '../../helpers/actions.js';
import { makeRunbook } from '../../helpers/runbook.js';

const runbook = makeRunbook({
  name: 'pay-tier',
  modes: {
    failover: {
      steps: [
        { id: 'cutover-approval', action: 'approval', with: { gate: 'cutover' } },
        { id: 'launch', action: 'test.ok', needs: ['cutover-approval'] },
      ],
    },
  },
  access: { failover: { users: ['*'] } },
  approvals: { cutover: { required: 2, excludeInitiator: true, approvers: { users: ['bob', 'carol'] } } },
});

function shellOn(provider: RunProvider, store = new MemoryRunStore()) {
  const clock = new FakeClock();
  const engine = createEngine({
    store,
    clock,
    random: new SeededRandom(3),
    notifier: { publish: async () => undefined },
    directory: { membersOf: async () => [] },
    actions: createTestActions().registry,
    provider,
  });
  const kicked: string[] = [];
  const services: BotServices = {
    engine,
    store,
    runbooks: () => new Map([[runbook.metadata.name, runbook]]),
    directory: { membersOf: async () => [] },
    clock,
    driver: { kick: (id) => void kicked.push(id) },
  };
  const lines: string[] = [];
  const screen = { log: (more: string[]) => void lines.push(...more) } as unknown as Screen;
  const session = new ShellSession({ services, screen, user: 'alice', users: ['alice', 'bob'], provider });
  return { session, engine, store, lines, kicked };
}

describe('shell: /as and approvals only on the simulated cloud', () => {
  it('refuses /as and approve on a shell that acts on AWS, saying where approvals come from', async () => {
    const { session, engine, store, lines } = shellOn({ name: 'aws', region: 'us-west-2' });
    const run = await engine.startRun({ runbook, mode: 'failover', initiator: 'alice' });
    await engine.advance(run.id);
    await session.handle('/as bob');
    expect(session.user).toBe('alice');
    await session.handle(`approve ${run.id}`);
    const text = lines.join('\n');
    expect(text).toContain('/as is refused: this shell acts on aws (us-west-2)');
    expect(text).toContain('approve is refused');
    expect(text).toMatch(/Slack/);
    expect((await store.getGate(run.id, 'cutover-approval'))?.approvals).toEqual([]);
  });

  it('lets /as play approvers on the sim', async () => {
    const { session } = shellOn({ name: 'sim' });
    await session.handle('/as bob');
    expect(session.user).toBe('bob');
  });

  it('refuses /as approvals on an AWS run from a sim shell, naming the provider the run needs', async () => {
    const store = new MemoryRunStore();
    const aws = shellOn({ name: 'aws', region: 'us-west-2' }, store);
    const run = await aws.engine.startRun({ runbook, mode: 'failover', initiator: 'alice' });
    await aws.engine.advance(run.id);
    const sim = shellOn({ name: 'sim' }, store);
    await sim.session.handle('/as bob');
    await sim.session.handle(`approve ${run.id}`);
    expect(sim.lines.join('\n')).toContain('runs on aws (us-west-2)');
    expect((await store.getGate(run.id, 'cutover-approval'))?.approvals).toEqual([]);
  });

  it('does not resume a run of another provider, and names the one it needs', async () => {
    const store = new MemoryRunStore();
    const aws = shellOn({ name: 'aws', region: 'us-west-2' }, store);
    const run = await aws.engine.startRun({ runbook, mode: 'failover', initiator: 'alice' });
    const sim = shellOn({ name: 'sim' }, store);
    expect(await sim.session.resume()).toEqual([]);
    expect(sim.kicked).toEqual([]);
    expect(sim.lines.join('\n')).toContain(
      `not resuming failover of pay-tier (${run.id}): it runs on aws (us-west-2)`,
    );
    // and waiting for runs to settle does not wait for it
    expect(await sim.session.waitUntilSettled(5_000)).toEqual({ settled: true, waiting: [] });
  });
});
