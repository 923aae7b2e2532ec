import { describe, expect, it } from 'vitest';
import { parseDirectory } from '../../../bot/runtime/directory.js';
import { FakeClock, SeededRandom } from '../../../engine/adapters/memory/clock.js';
import { MemoryRunStore } from '../../../engine/adapters/memory/store.js';
import { LocalDriver } from '../../../engine/driver/local-driver.js';
import { createEngine } from '../../../engine/executor/index.js';
import { canonicalUser, sameUser } from '../../../engine/identity.js';
import { isAllowed } from '../../../engine/ports.js';
import { createTestActions } from '../../helpers/actions.js';
import { makeRunbook } from '../../helpers/runbook.js';
import { createHarness } from './harness.js';

const anyoneGate = makeRunbook({
  modes: {
    failover: {
      steps: [
        { id: 'cutover-approval', action: 'approval', with: { gate: 'cutover' } },
        { id: 'launch', action: 'test.ok', needs: ['cutover-approval'] },
      ],
    },
  },
  access: { failover: { users: ['*'] } },
  approvals: { cutover: { required: 2, excludeInitiator: true, approvers: { users: ['*'] } } },
});

describe('identities are canonical', () => {
  it('folds local names and keeps Slack ids', () => {
    expect(canonicalUser('ALICE')).toBe('alice');
    expect(canonicalUser(' Alice ')).toBe('alice');
    expect(canonicalUser('U012ABCDEF')).toBe('U012ABCDEF');
    expect(canonicalUser('W0ABC1234')).toBe('W0ABC1234');
    expect(canonicalUser('UBUNTU')).toBe('ubuntu');
    expect(sameUser('Bob', 'bOB')).toBe(true);
  });

  it('the initiator cannot approve their own run under another spelling', async () => {
    const h = createHarness();
    const run = await h.run(anyoneGate, 'failover', 'alice');
    expect(run.initiator).toBe('alice');
    for (const spelling of ['Alice', 'ALICE', ' alice']) {
      const answer = await h.engine.approve(run.id, 'cutover-approval', spelling);
      expect(answer).toMatchObject({ counted: false, reason: 'initiator' });
    }
    const rejected = await h.engine.reject(run.id, 'cutover-approval', 'ALICE');
    expect(rejected).toMatchObject({ counted: false, reason: 'initiator' });
  });

  it('one person counts once whatever the spelling', async () => {
    const h = createHarness();
    const run = await h.run(anyoneGate, 'failover', 'ian');
    expect(await h.engine.approve(run.id, 'cutover-approval', 'bob')).toMatchObject({ counted: true });
    const again = await h.engine.approve(run.id, 'cutover-approval', 'BOB');
    expect(again).toMatchObject({ counted: false, reason: 'already-approved', opened: false });
    expect(again.gate?.approvals.map((a) => a.user)).toEqual(['bob']);
  });

  it('an initiator with capitals is stored canonical', async () => {
    const h = createHarness();
    const run = await h.start(anyoneGate, 'failover', 'IAN');
    expect(run.initiator).toBe('ian');
  });

  it('listed users and group members match whatever the spelling', async () => {
    const directory = parseDirectory('groups:\n  OPS: [Olivia]\n', 'directory.yaml');
    expect(await isAllowed('OLIVIA', { groups: ['OPS'] }, directory)).toBe(true);
    expect(await isAllowed('olivia', { users: ['OLIVIA'] }, directory)).toBe(true);
    expect(await isAllowed('oscar', { groups: ['OPS'] }, directory)).toBe(false);
  });
});

describe('group names are plain names', () => {
  it('constructor and __proto__ are not prototype keys of the directory', async () => {
    const directory = parseDirectory('groups:\n  OPS: [alice]\n', 'directory.yaml');
    expect(await directory.membersOf('constructor')).toEqual([]);
    expect(await directory.membersOf('__proto__')).toEqual([]);
    expect(await directory.membersOf('toString')).toEqual([]);
    const named = parseDirectory('groups:\n  constructor: [bob]\n  __proto__: [carol]\n', 'd.yaml');
    expect(await named.membersOf('constructor')).toEqual(['bob']);
    expect(await named.membersOf('__proto__')).toEqual(['carol']);
    expect(named.entries()).toEqual([
      ['constructor', ['bob']],
      ['__proto__', ['carol']],
    ]);
  });

  it('a runbook whose access names group constructor starts (and refuses outsiders cleanly)', async () => {
    const clock = new FakeClock();
    const directory = parseDirectory('groups:\n  OPS: [alice]\n', 'directory.yaml');
    const engine = createEngine({
      store: new MemoryRunStore(),
      clock,
      random: new SeededRandom(1),
      notifier: { publish: async () => undefined },
      directory,
      actions: createTestRegistry(),
      owner: 'w',
    });
    const runbook = makeRunbook({
      steps: [{ id: 'a', action: 'test.ok' }],
      access: { drill: { groups: ['constructor', '__proto__', 'OPS'] } },
    });
    const run = await engine.startRun({ runbook, mode: 'drill', initiator: 'alice' });
    const { run: done } = await new LocalDriver({ engine, clock }).runUntilSettled(run.id);
    expect(done.status).toBe('succeeded');
    await expect(engine.startRun({ runbook, mode: 'drill', initiator: 'mallory' })).rejects.toThrow(
      /not allowed|may not|cannot/i,
    );
  });
});

function createTestRegistry() {
  return createTestActions().registry;
}
