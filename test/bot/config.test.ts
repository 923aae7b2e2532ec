import { describe, expect, it } from 'vitest';
import { ConfigError, loadBotConfig } from '../../bot/config.js';

describe('loadBotConfig', () => {
  it('names every missing variable with where to find its value', () => {
    let error: unknown;
    try {
      loadBotConfig({});
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/SLACK_BOT_TOKEN is not set: .*OAuth & Permissions/);
    expect(problems[1]).toMatch(/SLACK_SIGNING_SECRET is not set: .*Signing Secret.*SLACK_APP_TOKEN/);
    expect((error as ConfigError).explanation).toContain('- SLACK_BOT_TOKEN');
  });

  it('reads HTTP mode with defaults and normalises SLACK_API_URL', () => {
    const config = loadBotConfig({
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_SIGNING_SECRET: 's',
      SLACK_API_URL: 'http://127.0.0.1:9/api',
      PORT: '8080',
    });
    expect(config).toEqual({
      slack: { botToken: 'xoxb-1', signingSecret: 's', apiUrl: 'http://127.0.0.1:9/api/' },
      port: 8080,
      dataDir: '.drbot',
      runbookDir: 'runbooks',
      staleDays: 14,
    });
  });

  it('accepts Socket Mode without a signing secret, and a --port override', () => {
    const config = loadBotConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' }, { port: 4000 });
    expect(config.slack.appToken).toBe('xapp-1');
    expect(config.port).toBe(4000);
  });

  it('rejects malformed values', () => {
    expect(() =>
      loadBotConfig({ SLACK_BOT_TOKEN: 'nope', SLACK_APP_TOKEN: 'bad', PORT: 'x', SLACK_API_URL: '::' }),
    ).toThrow(ConfigError);
    try {
      loadBotConfig({ SLACK_BOT_TOKEN: 'nope', SLACK_APP_TOKEN: 'bad', PORT: 'x', SLACK_API_URL: '::' });
    } catch (err) {
      expect((err as ConfigError).problems).toHaveLength(4);
    }
  });

  it('reads DRBOT_STALE_DAYS and names it when it is not a whole number of days', () => {
    const env = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' };
    expect(loadBotConfig({ ...env, DRBOT_STALE_DAYS: '30' }).staleDays).toBe(30);
    let error: unknown;
    try {
      loadBotConfig({ ...env, DRBOT_STALE_DAYS: 'two weeks' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([expect.stringMatching(/DRBOT_STALE_DAYS="two weeks"/)]);
  });
});
