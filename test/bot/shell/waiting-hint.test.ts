import { describe, expect, it } from 'vitest';
import { waitingHint } from '../../../bot/shell/waiting-hint.js';
import { MemoryRunStore } from '../../../engine/adapters/memory/store.js';
import type { Run } from '../../../engine/run.js';
import { makeRunbook } from '../../helpers/runbook.js';

const GROUPS: Record<string, string[]> = { SRE: ['bob', 'carol', 'dave', 'alice'] };
const directory = { membersOf: async (group: string) => GROUPS[group] ?? [] };

/** A run waiting at its `go` gate, started by alice, with the approvals already counted. */
async function waitingRun(approvedBy: string[], gate: { excludeInitiator?: boolean } = {}) {
  const store = new MemoryRunStore();
  const runbook = makeRunbook({ name: 'hint-tier', approvals: { cutover: gate } });
  await store.putDoc('runbook', 'h1', runbook);
  await store.openGate({
    runId: 'R00000000000000000000ABCDEF',
    stepKey: 'go',
    gate: 'cutover',
    required: 2,
    approvals: [],
  });
  for (const user of approvedBy) await store.recordApproval('R00000000000000000000ABCDEF', 'go', user, 1);
  const run = {
    id: 'R00000000000000000000ABCDEF',
    mode: 'failover',
    initiator: 'alice',
    runbook: { name: 'hint-tier', hash: 'h1' },
    steps: { go: { status: 'waiting', action: 'approval', gate: 'cutover' } },
  } as unknown as Run;
  return { store, run };
}

const users = ['alice', 'bob', 'carol', 'dave', 'eve'];

describe('the shell’s waiting hint names who may still approve', () => {
  it('approvers of the gate, not the initiator, not the ones already counted, not outsiders', async () => {
    const { store, run } = await waitingRun(['bob']);
    const lines = await waitingHint({ store, directory, users }, run);
    expect(lines[1]).toBe('   go: /as carol (or dave) then approve ABCDEF (or reject ABCDEF <reason>)');
  });

  it('includes the initiator when the gate allows it', async () => {
    const { store, run } = await waitingRun([], { excludeInitiator: false });
    const lines = await waitingHint({ store, directory, users }, run);
    expect(lines[1]).toContain('/as alice (or bob, carol, dave)');
  });

  it('says so when no local user may still approve', async () => {
    // bob counted; alice started the run; eve is no approver
    const { store, run } = await waitingRun(['bob']);
    const lines = await waitingHint({ store, directory, users: ['alice', 'bob', 'eve'] }, run);
    expect(lines[1]).toContain('/as <approver>');
    expect(lines[2]).toContain('no local user may still approve gate cutover');
  });
});
