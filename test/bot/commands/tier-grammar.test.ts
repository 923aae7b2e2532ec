import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../../bot/commands/grammar.js';

describe('grammar: tier commands', () => {
  it('parses commit, switch-point, reprotect, points and a start point', () => {
    expect(parseCommand('commit 7M2W', 'shell')).toEqual({
      ok: true,
      command: { kind: 'commit', runId: '7M2W' },
    });
    expect(parseCommand('/dr switch-point 7M2W 2026-01-05T08:00:00Z', 'slack')).toEqual({
      ok: true,
      command: { kind: 'switch-point', runId: '7M2W', point: '2026-01-05T08:00:00Z' },
    });
    expect(parseCommand('reprotect app-tier', 'shell')).toEqual({
      ok: true,
      command: { kind: 'reprotect', runbook: 'app-tier' },
    });
    expect(parseCommand('points app-tier', 'slack')).toEqual({
      ok: true,
      command: { kind: 'points', runbook: 'app-tier' },
    });
    expect(parseCommand('failover app-tier point=latest-app-consistent', 'shell')).toEqual({
      ok: true,
      command: {
        kind: 'start',
        mode: 'failover',
        runbook: 'app-tier',
        params: { point: 'latest-app-consistent' },
      },
    });
  });

  it('says what is missing, with the usage', () => {
    const noPoint = parseCommand('switch-point 7M2W', 'shell');
    expect(noPoint).toMatchObject({
      ok: false,
      error: { problem: expect.stringContaining('points <runbook>') },
    });
    const noRun = parseCommand('commit', 'slack');
    expect(noRun).toMatchObject({ ok: false, error: { usage: ['/dr commit <runId>'] } });
    expect(parseCommand('reprotect app-tier extra', 'shell').ok).toBe(false);
  });
});
