import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../../bot/commands/grammar.js';
import { escapeMrkdwn } from '../../../bot/render/format.js';
import { helpLines } from '../../../bot/render/help.js';
import { replyText } from '../../../bot/render/text.js';
import { formatDuration } from '../../../engine/duration.js';

describe('operator input', () => {
  it('accepts plan in both orders, and help shows one (mode first)', () => {
    const expected = { ok: true, command: { kind: 'plan', runbook: 'web-tier', mode: 'failover' } };
    expect(parseCommand('plan failover web-tier', 'shell')).toEqual(expected);
    expect(parseCommand('plan web-tier failover', 'shell')).toEqual(expected);
    const help = helpLines('shell').join('\n');
    expect(help).toContain('plan <drill|failover|failback> <runbook>');
    expect(help).not.toContain('plan <runbook> <drill');
  });

  it('refuses control characters and echoes them escaped, never raw', () => {
    const parsed = parseCommand('abort last \u001b]0;pwned\u0007', 'shell');
    expect(parsed.ok).toBe(false);
    const lines = replyText(
      parsed.ok ? { kind: 'help', surface: 'shell' } : { kind: 'usage', error: parsed.error },
    );
    const text = lines.join('\n');
    expect(text).toContain('\\x1b]0;pwned\\x07');
    expect(text).not.toContain('\u001b');
    expect(text).not.toContain('\u0007');
    expect(parseCommand('drill web-tier note=\u009b2J', 'slack').ok).toBe(false);
  });

  it('renders a usage error one line per element: no newline left for the screen to escape', () => {
    const parsed = parseCommand('bogus', 'shell');
    expect(parsed.ok).toBe(false);
    const lines = replyText(
      parsed.ok ? { kind: 'help', surface: 'shell' } : { kind: 'usage', error: parsed.error },
    );
    expect(lines.filter((l) => l.includes('\n'))).toEqual([]);
    expect(lines[0]).toBe('⚠ "bogus" is not a drbot command.');
    expect(lines).toContain('Usage:');
    expect(lines).toContain('  drill <runbook> [key=value…]');
    expect(lines.at(-1)).toBe('Nothing was started.');
  });

  it('makes control characters in echoed Slack text visible', () => {
    expect(escapeMrkdwn('reason \u001b[2J <@U1>')).toBe('reason \\x1b[2J <@U1>');
  });

  it('parses timeline <run>', () => {
    expect(parseCommand('timeline last', 'shell')).toEqual({
      ok: true,
      command: { kind: 'timeline', runId: 'last' },
    });
    expect(parseCommand('timeline', 'shell').ok).toBe(false);
  });

  it('writes durations as 15m and 1h, never -0s', () => {
    expect(formatDuration(900_000)).toBe('15m');
    expect(formatDuration(3_600_000)).toBe('1h');
    expect(formatDuration(-200)).toBe('0s');
    expect(formatDuration(3_900_000)).toBe('1h05m');
  });
});
