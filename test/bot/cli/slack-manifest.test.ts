import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

describe('drbot slack manifest', () => {
  it('prints an HTTP-mode manifest with the /dr command, interactivity URL and scopes', () => {
    const result = runCli(['slack', 'manifest', '--url', 'https://drbot.example.com/']);
    expect(result.status).toBe(0);
    const manifest = JSON.parse(result.stdout);
    expect(manifest.features.slash_commands[0]).toMatchObject({
      command: '/dr',
      url: 'https://drbot.example.com/slack/events',
    });
    expect(manifest.settings.interactivity).toEqual({
      is_enabled: true,
      url: 'https://drbot.example.com/slack/events',
    });
    expect(manifest.oauth_config.scopes.bot).toEqual(
      expect.arrayContaining(['commands', 'chat:write', 'usergroups:read']),
    );
    expect(manifest.settings.socket_mode_enabled).toBe(false);
  });

  it('prints a Socket Mode manifest without URLs', () => {
    const manifest = JSON.parse(runCli(['slack', 'manifest', '--socket-mode']).stdout);
    expect(manifest.settings.socket_mode_enabled).toBe(true);
    expect(manifest.settings.interactivity.url).toBeUndefined();
  });

  it('refuses a URL Slack cannot call, with the remedy', () => {
    const result = runCli(['slack', 'manifest', '--url', 'http://localhost:3000']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('drbot slack manifest --url https://');
  });
});
