import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { BotServices } from '../../../bot/services.js';
import { Screen } from '../../../bot/shell/screen.js';
import { ShellSession } from '../../../bot/shell/session.js';

function session(users: string[]) {
  const out = new PassThrough();
  let text = '';
  out.on('data', (chunk) => {
    text += String(chunk);
  });
  const shell = new ShellSession({
    services: {} as BotServices,
    screen: new Screen({ out, live: false }),
    users,
  });
  return { shell, text: () => text };
}

describe('shell: /as', () => {
  it('/as ALICE is alice, a known local user', async () => {
    const { shell, text } = session(['alice', 'bob']);
    await shell.handle('/as ALICE');
    expect(shell.user).toBe('alice');
    expect(shell.prompt).toBe('alice> ');
    expect(text()).toContain('you are now alice');
    expect(text()).not.toContain('not a known local user');
  });

  it('folds a name the directory spells with capitals', async () => {
    const { shell, text } = session(['Bob']);
    await shell.handle('/as bob');
    expect(shell.user).toBe('bob');
    expect(text()).not.toContain('not a known local user');
  });
});
