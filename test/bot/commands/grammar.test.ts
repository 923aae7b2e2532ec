import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allUsages, parseCommand } from '../../../bot/commands/grammar.js';

describe('parseCommand', () => {
  it('parses a drill with parameters, with or without the /dr prefix', () => {
    const expected = {
      kind: 'start',
      mode: 'drill',
      runbook: 'app-tier',
      params: { reason: 'quarterly check', n: '2' },
    };
    expect(parseCommand('/dr drill app-tier reason="quarterly check" n=2', 'slack')).toEqual({
      ok: true,
      command: expected,
    });
    expect(parseCommand('  DRILL app-tier reason="quarterly check" n=2 ', 'shell')).toEqual({
      ok: true,
      command: expected,
    });
  });

  it('parses failover, failback, plan, status, runs, list, abort and help', () => {
    expect(parseCommand('failover db-tier', 'slack')).toEqual({
      ok: true,
      command: { kind: 'start', mode: 'failover', runbook: 'db-tier', params: {} },
    });
    expect(parseCommand('failback db-tier', 'slack')).toMatchObject({
      ok: true,
      command: { mode: 'failback' },
    });
    expect(parseCommand('plan app-tier Drill', 'slack')).toEqual({
      ok: true,
      command: { kind: 'plan', runbook: 'app-tier', mode: 'drill' },
    });
    expect(parseCommand('status', 'slack')).toEqual({ ok: true, command: { kind: 'status' } });
    expect(parseCommand('status 01ABC', 'slack')).toEqual({
      ok: true,
      command: { kind: 'status', runId: '01ABC' },
    });
    expect(parseCommand('runs', 'slack')).toEqual({ ok: true, command: { kind: 'runs' } });
    expect(parseCommand('list', 'slack')).toEqual({ ok: true, command: { kind: 'list' } });
    expect(parseCommand('abort 01ABC wrong runbook', 'slack')).toEqual({
      ok: true,
      command: { kind: 'abort', runId: '01ABC', reason: 'wrong runbook' },
    });
    expect(parseCommand('help drill', 'slack')).toEqual({
      ok: true,
      command: { kind: 'help', topic: 'drill' },
    });
  });

  it('parses doctor on both surfaces, and explains a missing or extra argument', () => {
    expect(parseCommand('/dr doctor app-tier', 'slack')).toEqual({
      ok: true,
      command: { kind: 'doctor', runbook: 'app-tier' },
    });
    expect(parseCommand('Doctor db-tier', 'shell')).toEqual({
      ok: true,
      command: { kind: 'doctor', runbook: 'db-tier' },
    });
    const missing = parseCommand('/dr doctor', 'slack');
    expect(missing).toEqual({
      ok: false,
      error: { problem: expect.stringMatching(/Which runbook/), usage: ['/dr doctor <runbook>'] },
    });
    const extra = parseCommand('doctor app-tier now', 'shell');
    expect(extra).toEqual({
      ok: false,
      error: { problem: 'Unexpected "now" after the runbook.', usage: ['doctor <runbook>'] },
    });
    expect(allUsages('slack')).toContain('/dr doctor <runbook>');
  });

  it('parses the shell-only approval verbs in the shell', () => {
    expect(parseCommand('approve 01ABC', 'shell')).toEqual({
      ok: true,
      command: { kind: 'approve', runId: '01ABC' },
    });
    expect(parseCommand('approve 01ABC cutover-approval', 'shell')).toEqual({
      ok: true,
      command: { kind: 'approve', runId: '01ABC', stepKey: 'cutover-approval' },
    });
    expect(parseCommand('reject 01ABC gate not during the sale', 'shell')).toEqual({
      ok: true,
      command: { kind: 'reject', runId: '01ABC', stepKey: 'gate', reason: 'not during the sale' },
    });
    expect(parseCommand('confirm 01ABC dns', 'shell')).toEqual({
      ok: true,
      command: { kind: 'confirm', runId: '01ABC', stepKey: 'dns' },
    });
  });

  it('refuses shell-only verbs in Slack and points at the buttons', () => {
    const result = parseCommand('/dr approve 01ABC', 'slack');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.problem).toMatch(/buttons/);
  });

  it('explains what is wrong and shows the right usage', () => {
    const cases: [string, RegExp, string][] = [
      ['drill', /runbook/i, '/dr drill <runbook> [key=value…]'],
      ['drill app-tier oops', /key=value/, '/dr drill <runbook> [key=value…]'],
      ['drill app-tier a=1 a=2', /twice/, '/dr drill <runbook> [key=value…]'],
      [
        'plan app-tier sideways',
        /Neither "app-tier" nor "sideways" is a mode/,
        '/dr plan <drill|failover|failback> <runbook>',
      ],
      [
        'plan rollback app-tier',
        /Neither "rollback" nor "app-tier" is a mode/,
        '/dr plan <drill|failover|failback> <runbook>',
      ],
      ['status a b', /Unexpected/, '/dr status [runId]'],
      ['abort', /run id is missing/, '/dr abort <runId> [reason…]'],
    ];
    for (const [input, problem, usage] of cases) {
      const result = parseCommand(input, 'slack');
      expect(result.ok, input).toBe(false);
      if (result.ok) continue;
      expect(result.error.problem, input).toMatch(problem);
      expect(result.error.usage, input).toEqual([usage]);
    }
  });

  it('answers an unknown verb with every usage', () => {
    const result = parseCommand('/dr launch app-tier', 'slack');
    expect(result).toEqual({
      ok: false,
      error: { problem: '"launch" is not a drbot command.', usage: allUsages('slack') },
    });
  });

  it('reports an unclosed quote instead of guessing', () => {
    const result = parseCommand('drill app-tier reason="oops', 'shell');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.problem).toMatch(/quote/);
  });

  it('never throws and always gives a command or a usage error (1,000 seeded cases)', () => {
    const words = fc.constantFrom(
      '/dr',
      'drill',
      'failover',
      'failback',
      'plan',
      'doctor',
      'status',
      'runs',
      'abort',
      'list',
      'help',
      'approve',
      'reject',
      'confirm',
      'app-tier',
      'drill',
      'a=b',
      '=x',
      'k=',
      '"',
      '“quoted”',
      '01ABC',
      '__proto__',
      'constructor',
      'toString',
      'x'.repeat(200),
      '',
      ' ',
      '\t',
      '\n',
    );
    const input = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.array(words, { maxLength: 8 }).map((w) => w.join(' ')),
    );
    fc.assert(
      fc.property(input, fc.constantFrom('slack' as const, 'shell' as const), (text, surface) => {
        const result = parseCommand(text, surface);
        if (result.ok) {
          expect(typeof result.command.kind).toBe('string');
        } else {
          expect(result.error.problem.length).toBeGreaterThan(0);
          expect(result.error.usage.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 1000, seed: 20260105 },
    );
  });
});
